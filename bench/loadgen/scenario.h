// The load generator's scenarios: what the virtual users of each one do.
//
//   get        GET PATH on keep-alive connections (reference servers, pages)
//   handshake  a new TLS connection per request, full or resumed
//   redeem     setup: log in, mint aliases through GET /app into a pool;
//              timed: only POST /gateway auth.loginByAlias, each alias once
//   handoff    timed: mint, redeem, whoami, over and over (one operation each)
//   whoami     setup: each user hands off once; timed: auth.whoami
//   echo       setup as whoami; timed: echo.echo with a 1 KiB AMF3 graph
//   sessions   log in, then mint and redeem until N gateway sessions exist
//
// Phases run in order; the last one is the timed one a report describes.
// Every response is judged: HTTP status and type, the AMF packet's shape, the
// body target (`/1/onResult`, never a fault) and the result's value (the
// user's name for whoami and loginByAlias, the graph itself for echo).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/status.h"
#include "driver.h"
#include "user.h"

namespace amfgate::bench {

struct ScenarioOptions {
  std::string name;
  int connections = 50;
  std::string host_header;  // Host: for every request
  std::string origin;       // Origin: on POSTs; empty sends none
  std::string login_path = "/login";
  std::string app_path = "/app";
  std::string gateway_path = "/gateway";
  std::string path = "/";   // get, handshake
  int expect_status = 200;  // get, handshake
  std::string user = "bench";
  std::string password = "bench-password";
  int page_sessions = 8;     // logins first (at least enough for max_pending)
  int max_pending = 8;       // the server's max_pending_aliases
  uint64_t aliases = 0;      // redeem: aliases minted before the window (0: 2000 per connection)
  uint64_t sessions = 0;     // sessions: gateway sessions to create
  bool resume = false;       // handshake: resume from the last ticket
  size_t echo_bytes = 1024;  // echo: encoded size of the AMF3 graph
};

struct ScenarioPhase {
  PhaseOptions options;
  std::vector<User*> users;
};

class Scenario {
 public:
  virtual ~Scenario() = default;
  const std::vector<ScenarioPhase>& phases() const { return phases_; }
  // What one operation of the timed phase is ("request", "handoff", ...).
  const char* op_unit() const { return op_unit_; }

 protected:
  std::vector<ScenarioPhase> phases_;
  const char* op_unit_ = "request";
};

// The AMF request packet a gateway scenario sends ("redeem" with a made-up
// alias, "whoami", "echo"), for `amfgate-bench packet` and the self-test;
// empty for other names.
std::string GatewayRequestPacket(const std::string& name, size_t echo_bytes);

// Builds a scenario; `timed` holds the window (duration, max_ops, warm-up,
// pipeline) that the timed phase uses. Unknown names are an error.
Status MakeScenario(const ScenarioOptions& options, const PhaseOptions& timed,
                    std::unique_ptr<Scenario>* out);

}  // namespace amfgate::bench
