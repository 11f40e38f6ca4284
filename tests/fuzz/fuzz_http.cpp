// libFuzzer target: a connection's byte input through HttpSession (the head
// checks, llhttp, the chunked-body checks, pipelining and the router).
//
// The first input byte picks how the rest is split into reads (1..64 bytes,
// or all at once), the second how many responses the fake transport claims
// are still unsent, so pausing and resuming are exercised too. Invariants
// checked: Validate() after every step, nothing is written once the session
// is done, and every response starts with a status line.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "net/http_session.h"

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
    shared.policy = ResponsePolicy::Make("no-referrer", 3600 * kSecond, "frame-ancestors 'self'").value();
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

void Check(bool ok) {
  if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static World* world = new World();
  if (size < 2) return 0;
  size_t step = data[0] % 65;
  uint32_t claimed_unsent = data[1] % 6;
  data += 2;
  size -= 2;
  HttpSession session(&world->shared, &world->router, &world->info);
  std::string out;
  MonoTime now = kSecond;
  size_t at = 0;
  int idle_rounds = 0;
  while (at < size && idle_rounds < 4) {
    std::span<char> space = session.ReadSpace();
    size_t before = out.size();
    if (space.empty()) {
      if (session.done()) break;
      session.Process(now, {0, 0}, &out);
      ++idle_rounds;
      continue;
    }
    idle_rounds = 0;
    size_t n = std::min(space.size(), size - at);
    if (step != 0) n = std::min(n, step);
    std::copy(data + at, data + at + n, space.begin());
    at += n;
    session.Received(n, now);
    session.Process(now, {claimed_unsent * 100ULL, claimed_unsent}, &out);
    Check(session.Validate());
    if (out.size() > before) Check(out.compare(before, 9, "HTTP/1.1 ") == 0);
    now += kMillisecond;
  }
  // Drain what is buffered; a done session writes nothing more.
  for (int i = 0; i < 64 && session.paused(); ++i) session.Process(now, {0, 0}, &out);
  bool done = session.done();
  size_t final_size = out.size();
  session.Process(now, {0, 0}, &out);
  if (done) Check(out.size() == final_size);
  Check(session.Validate());
  return 0;
}
