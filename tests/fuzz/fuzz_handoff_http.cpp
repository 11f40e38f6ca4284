// libFuzzer target: a connection's raw bytes through the HTTP layer
// (net/http_session.h: head checks, llhttp, bodies, pipelining, pausing) into
// the real handoff routes (/login, /app, /logout and the gateway, built by
// handoff_rig.h), as the server runs them, without sockets.
//
// fuzz_http drives the HTTP layer with toy handlers and fuzz_gateway drives
// the handlers with well-formed requests; this target joins the two, so that
// pipelined, chunked, truncated and oversized requests reach the pages and
// the gateway with their real bodies, and the handlers' responses go through
// the real writer. Bytes 0 and 1 choose how the rest arrives and how much
// the transport holds back (session_driver.h, shared with fuzz_http), byte 2
// whether the connection is TLS.
//
// Checked, besides the session's invariants that session_driver.h checks:
// no response is a 500, the store validates after every read, and every log
// line is printable ASCII.
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/log.h"
#include "fuzz_check.h"
#include "handoff_rig.h"
#include "net/http_session.h"
#include "session_driver.h"

using namespace amfgate;
using namespace amfgate::fuzz;

namespace {

struct World {
  World() : pool(1024, 4), rig([this] { return clock.now(); }) {
    shared.limits.max_request_line = 512;
    shared.limits.max_header_line = 1024;
    shared.limits.max_header_section = 4096;
    shared.limits.max_headers = 24;
    shared.limits.max_body = 8192;
    shared.limits.max_pipelined = 4;
    shared.limits.max_write_queue = 256 * 1024;
    shared.limits.max_requests_per_connection = 64;
    shared.policy =
        ResponsePolicy::Make("no-referrer", 3600 * kSecond, "frame-ancestors 'none'").value();
    shared.pool = &pool;
    shared.stats = &stats;
    for (int i = 0; i < 2; ++i) {
      info[i].peer.family = 2;  // AF_INET
      info[i].peer.bytes[0] = 127;
      info[i].peer.bytes[3] = 1;
      info[i].peer_text = "127.0.0.1:9";
      info[i].tls = i == 1;
    }
    DefaultLogger().SetCapture([](char, std::string_view line) {
      for (unsigned char c : line) FUZZ_CHECK(c >= 0x20 && c < 0x7f);
    });
  }
  ManualClock clock;
  BufferPool pool;
  ServerStats stats;
  HttpShared shared;
  ConnectionInfo info[2];
  HandoffRig rig;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static World state;  // destroyed at exit, which removes the rig's scratch directory
  World* world = &state;
  constexpr size_t kHead = Transport::kTransportBytes + 1;
  if (size < kHead) return 0;
  const ConnectionInfo* info = &world->info[data[Transport::kTransportBytes] & 1];
  // Each connection starts a minute after the last one ended, so sessions,
  // aliases and rate limits from earlier inputs have expired or refilled.
  world->clock.Advance(60 * kSecond);
  world->rig.handoff().Tick(world->clock.now());
  HttpSession session(&world->shared, &world->rig.router(), info);
  DriveSession(session, {data + kHead, size - kHead}, Transport::From(data), world->clock,
               [world](const std::string& out, size_t before) {
                 if (out.size() > before) FUZZ_CHECK(out.compare(before, 12, "HTTP/1.1 500") != 0);
                 FUZZ_CHECK(world->rig.handoff().store().Validate());
               });
  return 0;
}
