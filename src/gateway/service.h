// Services: the typed C++ API behind gateway targets.
//
// A service method is registered under its remoting name ("echo.echo",
// "inventory.find"): the AMF0 target of a NetConnection call, or a Flex
// RemotingMessage's destination + "." + operation. Registration states
// whether the method needs a logged-in gateway session; the gateway answers
// calls to such a method without one with the fault Auth.Required and never
// runs the handler.
//
// A handler runs synchronously on the loop thread, like an HTTP handler
// (net/router.h): it must not block. It receives a CallContext (who is
// calling, the arena to build results in, the format the caller reads) and
// the call's arguments, and returns a CallResult: a value, or a fault with a
// code and a fixed description. Faults must never carry request data or
// internal detail (SPEC section 3); the descriptions are static strings for
// that reason.
//
// Lifetimes: arguments and everything built in ctx.arena() live until the
// response is written, not longer. The registry is built at start-up and
// read-only while requests run.
//
// Cost: a lookup hashes at most 16 bytes of the target name (its length,
// first and last eight bytes), probes an open-addressed index at most half
// full and compares one name; no allocation per call. The index is built at
// registration and never grows while requests run, so a client choosing
// colliding names can lengthen no probe beyond what start-up fixed.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "amf/arena.h"
#include "amf/packet.h"
#include "amf/value.h"
#include "core/clock.h"
#include "core/status.h"
#include "net/http_message.h"

namespace amfgate {

class GatewayExchange;  // the gateway's per-request state, for the built-in auth services

// Fault codes the gateway itself uses.
inline constexpr std::string_view kFaultAliasInvalid = "Auth.AliasInvalid";
inline constexpr std::string_view kFaultAuthRequired = "Auth.Required";
inline constexpr std::string_view kFaultLoginFailed = "Auth.LoginFailed";
inline constexpr std::string_view kFaultBusy = "Server.Busy";
inline constexpr std::string_view kFaultNoSuchService = "Server.ResourceUnavailable";
inline constexpr std::string_view kFaultBadArguments = "Server.BadArguments";
inline constexpr std::string_view kFaultMustUnderstand = "Server.MustUnderstand";
inline constexpr std::string_view kFaultInternal = "Server.Error";

class CallResult {
 public:
  static CallResult Ok(amf::Value value) { return CallResult(value, {}, {}); }
  // `code` and `description` must be static strings (or outlive the request).
  static CallResult Fault(std::string_view code, std::string_view description) {
    return CallResult(amf::Value::Null(), code, description);
  }

  bool ok() const { return code_.empty(); }
  const amf::Value& value() const { return value_; }
  std::string_view code() const { return code_; }
  std::string_view description() const { return description_; }

 private:
  CallResult(amf::Value v, std::string_view code, std::string_view description)
      : value_(v), code_(code), description_(description) {}
  amf::Value value_;
  std::string_view code_;
  std::string_view description_;
};

class CallContext {
 public:
  CallContext(Arena& arena, amf::Format format, const Request& request, MonoTime now,
              GatewayExchange* exchange)
      : arena_(arena), format_(format), request_(request), now_(now), exchange_(exchange) {}

  // Build results here (amf::Make*, amf::Value::String over arena copies).
  Arena& arena() const { return arena_; }
  // The format the caller reads: kAmf3 for AMF3 clients (packet version 3,
  // AMF3 arguments, Flex), else kAmf0. Builders should use it.
  amf::Format format() const { return format_; }
  // Copies `s` into the arena and returns it as a string value in format().
  amf::Value String(std::string_view s) const;

  // The logged-in user of this call's gateway session; empty when none.
  std::string_view user() const;
  bool authenticated() const { return !user().empty(); }
  const PeerAddress& peer() const { return request_.peer; }
  MonoTime now() const { return now_; }

  GatewayExchange* exchange() const { return exchange_; }

 private:
  Arena& arena_;
  amf::Format format_;
  const Request& request_;
  MonoTime now_;
  GatewayExchange* exchange_;
};

using ServiceHandler = std::function<CallResult(CallContext&, const amf::Arguments&)>;

enum class Access : unsigned char {
  kPublic,   // anyone may call
  kSession,  // needs a logged-in gateway session, else Auth.Required
};

class ServiceRegistry {
 public:
  struct Entry {
    ServiceHandler handler;
    Access access = Access::kPublic;
  };

  // `name` is "service.method": non-empty parts of [A-Za-z0-9_] separated by
  // dots. Registering a name twice is kInvalidArgument and keeps the first.
  Status Register(std::string name, ServiceHandler handler, Access access);
  // The entry for a target, or nullptr. Valid until the next Register.
  const Entry* Find(std::string_view name) const;
  size_t size() const { return entries_.size(); }
  bool Validate() const;

 private:
  static constexpr uint32_t kEmpty = 0xFFFFFFFF;

  static uint64_t Hash(std::string_view name);
  // Rebuilds index_ at a capacity at least twice the number of entries.
  void Reindex();

  std::vector<std::string> names_;  // names_[i] is entries_[i]'s name
  std::vector<Entry> entries_;
  std::vector<uint32_t> index_;  // open addressing, power-of-two size: entry number or kEmpty
};

bool IsValidServiceName(std::string_view name);

}  // namespace amfgate
