// HttpSession without sockets: framing, the server's own head checks, limits,
// pipelining order and backpressure, each fed in every chunking.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "net/http_session.h"

namespace amfgate {
namespace {

struct Harness {
  explicit Harness(ServerLimits limits = ServerLimits()) : pool(4096, 8) {
    shared.limits = limits;
    shared.policy =
        ResponsePolicy::Make("no-referrer", 3600 * kSecond, "frame-ancestors 'self'").value();
    shared.pool = &pool;
    shared.stats = &stats;
    info.peer_text = "127.0.0.1:1";
    REQUIRE(router
                .Exact("/echo",
                       [this](const Request& r, Response& w) {
                         seen.push_back(std::string(r.body));
                         w.Text(200, std::string(r.method_text) + " " + std::string(r.target) +
                                         " body=" + std::string(r.body));
                       })
                .ok());
    REQUIRE(router
                .Prefix("/p/", [](const Request& r,
                                  Response& w) { w.Text(200, "prefix " + std::string(r.path)); })
                .ok());
    session = std::make_unique<HttpSession>(&shared, &router, &info);
  }

  // Feeds `input` in pieces of `step` bytes; returns everything written.
  std::string Feed(std::string_view input, size_t step = 1 << 20) {
    std::string out;
    MonoTime now = kSecond;
    while (!input.empty() && !session->done()) {
      std::span<char> space = session->ReadSpace();
      if (space.empty()) {
        session->Process(now, {}, &out);
        if (session->ReadSpace().empty()) break;
        continue;
      }
      size_t n = std::min({step, space.size(), input.size()});
      std::copy(input.begin(), input.begin() + n, space.begin());
      session->Received(n, now);
      input.remove_prefix(n);
      session->Process(now, {}, &out);
      CHECK(session->Validate());
    }
    return out;
  }

