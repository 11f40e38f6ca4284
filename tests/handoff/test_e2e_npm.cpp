// A round trip with an AMF implementation nobody here wrote: the npm packages
// amf0-ts and amf3-ts, pinned, installed into the build tree by this test.
#include <doctest/doctest.h>
#include <sys/stat.h>

#include <cstdio>
#include <cstdlib>

#include "harness.h"

using namespace amfgate::e2e;

namespace {

constexpr char kPackages[] = "amf0-ts@1.3.9 amf3-ts@1.1.0";

std::string BuildDir() {
  const char* b = std::getenv("AMFGATE_BUILD");
  return b != nullptr ? b : "build";
}

std::string Run(const std::string& command) {
  std::string out;
  FILE* p = popen(command.c_str(), "r");
  REQUIRE(p != nullptr);
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof(buf), p)) > 0) out.append(buf, n);
  int rc = pclose(p);
  CHECK_MESSAGE(rc == 0, command << " -> " << out);
  return out;
}

}  // namespace

TEST_CASE("an npm AMF library redeems an alias, calls whoami, and round-trips an AMF3 value") {
  std::string prefix = BuildDir() + "/npm-amf";
  struct stat st;
  if (stat((prefix + "/node_modules/amf3-ts/package.json").c_str(), &st) != 0) {
    Run("mkdir -p " + prefix + " && cd " + prefix + " && npm install --no-audit --no-fund --no-save --silent " +
        kPackages + " 2>&1");
  }
  ServerProcess s(false);
  Curl browser(s.dir() + "/browser.jar");
  std::string csrf = FormCsrf(browser.Get(s.origin() + "/login").body);
  REQUIRE(browser.PostForm(s.origin() + "/login", "username=demo&password=" + s.demo_password() + "&csrf=" + csrf,
                           s.origin()).status == 303);
  auto cookie = browser.Get(s.origin() + "/app").CookieStartingWith("a_");
  REQUIRE(cookie.has_value());
  RememberToken(cookie->second);
  std::string out = Run("NODE_PATH=" + prefix + "/node_modules node tests/handoff/npm_client.js " + s.origin() + " " +
                        cookie->second + " 2>&1");
  CAPTURE(out);
  CHECK(out.find("\"redeem_target\":\"/1/onResult\"") != std::string::npos);
  CHECK(out.find("\"user\":\"demo\"") != std::string::npos);
  CHECK(out.find("\"session_expires\":1800") != std::string::npos);
  CHECK(out.find("\"whoami\":\"demo\"") != std::string::npos);
  CHECK(out.find("\"echo_switched\":true") != std::string::npos);
  CHECK(out.find("\"echo_equal\":true") != std::string::npos);
}
