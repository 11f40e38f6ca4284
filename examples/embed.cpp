// An appliance that embeds amfgate: the full server (pages, gateway, TLS,
// admin endpoints, the same command line as the amfgate binary) plus two
// services of its own.
//
//   appliance.status()        -> {user, uptime_requests}, for logged-in clients
//   appliance.add(a, b)       -> a + b, for anyone
//
// Build: `make build/examples/embed`. Run it like amfgate, e.g.
//   build/examples/embed --listen 127.0.0.1:8080 plain --admin_listen off
#include <amfgate/amfgate.h>

#include <cstdio>

namespace {

uint64_t status_calls = 0;  // the loop is one thread: no lock needed

amfgate::CallResult Status(amfgate::CallContext& ctx, const amfgate::amf::Arguments&) {
  ++status_calls;
  amfgate::amf::Member members[] = {
      {"user", ctx.String(ctx.user())},
      {"status_calls",
       amfgate::amf::Value::Number(static_cast<double>(status_calls), ctx.format())},
  };
  return amfgate::CallResult::Ok(amfgate::amf::MakeObject(ctx.arena(), members, ctx.format()));
}

amfgate::CallResult Add(amfgate::CallContext& ctx, const amfgate::amf::Arguments& args) {
  amfgate::amf::Value a = args.at(0), b = args.at(1);
  if (!a.is_number() || !b.is_number()) {
    return amfgate::CallResult::Fault("Appliance.BadArguments", "add takes two numbers.");
  }
  return amfgate::CallResult::Ok(
      amfgate::amf::Value::Number(a.AsNumber() + b.AsNumber(), ctx.format()));
}

}  // namespace

int main(int argc, char** argv) {
  amfgate::Status s = amfgate::AddService("appliance.status", Status, amfgate::Access::kSession);
  if (s.ok()) s = amfgate::AddService("appliance.add", Add, amfgate::Access::kPublic);
  if (!s.ok()) {
    std::fprintf(stderr, "embed: %s\n", s.ToString().c_str());
    return 1;
  }
  return amfgate::RunMain(argc, argv);
}
