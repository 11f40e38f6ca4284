#include "gateway/builtin_services.h"

#include "gateway/gateway.h"

namespace amfgate {

namespace {

constexpr std::string_view kTextNeedsString = "The arguments are not what the method takes.";

}  // namespace

Status RegisterBuiltinServices(Gateway& gateway) {
  ServiceRegistry& services = gateway.services();
  Gateway* g = &gateway;

  Status s = services.Register(
      "auth.loginByAlias",
      [g](CallContext& ctx, const amf::Arguments& args) {
        amf::Value alias = args.at(0);
        amf::Value verifier = args.at(1);
        // A malformed argument is a failed redemption like any other: the
        // client learns nothing more from it.
        if (!alias.is_string())
          return CallResult::Fault(kFaultAliasInvalid, "The alias is not valid.");
        return g->RedeemAlias(ctx, alias.AsString(),
                              verifier.is_string() ? verifier.AsString() : std::string_view());
      },
      Access::kPublic);
  if (!s.ok()) return s;

  s = services.Register(
      "auth.whoami",
      [](CallContext& ctx, const amf::Arguments&) {
        // No copy: the store interns user names for its whole life
        // (SessionView::user_name), longer than this reply, even if a later
        // body of the packet ends the session.
        return CallResult::Ok(amf::Value::String(ctx.user(), ctx.format()));
      },
      Access::kSession);
  if (!s.ok()) return s;

  s = services.Register(
      "auth.logout", [g](CallContext& ctx, const amf::Arguments&) { return g->Logout(ctx); },
      Access::kPublic);
  if (!s.ok()) return s;

  s = services.Register(
      "auth.login",
      [g](CallContext& ctx, const amf::Arguments& args) {
        amf::Value user = args.at(0);
        amf::Value password = args.at(1);
        if (!user.is_string() || !password.is_string()) {
          return CallResult::Fault(kFaultBadArguments, kTextNeedsString);
        }
        return g->PasswordLogin(ctx, user.AsString(), password.AsString());
      },
      Access::kPublic);
  if (!s.ok()) return s;

  return services.Register(
      "echo.echo",
      [](CallContext&, const amf::Arguments& args) { return CallResult::Ok(args.at(0)); },
      Access::kPublic);
}

}  // namespace amfgate
