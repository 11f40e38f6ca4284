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
    shared.policy = ResponsePolicy::Make("no-referrer", 3600 * kSecond, "frame-ancestors 'self'").value();
    shared.pool = &pool;
    shared.stats = &stats;
    info.peer_text = "127.0.0.1:1";
    REQUIRE(router.Exact("/echo", [this](const Request& r, Response& w) {
      seen.push_back(std::string(r.body));
      w.Text(200, std::string(r.method_text) + " " + std::string(r.target) + " body=" + std::string(r.body));
    }).ok());
    REQUIRE(router.Prefix("/p/", [](const Request& r, Response& w) { w.Text(200, "prefix " + std::string(r.path)); }).ok());
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

TEST_CASE("every chunking of a pipelined sequence gives the same answers in order") {
  std::string input =
      "GET /echo HTTP/1.1\r\nHost: a\r\n\r\n"
      "POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello"
      "\r\n"
      "POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2;x=y\r\nde\r\n0\r\n\r\n"
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
      {"TE on HTTP/1.0", "POST /echo HTTP/1.0\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400},
      {"chunk data not followed by CRLF", "POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcXX0\r\n\r\n", 400},
      {"chunk size line CR without LF", "POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3\rXabc\r\n0\r\n\r\n", 400},
      {"last chunk without final CRLF", "POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\rX", 400},
      {"trailer fields", "POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX: y\r\n\r\n", 400},
      {"space before colon", "GET /echo HTTP/1.1\r\nHost : a\r\n\r\n", 400},
      {"absolute-form target", "GET http://a/echo HTTP/1.1\r\nHost: a\r\n\r\n", 400},
      {"NUL in a header", std::string_view("GET /echo HTTP/1.1\r\nHost: a\r\nX: \0\r\n\r\n", 37), 400},
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
      {"CL and TE", "POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400},
      {"bad CL", "POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 3x\r\n\r\nabc", 400},
      {"negative CL", "POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n", 400},
      {"two CLs", "POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\nabc", 400},
      {"CL list", "POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 3, 3\r\n\r\nabc", 400},
      {"bad TE", "POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, gzip\r\n\r\n0\r\n\r\n", 400},
      {"unknown TE", "POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\n", 400},
      {"bad chunk size", "POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 400},
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

}  // namespace
}  // namespace amfgate
