// libFuzzer target: a connection's byte input through HttpSession (the head
// checks, llhttp, the chunked-body checks, pipelining and the router).
//
// The input's first two bytes choose how the rest arrives and how much the
// transport holds back (session_driver.h, which also checks the session's
// invariants), behind toy handlers on a router.
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/clock.h"
#include "net/http_session.h"
#include "session_driver.h"

namespace {

using namespace amfgate;

struct World {
  World() : pool(1024, 4) {
    shared.limits.max_request_line = 256;
    shared.limits.max_header_line = 256;
    shared.limits.max_header_section = 2048;
    shared.limits.max_headers = 16;
    shared.limits.max_body = 4096;
    shared.limits.max_pipelined = 4;
    shared.limits.max_write_queue = 64 * 1024;
    shared.limits.max_requests_per_connection = 50;
    shared.policy =
        ResponsePolicy::Make("no-referrer", 3600 * kSecond, "frame-ancestors 'self'").value();
    shared.pool = &pool;
    shared.stats = &stats;
    info.peer_text = "127.0.0.1:9";
    (void)router.Exact("/", [](const Request& r, Response& w) { w.Text(200, r.body); });
    (void)router.Exact("/page", [](const Request&, Response& w) { w.Html(200, "<p>x</p>"); });
    (void)router.Prefix("/static/", [](const Request& r, Response& w) {
      std::string decoded;
      if (!PercentDecodePath(r.path, &decoded)) {
        w.Error(400);
        return;
      }
      w.Text(200, decoded);
      (void)w.AddHeader("X-Query", r.query);
      (void)w.AddHeader("X-Host", r.Header("host"));
    });
  }
  BufferPool pool;
  ServerStats stats;
  HttpShared shared;
  ConnectionInfo info;
  Router router;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static World* world = new World();
  constexpr size_t kHead = fuzz::Transport::kTransportBytes;
  if (size < kHead) return 0;
  HttpSession session(&world->shared, &world->router, &world->info);
  ManualClock clock;
  fuzz::DriveSession(session, {data + kHead, size - kHead}, fuzz::Transport::From(data), clock,
                     [](const std::string&, size_t) {});
  return 0;
}