  BufferPool pool;
  ServerStats stats;
  HttpShared shared;
  ConnectionInfo info;
  Router router;
  std::vector<std::string> seen;
  std::unique_ptr<HttpSession> session;
};

std::string StatusOf(const std::string& out) { return out.substr(0, out.find("\r\n")); }

TEST_CASE("a simple GET is answered with the security headers and keep-alive") {
  Harness h;
  std::string out = h.Feed("GET /echo?x=1 HTTP/1.1\r\nHost: a\r\n\r\n");
  CHECK(StatusOf(out) == "HTTP/1.1 200 OK");
  CHECK(out.find("X-Content-Type-Options: nosniff\r\n") != std::string::npos);
  CHECK(out.find("Referrer-Policy: no-referrer\r\n") != std::string::npos);
  CHECK(out.find("Connection:") == std::string::npos);
  CHECK(out.find("Strict-Transport-Security") == std::string::npos);
  CHECK(out.ends_with("GET /echo?x=1 body="));
  CHECK_FALSE(h.session->done());
}

TEST_CASE("header fields reach the handler in order, values without their optional whitespace") {
  const std::string head =
      "GET /fields HTTP/1.1\r\nHost: a\r\nX-Tight:v\r\nX-Spaced: \t two words \t\r\n"
      "X-Empty:\r\nX-Blank:  \r\nCookie: s=1; t=2\r\n\r\n";
  for (size_t step : {size_t{1}, size_t{7}, size_t{1} << 20}) {
    CAPTURE(step);
    Harness h;
    REQUIRE(h.router
                .Exact("/fields",
                       [](const Request& r, Response& w) {
                         std::string text;
                         for (const HeaderField& f : r.headers)
                           text += std::string(f.name) + "=[" + std::string(f.value) + "]";
                         w.Text(200, text);
                       })
                .ok());
    // Twice in one stream: the second head's spans start after the first.
    std::string out = h.Feed(head + head, step);
    const std::string want =
        "Host=[a]X-Tight=[v]X-Spaced=[two words]X-Empty=[]X-Blank=[]Cookie=[s=1; t=2]";
    size_t first = out.find(want);
    REQUIRE(first != std::string::npos);
    CHECK(out.find(want, first + want.size()) != std::string::npos);
  }
}

TEST_CASE("every chunking of a pipelined sequence gives the same answers in order") {
  std::string input =
      "GET /echo HTTP/1.1\r\nHost: a\r\n\r\n"
      "POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello"
      "\r\n"
      "POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: "
      "chunked\r\n\r\n3\r\nabc\r\n2;x=y\r\nde\r\n0\r\n\r\n"
      "HEAD /p/q HTTP/1.1\r\nHost: a\r\n\r\n"
      "GET /nothing HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n";
  std::string expected;
  for (size_t step = 1; step <= input.size(); ++step) {
    Harness h;
    std::string out = h.Feed(input, step);
    REQUIRE(h.seen.size() == 3);
    CHECK(h.seen[0] == "");
    CHECK(h.seen[1] == "hello");
    CHECK(h.seen[2] == "abcde");
    CHECK(h.session->done());
    if (step == 1) {
      expected = out;
      CHECK(out.find("body=hello") < out.find("body=abcde"));
      CHECK(out.find("HTTP/1.1 404") != std::string::npos);
      CHECK(out.find("prefix /p/q") == std::string::npos);  // HEAD: no body
      CHECK(out.ends_with("404 Not Found\n"));
      CHECK(out.find("Connection: close") != std::string::npos);
    } else {
      CHECK(out == expected);
    }
  }
}

struct BadCase {
  std::string name;
  std::string_view input;
  int status;
};

TEST_CASE("requests llhttp 8.1 would accept are refused by the server's own checks") {
  const BadCase cases[] = {
      {"bare CR in a header value", "GET /echo HTTP/1.1\r\nHost: a\r\nX: a\rb\r\n\r\n", 400},
      {"bare CR ending a header line", "GET /echo HTTP/1.1\r\nHost: a\r\nX: a\r\r\n\r\n", 400},
      {"bare CR in the request line", "GET /echo\r HTTP/1.1\r\nHost: a\r\n\r\n", 400},
      {"bare LF line end", "GET /echo HTTP/1.1\nHost: a\r\n\r\n", 400},
      {"obs-fold", "GET /echo HTTP/1.1\r\nHost: a\r\nX: a\r\n b\r\n\r\n", 400},
      {"obs-fold with tab", "GET /echo HTTP/1.1\r\nHost: a\r\nX: a\r\n\tb\r\n\r\n", 400},
      {"HTTP/0.9", "GET /echo\r\n\r\n", 400},
      {"HTTP/1.2", "GET /echo HTTP/1.2\r\nHost: a\r\n\r\n", 505},
      {"HTTP/2.0", "GET /echo HTTP/2.0\r\nHost: a\r\n\r\n", 505},
      {"missing Host", "GET /echo HTTP/1.1\r\n\r\n", 400},
      {"missing Host on 1.0", "GET /echo HTTP/1.0\r\n\r\n", 400},
      {"repeated Host", "GET /echo HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400},
      {"Host with a space", "GET /echo HTTP/1.1\r\nHost: a b\r\n\r\n", 400},
      {"TE on HTTP/1.0",
       "POST /echo HTTP/1.0\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400},
      {"chunk data not followed by CRLF",
       "POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcXX0\r\n\r\n",
       400},
      {"chunk size line CR without LF",
       "POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3\rXabc\r\n0\r\n\r\n",
       400},
      {"last chunk without final CRLF",
       "POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\rX", 400},
      {"trailer fields",
       "POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX: y\r\n\r\n",
       400},
      {"space before colon", "GET /echo HTTP/1.1\r\nHost : a\r\n\r\n", 400},
      {"absolute-form target", "GET http://a/echo HTTP/1.1\r\nHost: a\r\n\r\n", 400},
      {"NUL in a header", std::string_view("GET /echo HTTP/1.1\r\nHost: a\r\nX: \0\r\n\r\n", 37),
       400},
      {"CONNECT", "CONNECT a:443 HTTP/1.1\r\nHost: a\r\n\r\n", 400},
  };
  for (const BadCase& c : cases) {
    CAPTURE(c.name);
    Harness h;
    std::string out = h.Feed(c.input);
    std::string want = "HTTP/1.1 " + std::to_string(c.status);
    CHECK(out.starts_with(want));
    CHECK(out.find("Connection: close\r\n") != std::string::npos);
    CHECK(h.session->done());
    CHECK(h.seen.empty());
  }
}

TEST_CASE("framing errors llhttp itself rejects are answered 400 and close") {
  const BadCase cases[] = {
      {"CL and TE",
       "POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nTransfer-Encoding: "
       "chunked\r\n\r\n0\r\n\r\n",
       400},
      {"bad CL", "POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 3x\r\n\r\nabc", 400},
      {"negative CL", "POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n", 400},
      {"two CLs",
       "POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\nabc", 400},
      {"CL list", "POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 3, 3\r\n\r\nabc", 400},
      {"bad TE",
       "POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, gzip\r\n\r\n0\r\n\r\n", 400},
      {"unknown TE", "POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\n", 400},
      {"bad chunk size",
       "POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 400},
      {"unknown method", "FROB /echo HTTP/1.1\r\nHost: a\r\n\r\n", 501},
  };
  for (const BadCase& c : cases) {
    CAPTURE(c.name);
    Harness h;
    std::string out = h.Feed(c.input);
    CHECK(StatusOf(out).substr(0, 9) == "HTTP/1.1 ");
    int status = std::stoi(out.substr(9, 3));
    CHECK(status >= 400);
    if (c.status == 501) CHECK(status == 501);
    CHECK(out.find("Connection: close\r\n") != std::string::npos);
    CHECK(h.seen.empty());
  }
}

// A GET whose request line is exactly `length` bytes (without CRLF).
std::string RequestLineOf(size_t length) {
  std::string fixed = "GET /echo? HTTP/1.1";
  return "GET /echo?" + std::string(length - fixed.size(), 'q') + " HTTP/1.1";
}

TEST_CASE("request line: at the limit it is served, one byte past it is 414") {
  ServerLimits limits;
  limits.max_request_line = 100;
  for (size_t length : {size_t{100}, size_t{101}}) {
    Harness h(limits);
    std::string out = h.Feed(RequestLineOf(length) + "\r\nHost: a\r\n\r\n");
    CHECK(StatusOf(out) == (length == 100 ? "HTTP/1.1 200 OK" : "HTTP/1.1 414 URI Too Long"));
  }
}

TEST_CASE("header line: at the limit it is served, one byte past it is 431") {
  ServerLimits limits;
  limits.max_header_line = 60;
  for (size_t length : {size_t{60}, size_t{61}}) {
    Harness h(limits);
    std::string line = "X-Long: " + std::string(length - 8, 'v');
    std::string out = h.Feed("GET /echo HTTP/1.1\r\nHost: a\r\n" + line + "\r\n\r\n");
    CHECK(StatusOf(out) ==
          (length == 60 ? "HTTP/1.1 200 OK" : "HTTP/1.1 431 Request Header Fields Too Large"));
  }
}

TEST_CASE("header section: at the limit it is served, one byte past it is 431") {
  ServerLimits limits;
  limits.max_header_section = 200;
  for (size_t total : {size_t{200}, size_t{201}}) {
    Harness h(limits);
    std::string head = "GET /echo HTTP/1.1\r\nHost: a\r\nX-Pad: ";
    head += std::string(total - head.size() - 4, 'p') + "\r\n\r\n";
    REQUIRE(head.size() == total);
    std::string out = h.Feed(head);
    CHECK(StatusOf(out) ==
          (total == 200 ? "HTTP/1.1 200 OK" : "HTTP/1.1 431 Request Header Fields Too Large"));
  }
}

TEST_CASE("header count: at the limit it is served, one more is 431") {
  ServerLimits limits;
  limits.max_headers = 4;
  for (int count : {4, 5}) {
    Harness h(limits);
    std::string head = "GET /echo HTTP/1.1\r\nHost: a\r\n";
    for (int i = 1; i < count; ++i) head += "X-" + std::to_string(i) + ": v\r\n";
    std::string out = h.Feed(head + "\r\n");
    CHECK(StatusOf(out) ==
          (count == 4 ? "HTTP/1.1 200 OK" : "HTTP/1.1 431 Request Header Fields Too Large"));
  }
}

TEST_CASE(
    "body size: Content-Length is checked before the body is read; chunked bodies are counted") {
  ServerLimits limits;
  limits.max_body = 10;
  {
    Harness h(limits);
    CHECK(StatusOf(
              h.Feed("POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\n0123456789")) ==
          "HTTP/1.1 200 OK");
    CHECK(h.seen.at(0) == "0123456789");
  }
  {
    // The head alone is enough for the 413: no body byte was sent.
    Harness h(limits);
    CHECK(StatusOf(h.Feed("POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 11\r\n\r\n")) ==
          "HTTP/1.1 413 Content Too Large");
  }
  {
    Harness h(limits);
    CHECK(StatusOf(h.Feed("POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
                          "5\r\n01234\r\n5\r\n56789\r\n0\r\n\r\n")) == "HTTP/1.1 200 OK");
    CHECK(h.seen.at(0) == "0123456789");
  }
  {
    // Refused at the chunk header that would pass the limit.
    Harness h(limits);
    CHECK(StatusOf(h.Feed("POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
                          "5\r\n01234\r\n6\r\n")) == "HTTP/1.1 413 Content Too Large");
  }
}

TEST_CASE(
    "requests per connection: the last allowed response says close, nothing after it is parsed") {
  ServerLimits limits;
  limits.max_requests_per_connection = 3;
  Harness h(limits);
  std::string req = "GET /echo HTTP/1.1\r\nHost: a\r\n\r\n";
  std::string out = h.Feed(req + req + req + req);
  CHECK(h.seen.size() == 3);
  size_t first_close = out.find("Connection: close");
  REQUIRE(first_close != std::string::npos);
  CHECK(first_close > out.rfind("HTTP/1.1 200"));  // only the third says it
  CHECK(h.session->done());
}

TEST_CASE("pipelining: parsing pauses when max_pipelined responses are unsent, and resumes") {
  ServerLimits limits;
  limits.max_pipelined = 4;
  Harness h(limits);
  std::string req = "GET /echo HTTP/1.1\r\nHost: a\r\n\r\n";
  std::string input;
  for (int i = 0; i < 6; ++i) input += req;
  std::span<char> space = h.session->ReadSpace();
  REQUIRE(space.size() >= input.size());
  std::copy(input.begin(), input.end(), space.begin());
  h.session->Received(input.size(), kSecond);
  std::string out;
  // Three unsent: one more fits.
  CHECK(h.session->Process(kSecond, {100, 3}, &out) == 1);
  CHECK(h.session->paused());
  CHECK(h.session->ReadSpace().empty());
  // Four unsent: none.
  CHECK(h.session->Process(kSecond, {100, 4}, &out) == 0);
  CHECK(h.session->paused());
  // Drained: the other five are answered, four per call at most.
  CHECK(h.session->Process(kSecond, {0, 0}, &out) == 4);
  CHECK(h.session->Process(kSecond, {0, 0}, &out) == 1);
  CHECK_FALSE(h.session->paused());
  CHECK(h.seen.size() == 6);
}

TEST_CASE(
    "write queue: a response that takes older unsent bytes past max_write_queue ends the session") {
  std::string req = "GET /echo HTTP/1.1\r\nHost: a\r\n\r\n";
  size_t response_size = 0;
  {
    Harness h;
    response_size = h.Feed(req).size();
  }
  for (size_t extra : {size_t{0}, size_t{1}}) {
    ServerLimits limits;
    limits.max_write_queue = 100 + response_size - extra;  // 100 older bytes + this response
    Harness h(limits);
    std::span<char> space = h.session->ReadSpace();
    std::copy(req.begin(), req.end(), space.begin());
    h.session->Received(req.size(), kSecond);
    std::string out;
    uint32_t n = h.session->Process(kSecond, {100, 1}, &out);
    CAPTURE(extra);
    CHECK(n == (extra == 0 ? 1u : 0u));
    CHECK(h.session->overflowed() == (extra == 1));
    CHECK(out.size() == (extra == 0 ? response_size : 0));
  }
  // With nothing older waiting, a response larger than the cap still goes.
  ServerLimits limits;
  limits.max_write_queue = 10;
  Harness h(limits);
  CHECK(StatusOf(h.Feed(req)) == "HTTP/1.1 200 OK");
  CHECK_FALSE(h.session->overflowed());
}

TEST_CASE("a response writer refuses CR, LF and NUL in header values") {
  Response r;
  CHECK(r.AddHeader("X-Ok", "fine value\twith tab") == Code::kOk);
  CHECK(r.AddHeader("X-Bad", "a\r\nInjected: yes") == Code::kInvalidArgument);
  CHECK(r.AddHeader("X-Bad", "a\nb") == Code::kInvalidArgument);
  CHECK(r.AddHeader("X-Bad", std::string_view("a\0b", 3)) == Code::kInvalidArgument);
  CHECK(r.AddHeader("X-Bad", "a\rb") == Code::kInvalidArgument);
  CHECK(r.AddHeader("Bad Name", "v") == Code::kInvalidArgument);
  CHECK(r.AddHeader("Content-Length", "5") == Code::kInvalidArgument);
  CHECK(r.AddHeader("Set-Cookie", "a=1") == Code::kOk);
  CHECK(r.AddHeader("Set-Cookie", "b=2") == Code::kOk);
  r.Redirect(303, "/x\r\nSet-Cookie: evil=1");
  CHECK(r.status() == 500);
  CHECK(r.Validate());
  CHECK(r.header_lines() == "X-Ok: fine value\twith tab\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\n");
}

TEST_CASE("router: exact paths, longest prefix, not-found, and duplicate refusal") {
  Router router;
  std::string hit;
  REQUIRE(router.Exact("/a", [&](const Request&, Response&) { hit = "exact"; }).ok());
  REQUIRE(router.Prefix("/a/", [&](const Request&, Response&) { hit = "short"; }).ok());
  REQUIRE(router.Prefix("/a/b/", [&](const Request&, Response&) { hit = "long"; }).ok());
  CHECK_FALSE(router.Exact("/a", [](const Request&, Response&) {}).ok());
  CHECK_FALSE(router.Prefix("nope", [](const Request&, Response&) {}).ok());
  CHECK(router.Validate());
  Request req;
  Response res;
  for (auto [path, want] :
       {std::pair{"/a", "exact"}, {"/a/x", "short"}, {"/a/b/c", "long"}, {"/a/b", "short"}}) {
    hit.clear();
    req.path = path;
    router.Dispatch(req, res);
    CHECK(hit == want);
  }
  res.Reset();
  req.path = "/zzz";
  router.Dispatch(req, res);
  CHECK(res.status() == 404);
}

TEST_CASE("PercentDecodePath decodes escapes and refuses NUL, '/' and bad escapes") {
  std::string out;
  CHECK(PercentDecodePath("/a%20b/%41", &out));
  CHECK(out == "/a b/A");
  CHECK_FALSE(PercentDecodePath("/a%00", &out));
  CHECK_FALSE(PercentDecodePath("/a%2Fb", &out));
  CHECK_FALSE(PercentDecodePath("/a%2", &out));
  CHECK_FALSE(PercentDecodePath("/a%zz", &out));
}

// The request is answered with exactly c.status, reaches no handler, and
// ends the session.
void CheckRefused(const BadCase& c) {
  CAPTURE(c.name);
  Harness h;
  std::string out = h.Feed(c.input);
  CHECK(StatusOf(out).substr(0, 12) == "HTTP/1.1 " + std::to_string(c.status));
  CHECK(h.seen.empty());
  CHECK(h.session->done());
}

TEST_CASE(
    "every byte the head checks allow in a header name or value is served, whatever the name") {
  // The head checks accept a header line only when its name is a token and
  // its value holds field bytes alone; llhttp must never refuse such a line,
  // since lines of names llhttp gives no meaning to are not handed to it.
  for (int c = 0; c < 256; ++c) {
    auto b = static_cast<unsigned char>(c);
    if (IsFieldByte(b)) {
      CAPTURE(c);
      Harness h;
      std::string out = h.Feed("GET /echo HTTP/1.1\r\nHost: a\r\nX-Any: a" +
                               std::string(1, static_cast<char>(b)) + "b\r\n\r\n");
      CHECK(StatusOf(out) == "HTTP/1.1 200 OK");
    }
    if (IsTchar(b)) {
      CAPTURE(c);
      Harness h;
      std::string out = h.Feed("GET /echo HTTP/1.1\r\nHost: a\r\nX" +
                               std::string(1, static_cast<char>(b)) + "y: v\r\n\r\n");
      CHECK(StatusOf(out) == "HTTP/1.1 200 OK");
    }
  }
}

TEST_CASE("the framing and connection headers take effect wherever they stand among others") {
  const std::string others = "Cookie: s=1\r\nOrigin: http://a\r\nX-Other: v\r\n";
  {
    Harness h;
    std::string out = h.Feed("POST /echo HTTP/1.1\r\n" + others + "content-LENGTH: 5\r\n" + others +
                             "Host: a\r\n\r\nhelloGET /echo HTTP/1.1\r\nHost: a\r\n\r\n");
    REQUIRE(h.seen.size() == 2);
    CHECK(h.seen[0] == "hello");
  }
  {
    Harness h;
    std::string out =
        h.Feed("POST /echo HTTP/1.1\r\nHost: a\r\n" + others + "Transfer-Encoding: chunked\r\n" +
               others + "\r\n3\r\nabc\r\n0\r\n\r\n");
    REQUIRE(h.seen.size() == 1);
    CHECK(h.seen[0] == "abc");
  }
  for (std::string_view connection : {"Connection: CLOSE\r\n", "Connection: x, close\r\n"}) {
    CAPTURE(connection);
    Harness h;
    std::string out = h.Feed("GET /echo HTTP/1.1\r\n" + others + std::string(connection) +
                             "Host: a\r\n\r\nGET /echo HTTP/1.1\r\nHost: a\r\n\r\n");
    CHECK(h.seen.size() == 1);
    CHECK(out.find("Connection: close\r\n") != std::string::npos);
    CHECK(h.session->done());
  }
  {
    Harness h;
    std::string out = h.Feed("GET /echo HTTP/1.0\r\nHost: a\r\n" + others +
                             "Connection: keep-alive\r\n" + others + "\r\n");
    CHECK(out.find("Connection: keep-alive\r\n") != std::string::npos);
    CHECK_FALSE(h.session->done());
  }
  const BadCase cases[] = {
      {"two CLs apart",
       "POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nX: y\r\nContent-Length: 4\r\n\r\n"
       "abcd",
       400},
      {"CL and TE apart",
       "POST /echo HTTP/1.1\r\nTransfer-Encoding: chunked\r\nHost: a\r\nCookie: c=1\r\n"
       "content-length: 3\r\n\r\n0\r\n\r\n",
       400},
      {"bad CL after others",
       "POST /echo HTTP/1.1\r\nHost: a\r\nX: 1\r\nContent-Length: 1x\r\n\r\n", 400},
      {"TE list after others",
       "POST /echo HTTP/1.1\r\nHost: a\r\nX: 1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", 501},
  };
  for (const BadCase& c : cases) CheckRefused(c);
}

TEST_CASE("an upgrade request is served as plain HTTP; Proxy-Connection: close closes") {
  {
    Harness h;
    std::string out = h.Feed(
        "GET /echo HTTP/1.1\r\nHost: a\r\nConnection: upgrade\r\nUpgrade: websocket\r\n\r\n"
        "GET /echo HTTP/1.1\r\nHost: a\r\n\r\n");
    CHECK(StatusOf(out) == "HTTP/1.1 200 OK");
    CHECK(h.seen.size() == 2);
    CHECK_FALSE(h.session->done());
  }
  {
    Harness h;
    std::string out = h.Feed(
        "GET /echo HTTP/1.1\r\nHost: a\r\nX: 1\r\nProxy-Connection: close\r\n\r\n"
        "GET /echo HTTP/1.1\r\nHost: a\r\n\r\n");
    CHECK(StatusOf(out) == "HTTP/1.1 200 OK");
    CHECK(out.find("Connection: close\r\n") != std::string::npos);
    CHECK(h.seen.size() == 1);
    CHECK(h.session->done());
  }
}

TEST_CASE("a handler's out-of-range status becomes a 500") {
  for (int status : {0, 42, 99, 600, 1000}) {
    CAPTURE(status);
    Harness h;
    REQUIRE(h.router
                .Exact("/odd",
                       [status](const Request&, Response& w) {
                         w.Text(200, "x");
                         w.SetStatus(status);
                       })
                .ok());
    CHECK(StatusOf(h.Feed("GET /odd HTTP/1.1\r\nHost: a\r\n\r\n")) ==
          "HTTP/1.1 500 Internal Server Error");
  }
}

TEST_CASE("Content-Length is read as llhttp reads it, and refused where llhttp refuses it") {
  struct Good {
    std::string_view value;
    std::string body;
  };
  for (const Good& g :
       {Good{"5", "hello"}, Good{"\t 005 ", "hello"}, Good{"0", ""}, Good{"3  ", "abc"}}) {
    CAPTURE(g.value);
    Harness h;
    std::string out =
        h.Feed("POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length:" + std::string(g.value) +
               "\r\n\r\n" + g.body);
    CHECK(StatusOf(out) == "HTTP/1.1 200 OK");
    REQUIRE(h.seen.size() == 1);
    CHECK(h.seen[0] == g.body);
  }
  const BadCase cases[] = {
      {"empty", "POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: \r\n\r\n", 400},
      {"tab after the digits", "POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 1\t\r\n\r\nx",
       400},
      {"plus sign", "POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: +1\r\n\r\nx", 400},
      {"two numbers", "POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 1 1\r\n\r\nx", 400},
      {"overflow", "POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 18446744073709551616\r\n\r\n",
       400},
      {"largest value, over max_body",
       "POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 18446744073709551615\r\n\r\n", 413},
      {"bad value before a missing Host", "POST /echo HTTP/1.1\r\nContent-Length: x\r\n\r\n", 400},
      {"CONNECT with CL and TE",
       "CONNECT /a HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nTransfer-Encoding: "
       "chunked\r\n\r\n",
       400},
      {"CONNECT with a bad CL", "CONNECT /a HTTP/1.1\r\nHost: a\r\nContent-Length: z\r\n\r\n", 400},
      {"CL next to an unsupported TE",
       "POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\nContent-Length: 1\r\n\r\nx",
       400},
  };
  for (const BadCase& c : cases) CheckRefused(c);
}

TEST_CASE("a Content-Length body is waited for in every chunking, also after Expect") {
  const std::string input =
      "POST /echo HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 11\r\n\r\n"
      "hello world"
      "GET /echo HTTP/1.1\r\nHost: a\r\nConnection: upgrade\r\nUpgrade: x\r\nContent-Length: "
      "2\r\n\r\nhi"
      "GET /echo HTTP/1.1\r\nHost: a\r\n\r\n";
  for (size_t step = 1; step <= input.size(); step += 3) {
    CAPTURE(step);
    Harness h;
    std::string out = h.Feed(input, step);
    REQUIRE(h.seen.size() == 3);
    CHECK(h.seen[0] == "hello world");
    CHECK(h.seen[1] == "hi");
    CHECK(h.seen[2] == "");
    CHECK_FALSE(h.session->done());
  }
}

TEST_CASE("AddHeader refuses every name the server writes itself, in any case") {
  for (std::string_view name :
       {"DATE", "Connection", "keep-ALIVE", "Content-length", "TRANSFER-encoding",
        "X-Content-Type-Options", "strict-transport-SECURITY"}) {
    CAPTURE(name);
    Response r;
    CHECK(r.AddHeader(name, "v") == Code::kInvalidArgument);
    CHECK(r.header_lines().empty());
  }
  Response r;
  CHECK(r.AddHeader("CONTENT-TYPE", "text/x") == Code::kOk);
  CHECK(r.content_type() == "text/x");
  CHECK(r.AddHeader("cache-CONTROL", "private") == Code::kOk);
  CHECK(r.AddHeader("Referrer-policy", "no-referrer") == Code::kOk);
  CHECK(r.AddHeader("content-security-POLICY", "default-src 'none'") == Code::kOk);
  CHECK(r.has_cache_control());
  CHECK(r.has_referrer_policy());
  CHECK(r.has_csp());
  CHECK(r.AddHeader("Dates", "v") == Code::kOk);
  CHECK(r.Validate());
}

TEST_CASE("a static content type is used as is; a later set or Reset replaces it") {
  Response r;
  r.SetStaticContentType("application/x-amf");
  CHECK(r.content_type() == "application/x-amf");
  std::string type = "  text/x; a=b ";
  r.SetContentType(type);
  type.assign(type.size(), 'z');  // the Response keeps its own copy
  CHECK(r.content_type() == "text/x; a=b");
  r.SetContentType("bad\r\ntype");
  CHECK(r.content_type() == "text/x; a=b");
  r.SetStaticContentType("image/png");
  CHECK(r.content_type() == "image/png");
  CHECK(r.AddHeader("Content-Type", "text/y") == Code::kOk);
  CHECK(r.content_type() == "text/y");
  CHECK(r.Validate());
  r.Reset();
  CHECK(r.content_type().empty());
  r.Error(404);
  CHECK(r.content_type() == "text/plain; charset=utf-8");
}

}  // namespace
}  // namespace amfgate
