// An in-process handoff for tests: a Handoff on a manual clock, its routes
// on a Router, and helpers that act as a browser (cookie jar, forms) and as
// an AMF client (packets built with the project's codec), calling the
// handlers directly with synthetic Requests. No sockets: these tests drive
// time exactly (the TTL edges) and see every log line.
#pragma once

#include <doctest/doctest.h>

#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "amf/arena.h"
#include "amf/codec.h"
#include "amf/packet.h"
#include "core/clock.h"
#include "core/config.h"
#include "core/log.h"
#include "net/http_message.h"
#include "net/router.h"
#include "web/handoff.h"

namespace amfgate::testing {

struct Reply {
  int status = 0;
  std::string headers;  // "Name: value\r\n"...
  std::string content_type;
  std::string body;

  std::vector<std::string> All(std::string_view name) const;
  std::string Header(std::string_view name) const;  // first, or ""
};

// A cookie jar keyed by name (Path=/ only, as amfgate sets them).
class Browser {
 public:
  void Absorb(const Reply& reply);
  std::string CookieHeader() const;
  std::optional<std::string> Get(const std::string& name) const;
  void Set(const std::string& name, const std::string& value) { jar_[name] = value; }
  void Erase(const std::string& name) { jar_.erase(name); }
  void Clear() { jar_.clear(); }
  const std::map<std::string, std::string>& jar() const { return jar_; }
  std::string page_csrf;  // the logout form token of the last app page

 private:
  std::map<std::string, std::string> jar_;
};

class Rig {
 public:
  explicit Rig(Config config = Config(), bool tls = true);
  ~Rig();

  Reply Send(std::string_view method, std::string_view target, std::string_view body = {},
             std::vector<std::pair<std::string, std::string>> headers = {},
             Browser* browser = nullptr);
  // AMF POST to the gateway with the browser's cookies.
  Reply Amf(std::string_view packet, Browser* browser, std::string_view origin = {});

  // Logs in through the form (GET /login then POST) and returns the reply.
  Reply Login(Browser& browser, const std::string& user, const std::string& password);
  // GET /app; returns the alias from the random cookie (or flashvars).
  std::string MintAlias(Browser& browser, Reply* app_reply = nullptr);
  // POST /logout with the page's CSRF token taken from the app page.
  Reply Logout(Browser& browser);

  std::string origin() const { return config_.public_origin; }
  ManualClock& clock() { return clock_; }
  const Router& router() const { return router_; }
  Handoff& handoff() { return *handoff_; }
  const std::string& password() const { return handoff_->demo_password(); }
  std::string Cookie(std::string_view base) const {
    return (tls_ ? "__Host-" : "") + std::string(base);
  }
  bool tls() const { return tls_; }
  // Every log line written while the rig lived.
  const std::vector<std::string>& log_lines() const { return log_lines_; }
  // Tokens the tests saw; none may appear in any log line.
  void Remember(const std::string& token) { tokens_.push_back(token); }
  void CheckNoTokenInLogs() const;

 private:
  Config config_;
  bool tls_;
  ManualClock clock_;
  std::unique_ptr<Handoff> handoff_;
  Router router_;
  std::vector<std::string> log_lines_;
  std::vector<std::string> tokens_;
  uint16_t next_port_ = 40000;
};

// ---- AMF helpers over the project's codec.

struct Call {
  std::string target;
  std::vector<amf::Value> args;
  std::string response = "";  // default "/N" by position
};

// A version-`version` packet of calls with strict-array arguments.
std::string BuildPacket(const std::vector<Call>& calls, uint16_t version = 0,
                        const std::vector<amf::Header>& headers = {});

// A decoded response packet; values live in the Decoded's own arena and bytes.
struct Decoded {
  std::string bytes;
  Arena arena;
  amf::Packet packet;
  bool ok = false;

  const amf::Body& body(size_t i) const { return packet.bodies[i]; }
  bool IsResult(size_t i) const;
  bool IsStatus(size_t i) const;
  // The onStatus fault code of body i, or "".
  std::string FaultCode(size_t i) const;
  std::string StringResult(size_t i) const;
};
std::unique_ptr<Decoded> Decode(const Reply& reply);

}  // namespace amfgate::testing
