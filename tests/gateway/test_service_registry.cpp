// The service registry: every registered name is found, nothing else is,
// however many services an embedder adds and whatever a client sends.
#include <doctest/doctest.h>

#include <random>
#include <set>
#include <string>

#include "gateway/service.h"

using namespace amfgate;

namespace {

CallResult Null(CallContext&, const amf::Arguments&) { return CallResult::Ok(amf::Value::Null()); }

}  // namespace

TEST_CASE("every registered name is found and near misses are not") {
  ServiceRegistry registry;
  CHECK(registry.Find("auth.whoami") == nullptr);
  std::set<std::string> names;
  std::mt19937_64 rng(3);
  const std::string alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_";
  while (names.size() < 300) {
    std::string name(1 + rng() % 20, 'x');
    for (char& c : name) c = alphabet[rng() % alphabet.size()];
    name += '.';
    for (size_t n = 1 + rng() % 20; n > 0; --n) name += alphabet[rng() % alphabet.size()];
    names.insert(name);
  }
  size_t i = 0;
  for (const std::string& name : names) {
    REQUIRE(registry.Register(name, Null, i++ % 2 ? Access::kSession : Access::kPublic).ok());
  }
  CHECK(registry.size() == names.size());
  CHECK(registry.Validate());
  i = 0;
  for (const std::string& name : names) {
    const ServiceRegistry::Entry* entry = registry.Find(name);
    REQUIRE(entry != nullptr);
    CHECK(entry->access == (i++ % 2 ? Access::kSession : Access::kPublic));
    // Same length, same ends, one byte changed in the middle; a prefix; a
    // longer name: none of them is a registered service.
    std::string changed = name;
    changed[changed.size() / 2] ^= 0x01;
    if (names.count(changed) == 0) CHECK(registry.Find(changed) == nullptr);
    CHECK(registry.Find(std::string_view(name).substr(0, name.size() - 1)) == nullptr);
    CHECK(registry.Find(name + "x") == nullptr);
  }
  CHECK(registry.Find("") == nullptr);
  CHECK(registry.Find(std::string(70000, 'a')) == nullptr);
}

TEST_CASE("a name registered twice or not of the form service.method is refused") {
  ServiceRegistry registry;
  CHECK(registry.Register("echo.echo", Null, Access::kPublic).ok());
  CHECK(registry.Register("echo.echo", Null, Access::kSession).code() == Code::kInvalidArgument);
  CHECK(registry.Find("echo.echo")->access == Access::kPublic);
  CHECK(registry.Register("echo", Null, Access::kPublic).code() == Code::kInvalidArgument);
  CHECK(registry.Register("a.b", ServiceHandler(), Access::kPublic).code() ==
        Code::kInvalidArgument);
  CHECK(registry.size() == 1);
  CHECK(registry.Validate());
}
