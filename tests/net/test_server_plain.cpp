// A real Server on 127.0.0.1 (plain HTTP), driven by raw sockets and curl.
#include <doctest/doctest.h>

#include <chrono>
#include <thread>

#include "net_harness.h"

namespace amfgate {
namespace {

using testing::BodyOf;
using testing::Client;
using testing::CountOccurrences;
using testing::LoopServer;
using testing::PlainOptions;
using testing::StatusCode;

void Routes(Server& s) {
  REQUIRE(s.router()
              .Exact("/hello", [](const Request& r,
                                  Response& w) { w.Text(200, "hello " + std::string(r.query)); })
              .ok());
  REQUIRE(
      s.router()
          .Exact("/echo", [](const Request& r, Response& w) { w.Text(200, std::string(r.body)); })
          .ok());
  REQUIRE(s.router()
              .Exact("/page", [](const Request&, Response& w) { w.Html(200, "<p>hi</p>"); })
              .ok());
  REQUIRE(s.router()
              .Exact("/big",
                     [](const Request& r, Response& w) {
                       w.Text(200, std::string(
                                       static_cast<size_t>(std::atoi(std::string(r.query).c_str())),
                                       'x'));
                     })
              .ok());
}

std::string Get(const std::string& path, const std::string& extra = "") {
  return "GET " + path + " HTTP/1.1\r\nHost: t\r\n" + extra + "\r\n";
}

TEST_CASE("a started server is not closed until Stop, so its owner's loop can run dry") {
  // An owner that fails after Start (e.g. a component's set-up) destroys the
  // server with Stop() then runs the loop until closed(): the listeners must
  // count as open until then, or the loop never ends.
  uv_loop_t loop;
  REQUIRE(uv_loop_init(&loop) == 0);
  {
    Server server(&loop, PlainOptions());
    CHECK(server.closed());  // nothing bound yet
    REQUIRE(server.Start().ok());
    CHECK_FALSE(server.closed());
    server.Stop();
    uv_run(&loop, UV_RUN_DEFAULT);
    CHECK(server.closed());
  }
  CHECK(uv_loop_close(&loop) == 0);
}

TEST_CASE("curl gets a page over plain HTTP with the security headers") {
  REQUIRE(testing::HaveTools());
  LoopServer server(PlainOptions(), Routes);
  int rc = 0;
  std::string out = testing::RunCommand(
      "curl -sS -i http://127.0.0.1:" + std::to_string(server.port()) + "/page", &rc);
  CHECK(rc == 0);
  CHECK(StatusCode(out) == 200);
  CHECK(out.find("X-Content-Type-Options: nosniff") != std::string::npos);
  CHECK(out.find("Referrer-Policy: no-referrer") != std::string::npos);
  CHECK(out.find("Content-Security-Policy: ") != std::string::npos);
  CHECK(out.find("frame-ancestors") != std::string::npos);
  CHECK(out.find("Strict-Transport-Security") == std::string::npos);
  CHECK(out.find("<p>hi</p>") != std::string::npos);
}

TEST_CASE("keep-alive and pipelined requests are answered in order on one connection") {
  LoopServer server(PlainOptions(), Routes);
  Client c("127.0.0.1", server.port());
  REQUIRE(c.connected());
  std::string batch;
  for (int i = 0; i < 50; ++i) batch += Get("/hello?" + std::to_string(i));
  REQUIRE(c.Send(batch));
  std::vector<std::string> responses = c.ReadResponses(50);
  REQUIRE(responses.size() == 50);
  for (int i = 0; i < 50; ++i) CHECK(BodyOf(responses[i]) == "hello " + std::to_string(i));
  // The connection is still usable afterwards.
  REQUIRE(c.Send(Get("/hello?again")));
  CHECK(BodyOf(c.ReadResponse()) == "hello again");
  CHECK(server.Stats().connections_total == 1);
}

TEST_CASE("HEAD gets the head with the GET body's length and no body") {
  LoopServer server(PlainOptions(), Routes);
  Client c("127.0.0.1", server.port());
  REQUIRE(c.Send("HEAD /hello?abc HTTP/1.1\r\nHost: t\r\n\r\n" + Get("/hello?next")));
  std::string all = c.ReadSome();
  // Read until both responses are there.
  for (int i = 0; i < 20 && CountOccurrences(all, "HTTP/1.1 200") < 2; ++i) all += c.ReadSome();
  CHECK(all.find("Content-Length: 9\r\n") != std::string::npos);
  size_t second = all.find("HTTP/1.1 200", 1);
  REQUIRE(second != std::string::npos);
  CHECK(all.substr(0, second).ends_with("\r\n\r\n"));
  CHECK(all.ends_with("hello next"));
}

TEST_CASE("HTTP/1.0 closes unless it asks for keep-alive") {
  LoopServer server(PlainOptions(), Routes);
  {
    Client c("127.0.0.1", server.port());
    REQUIRE(c.Send("GET /hello HTTP/1.0\r\nHost: t\r\n\r\n"));
    std::string r = c.ReadAll();
    CHECK(StatusCode(r) == 200);
    CHECK(r.find("Connection: close") != std::string::npos);
  }
  {
    Client c("127.0.0.1", server.port());
    REQUIRE(c.Send("GET /hello HTTP/1.0\r\nHost: t\r\nConnection: keep-alive\r\n\r\n"));
    std::string r = c.ReadResponse();
    CHECK(r.find("Connection: keep-alive") != std::string::npos);
    REQUIRE(c.Send("GET /hello?2 HTTP/1.0\r\nHost: t\r\nConnection: keep-alive\r\n\r\n"));
    CHECK(BodyOf(c.ReadResponse()) == "hello 2");
  }
}

struct WireCase {
  const char* name;
  std::string request;
  int status;
};

TEST_CASE(
    "smuggling and framing cases get an error, Connection: close, and nothing after is parsed") {
  const WireCase cases[] = {
      {"bare CR", "GET /hello HTTP/1.1\r\nHost: t\r\nX: a\rb\r\n\r\n", 400},
      {"obs-fold", "GET /hello HTTP/1.1\r\nHost: t\r\nX: a\r\n  b\r\n\r\n", 400},
      {"HTTP/0.9", "GET /hello\r\n\r\n", 400},
      {"HTTP/1.2", "GET /hello HTTP/1.2\r\nHost: t\r\n\r\n", 505},
      {"missing Host", "GET /hello HTTP/1.1\r\n\r\n", 400},
      {"repeated Host", "GET /hello HTTP/1.1\r\nHost: t\r\nHost: u\r\n\r\n", 400},
      {"TE on HTTP/1.0",
       "POST /echo HTTP/1.0\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400},
      {"chunk data without CRLF",
       "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabXY0\r\n\r\n",
       400},
      {"CL and TE",
       "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\nTransfer-Encoding: "
       "chunked\r\n\r\n0\r\n\r\n",
       400},
      {"bad CL", "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 5a\r\n\r\nhello", 400},
      {"bad TE",
       "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n",
       400},
  };
  LoopServer server(PlainOptions(), Routes);
  for (const WireCase& c : cases) {
    CAPTURE(c.name);
    Client client("127.0.0.1", server.port());
    // A valid request follows the bad one: it must never be answered.
    REQUIRE(client.Send(c.request + Get("/hello?smuggled")));
    std::string all = client.ReadAll();
    CHECK(StatusCode(all) == c.status);
    CHECK(all.find("Connection: close\r\n") != std::string::npos);
    CHECK(all.find("smuggled") == std::string::npos);
    CHECK(CountOccurrences(all, "HTTP/1.1 ") == 1);
  }
  ServerStats stats = server.Stats();
  CHECK(stats.error(NetError::kBadRequest) == std::size(cases));
  CHECK(stats.requests_total == 0);
}

TEST_CASE("a valid chunked body and Expect: 100-continue are accepted") {
  LoopServer server(PlainOptions(), Routes);
  Client c("127.0.0.1", server.port());
  REQUIRE(
      c.Send("POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: "
             "chunked\r\n\r\n4\r\nwiki\r\n5;a=b\r\npedia\r\n0\r\n\r\n"));
  CHECK(BodyOf(c.ReadResponse()) == "wikipedia");
  REQUIRE(c.Send(
      "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\n"));
  std::string interim = c.ReadSome();
  CHECK(interim == "HTTP/1.1 100 Continue\r\n\r\n");
  REQUIRE(c.Send("abc"));
  CHECK(BodyOf(c.ReadResponse()) == "abc");
}

}  // namespace
}  // namespace amfgate
