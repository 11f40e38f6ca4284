// The model-checking world behind fuzz_gateway (its opening comment says
// what the target drives and checks): two browsers with cookie jars, the
// handoff assembled by HandoffRig on a manual clock, a log capture, and a
// model of what this run's tokens may still do.
//
// A GatewayWorld plays one input as one run (Run): each step is a page
// request, a gateway packet, a raw request, a cookie edit, a clock advance or
// a wheel tick. Every request goes through Send, which dispatches it through
// the router and checks the response; gateway answers are checked against the
// model in CheckAnswers. Runs start 20 s of manual time apart, so nothing of
// one run is alive in the next.
//
// Split by concept: gateway_world.cpp holds the run, the pages, raw requests
// and the checks every response gets; gateway_calls.cpp builds gateway packets
// from the input and checks their answers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <deque>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "amf/arena.h"
#include "amf/packet.h"
#include "amf/value.h"
#include "core/clock.h"
#include "handoff_client.h"
#include "handoff_rig.h"

namespace amfgate::fuzz {

struct AliasFact {
  std::string token;
  std::string page;  // the page session id it was minted for
  MonoTime minted = 0;
  std::string verifier;  // non-empty when bound to a challenge
  bool redeemed = false;
  bool dead = false;  // can never redeem again
  std::string child;  // the gateway session its redemption created, when known
};
struct PageFact {
  MonoTime created = 0;
  bool ended = false;
};
struct GatewayFact {
  std::string parent;  // page session id; "" when unknown (password login, raw packets)
  MonoTime created = 0;
  bool ended = false;
};

// One body of a gateway packet, as built and as the model expects it.
struct Call {
  enum Kind { kRedeem, kWhoami, kLogout, kEcho, kLogin, kUnknown } kind = kUnknown;
  int alias = -1;  // index into aliases_, or -1 for an invented one
  bool right_verifier = true;
  bool flex = false;
  std::string message_id;
  amf::Value echo;       // kEcho: the argument
  std::string response;  // response URI
};

// A gateway request as built: the bytes and what the model needs to read
// the answer.
struct GatewayRequest {
  uint16_t version = 0;
  bool credentials = false;      // a Credentials header: logs in before the bodies
  bool must_understand = false;  // an unknown header marked must-understand
  std::vector<Call> calls;
  std::string bytes;
  // What the calls' echo values view, alive until the answer is checked.
  std::unique_ptr<Arena> arena = std::make_unique<Arena>();
  std::deque<std::string> texts;
};

class GatewayWorld {
 public:
  GatewayWorld() : rig_([this] { return clock_.now(); }) {
    DefaultLogger().SetCapture([this](char, std::string_view line) { log_.emplace_back(line); });
    ForgetRun();
  }

  void Run(Input& in);

 private:
  MonoTime now() const { return clock_.now(); }

  void StartRun();
  void ForgetRun();
  Reply Send(Browser& b, std::string_view method, std::string_view target, std::string_view body,
             std::vector<std::pair<std::string, std::string>> headers,
             const std::string* raw_cookie = nullptr);
  void CheckReply(const Browser& b, std::string_view path, const Reply& r);
  void CheckLogsAndBodies(const Reply& r);
  void Remember(const std::string& token) {
    if (token.size() == 43) tokens_.insert(token);
  }
  bool PageAlive(const std::string& sid) const {
    auto it = pages_.find(sid);
    return it != pages_.end() && !it->second.ended && now() < it->second.created + kSessionLifetime;
  }
  bool GatewayAlive(const std::string& gsid) const {
    auto it = gateways_.find(gsid);
    if (it == gateways_.end() || it->second.ended || now() >= it->second.created + kSessionLifetime)
      return false;
    return it->second.parent.empty() || PageAlive(it->second.parent);
  }
  void EndPage(const std::string& sid) {
    if (sid.empty()) return;
    pages_[sid].ended = true;
  }

  void GetLogin(Browser& b);
  void PostLogin(Browser& b, Input& in);
  void GetApp(Browser& b, Input& in);
  void PostLogout(Browser& b, Input& in);
  void Gateway(Browser& b, Input& in);
  GatewayRequest BuildRequest(Input& in);
  Call BuildCall(Input& in, size_t i, uint16_t version, Arena& arena,
                 std::deque<std::string>& texts, amf::Body* body);
  void CheckAnswers(Browser& b, const GatewayRequest& request, const Reply& r,
                    const std::string& gsid);
  void Raw(Browser& b, Input& in);
  void EditCookie(Browser& b, Input& in);

  const bool trace_ = getenv("FUZZ_GATEWAY_TRACE") != nullptr;
  ManualClock clock_;
  HandoffRig rig_;
  std::vector<std::string> log_;
  size_t log_checked_ = 0;
  uint64_t run_ = 0;
  MonoTime run_start_ = 0;
  uint16_t port_ = 1000;
  Browser browsers_[2];
  std::set<std::string> tokens_;
  std::vector<AliasFact> aliases_;
  std::map<std::string, PageFact> pages_;
  std::map<std::string, GatewayFact> gateways_;
};

}  // namespace amfgate::fuzz
