// libFuzzer target: a connection's byte input through HttpSession (the head
// checks, llhttp, the chunked-body checks, pipelining and the router).
//
// The input's first two bytes choose how the rest arrives and how much the
// transport holds back (session_driver.h, which also checks the session's
// invariants), behind toy handlers on a router.
//
// A differential oracle runs on the same bytes: the RequestParser hands
// llhttp only the request line, the header lines llhttp interprets and the
// blank line, so whenever it accepts a request, a fresh llhttp (same default
// settings, no lenient flags) reading every byte of that request must accept
// it too, ending where it ends, with the same method, URL, body and body
// framing, and keep-alive decision.
#include <llhttp.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/clock.h"
#include "fuzz_check.h"
#include "net/http_session.h"
#include "net/request_parser.h"
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

// What llhttp reports when it reads a whole request.
struct WholeRequest {
  std::string url;
  std::string body;
  bool chunked = false;
  bool has_content_length = false;
  uint64_t content_length = 0;
  bool complete = false;
  bool keep_alive = false;
};

WholeRequest* Whole(llhttp_t* p) { return static_cast<WholeRequest*>(p->data); }

const llhttp_settings_t* WholeSettings() {
  static const llhttp_settings_t settings = [] {
    llhttp_settings_t s;
    llhttp_settings_init(&s);
    s.on_url = [](llhttp_t* p, const char* at, size_t n) {
      Whole(p)->url.append(at, n);
      return 0;
    };
    s.on_headers_complete = [](llhttp_t* p) {
      Whole(p)->chunked = (p->flags & F_CHUNKED) != 0;
      Whole(p)->has_content_length = (p->flags & F_CONTENT_LENGTH) != 0;
      Whole(p)->content_length = p->content_length;
      return 0;
    };
    s.on_body = [](llhttp_t* p, const char* at, size_t n) {
      Whole(p)->body.append(at, n);
      return 0;
    };
    s.on_message_complete = [](llhttp_t* p) {
      Whole(p)->complete = true;
      Whole(p)->keep_alive = llhttp_should_keep_alive(p) != 0;
      return static_cast<int>(HPE_PAUSED);
    };
    return s;
  }();
  return &settings;
}

// The oracle: the first request of `bytes`, as the RequestParser takes it in
// one piece, against llhttp over all of its bytes.
void CheckAgainstWholeLlhttp(std::string_view bytes, const ServerLimits& limits) {
  RequestParser parser(ParserLimitsFrom(limits));
  if (parser.Parse(bytes) != Code::kOk) return;
  std::vector<HeaderField> fields;
  Request request;
  parser.Fill(bytes, &fields, &request);

  WholeRequest whole;
  llhttp_t llhttp;
  llhttp_init(&llhttp, HTTP_REQUEST, WholeSettings());
  llhttp.data = &whole;
  llhttp_errno_t err = llhttp_execute(&llhttp, bytes.data(), parser.consumed());
  FUZZ_CHECK(err == HPE_PAUSED && whole.complete);
  FUZZ_CHECK(llhttp_get_error_pos(&llhttp) == bytes.data() + parser.consumed());
  FUZZ_CHECK(request.method_text ==
             llhttp_method_name(static_cast<llhttp_method_t>(llhttp.method)));
  FUZZ_CHECK(request.target == whole.url);
  FUZZ_CHECK(request.body == whole.body);
  FUZZ_CHECK(whole.chunked || request.body.size() == whole.content_length);
  FUZZ_CHECK(!(whole.chunked && whole.has_content_length));
  FUZZ_CHECK(parser.keep_alive() == whole.keep_alive);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static World* world = new World();
  constexpr size_t kHead = fuzz::Transport::kTransportBytes;
  if (size < kHead) return 0;
  CheckAgainstWholeLlhttp(
      std::string_view(reinterpret_cast<const char*>(data) + kHead, size - kHead),
      world->shared.limits);
  HttpSession session(&world->shared, &world->router, &world->info);
  ManualClock clock;
  fuzz::DriveSession(session, {data + kHead, size - kHead}, fuzz::Transport::From(data), clock,
                     [](const std::string&, size_t) {});
  return 0;
}
