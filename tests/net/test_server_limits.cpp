// Deadlines, caps and backpressure on a real Server over loopback sockets.
#include <doctest/doctest.h>

#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <thread>

#include "net_harness.h"

namespace amfgate {
namespace {

using testing::BodyOf;
using testing::Client;
using testing::CountOccurrences;
using testing::LoopServer;
using testing::StatusCode;
using Clock = std::chrono::steady_clock;

void Routes(Server& s) {
  REQUIRE(s.router().Exact("/hello", [](const Request& r, Response& w) {
    w.Text(200, "hello " + std::string(r.query));
  }).ok());
  REQUIRE(s.router().Exact("/echo", [](const Request& r, Response& w) { w.Text(200, std::string(r.body)); }).ok());
  REQUIRE(s.router().Exact("/kb", [](const Request& r, Response& w) {
    std::string body = std::string(r.query) + ":";
    body.resize(2048, 'k');
    w.Text(200, body);
  }).ok());
  REQUIRE(s.router().Exact("/big", [](const Request&, Response& w) { w.Text(200, std::string(1 << 20, 'b')); }).ok());
}

std::string Get(const std::string& target) { return "GET " + target + " HTTP/1.1\r\nHost: t\r\n\r\n"; }

long Millis(Clock::time_point since) {
  return static_cast<long>(std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - since).count());
}

// Serves requests on a second connection for `ms`; returns how many worked.
int ServeMeanwhile(const LoopServer& server, int ms) {
  Client other("127.0.0.1", server.port());
  int ok = 0;
  auto start = Clock::now();
  while (Millis(start) < ms) {
    if (!other.Send(Get("/hello?other"))) break;
    ok += BodyOf(other.ReadResponse()) == "hello other" ? 1 : 0;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return ok;
}

ServerOptions ShortDeadlines() {
  ServerOptions o = testing::PlainOptions();
  o.limits.head_timeout = 400 * kMillisecond;
  o.limits.body_timeout = 400 * kMillisecond;
  o.limits.idle_timeout = 400 * kMillisecond;
  o.limits.write_timeout = 400 * kMillisecond;
  return o;
}

TEST_CASE("a slow head is answered 408 and closed at its deadline while another client is served") {
  LoopServer server(ShortDeadlines(), Routes);
  Client slow("127.0.0.1", server.port(), 3000);
  auto start = Clock::now();
  REQUIRE(slow.Send("GET /hello HTTP/1.1\r\nHo"));
  int served = ServeMeanwhile(server, 250);
  CHECK(served >= 1);
  std::string out = slow.ReadAll();
  long elapsed = Millis(start);
  CHECK(StatusCode(out) == 408);
  CHECK(out.find("Connection: close") != std::string::npos);
  CHECK(elapsed >= 380);
  CHECK(elapsed < 1500);
  CHECK(server.Stats().error(NetError::kHeadTimeout) == 1);
}

TEST_CASE("a head completed inside its deadline is served") {
  ServerOptions o = ShortDeadlines();
  o.limits.head_timeout = 1000 * kMillisecond;
  LoopServer server(o, Routes);
  Client c("127.0.0.1", server.port());
  REQUIRE(c.Send("GET /hello?late HTTP/1.1\r\nHo"));
  std::this_thread::sleep_for(std::chrono::milliseconds(250));
  REQUIRE(c.Send("st: t\r\n\r\n"));
  CHECK(BodyOf(c.ReadResponse()) == "hello late");
}

TEST_CASE("a slow body is answered 408 and closed at its deadline while another client is served") {
  LoopServer server(ShortDeadlines(), Routes);
  Client slow("127.0.0.1", server.port(), 3000);
  REQUIRE(slow.Send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\n01234"));
  auto start = Clock::now();
  CHECK(ServeMeanwhile(server, 250) >= 1);
  std::string out = slow.ReadAll();
  long elapsed = Millis(start);
  CHECK(StatusCode(out) == 408);
  CHECK(elapsed >= 300);
  CHECK(elapsed < 1500);
  CHECK(server.Stats().error(NetError::kBodyTimeout) == 1);
}

TEST_CASE("an idle keep-alive connection is closed silently at idle_timeout, not before") {
  ServerOptions o = ShortDeadlines();
  o.limits.idle_timeout = 800 * kMillisecond;
  LoopServer server(o, Routes);
  Client c("127.0.0.1", server.port(), 3000);
  REQUIRE(c.Send(Get("/hello?1")));
  CHECK(BodyOf(c.ReadResponse()) == "hello 1");
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  REQUIRE(c.Send(Get("/hello?2")));  // inside the deadline: still open
  CHECK(BodyOf(c.ReadResponse()) == "hello 2");
  auto start = Clock::now();
  CHECK(c.WaitClosed());
  CHECK(Millis(start) >= 700);
  CHECK(c.ReadAll().empty());
}

TEST_CASE("a client that never reads is closed at write_timeout, and the server stays responsive") {
  ServerOptions o = ShortDeadlines();
  LoopServer server(o, Routes);
  Client c("127.0.0.1", server.port(), 3000);
  int small = 4096;
  setsockopt(c.fd(), SOL_SOCKET, SO_RCVBUF, &small, sizeof(small));
  std::string batch;
  for (int i = 0; i < 20; ++i) batch += Get("/big");
  REQUIRE(c.Send(batch));
  CHECK(ServeMeanwhile(server, 300) >= 1);
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  ServerStats stats = server.Stats();
  CHECK(stats.error(NetError::kWriteTimeout) == 1);
  CHECK(stats.connections_open == 0);
}

long RssKiB() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::atol(line.c_str() + 6);
  }
  return 0;
}

TEST_CASE("10,000 pipelined requests without reading: memory stays bounded, then all arrive in order") {
  LoopServer server(testing::PlainOptions(), Routes);
  Client c("127.0.0.1", server.port(), 10000);
  // 2 KiB responses: 20 MB in all, far more than the kernel's socket buffers.
  std::string batch;
  for (int i = 0; i < 10000; ++i) batch += Get("/kb?" + std::to_string(i));
  long rss_before = RssKiB();
  // The server stops reading while its responses wait, so the client's
  // sending blocks too: send from a thread.
  std::thread sender([&] { c.Send(batch); });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  CHECK(ServeMeanwhile(server, 200) >= 1);
  ServerStats mid = server.Stats();
  CHECK(mid.requests_total < 10000);
  CHECK(mid.bytes_in < batch.size());
  // What the server holds for the stalled client: at most about
  // max_write_queue / 2 of responses plus one input block.
  CHECK(RssKiB() - rss_before < 8 * 1024);
  std::vector<std::string> responses = c.ReadResponses(10000);
  sender.join();
  REQUIRE(responses.size() == 10000);
  bool in_order = true;
  for (int i = 0; i < 10000; ++i) {
    std::string body = BodyOf(responses[i]);
    in_order = in_order && body.starts_with(std::to_string(i) + ":") && body.size() == 2048;
  }
  CHECK(in_order);
}

TEST_CASE("max_connections: the connection past the cap waits until one closes") {
  ServerOptions o = testing::PlainOptions();
  o.limits.max_connections = 2;
  LoopServer server(o, Routes);
  auto first = std::make_unique<Client>("127.0.0.1", server.port(), 1000);
  Client second("127.0.0.1", server.port(), 1000);
  REQUIRE(first->Send(Get("/hello?1")));
  REQUIRE(second.Send(Get("/hello?2")));
  CHECK(BodyOf(first->ReadResponse()) == "hello 1");
  CHECK(BodyOf(second.ReadResponse()) == "hello 2");
  Client third("127.0.0.1", server.port(), 400);
  REQUIRE(third.Send(Get("/hello?3")));
  CHECK(third.ReadResponse().empty());  // queued in the kernel, not accepted
  third.set_timeout(3000);
  first.reset();
  CHECK(BodyOf(third.ReadResponse()) == "hello 3");
  CHECK(server.Stats().error(NetError::kConnectionCap) >= 1);
}

TEST_CASE("drain: idle connections close, a request in progress finishes with Connection: close") {
  LoopServer server(testing::PlainOptions(), Routes);
  Client idle("127.0.0.1", server.port());
  REQUIRE(idle.Send(Get("/hello?idle")));
  CHECK(BodyOf(idle.ReadResponse()) == "hello idle");
  auto busy = std::make_unique<Client>("127.0.0.1", server.port());
  REQUIRE(busy->Send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 4\r\n\r\nab"));
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  std::string out;
  std::thread finisher([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    busy->Send("cd");
    out = busy->ReadAll();
    busy.reset();  // the server lingers until the client closes
  });
  CHECK(server.DrainAndWait(2 * kSecond, 3000));
  finisher.join();
  CHECK(idle.WaitClosed());
  CHECK(BodyOf(out) == "abcd");
  CHECK(out.find("Connection: close") != std::string::npos);
  Client late("127.0.0.1", server.port(), 300);
  CHECK((!late.connected() || late.ReadAll().empty()));
}

TEST_CASE("drain deadline: connections still busy are closed when it passes") {
  LoopServer server(testing::PlainOptions(), Routes);
  Client busy("127.0.0.1", server.port(), 3000);
  REQUIRE(busy.Send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 4\r\n\r\nab"));
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  auto start = Clock::now();
  CHECK(server.DrainAndWait(300 * kMillisecond, 3000));
  CHECK(Millis(start) >= 250);
  CHECK(busy.WaitClosed());
}

TEST_CASE("IPv4 and IPv6 listeners serve side by side") {
  ServerOptions o = testing::PlainOptions();
  o.listeners.push_back(ListenOptions{"::1", 0, false});
  LoopServer server(o, Routes);
  Client v4("127.0.0.1", server.port(0));
  REQUIRE(v4.Send(Get("/hello?v4")));
  CHECK(BodyOf(v4.ReadResponse()) == "hello v4");
  Client v6("::1", server.port(1));
  REQUIRE(v6.connected());
  REQUIRE(v6.Send(Get("/hello?v6")));
  CHECK(BodyOf(v6.ReadResponse()) == "hello v6");
}

TEST_CASE("an extra listener routes with its own router") {
  Router admin;
  REQUIRE(admin.Exact("/healthz", [](const Request&, Response& w) { w.Text(200, "ok"); }).ok());
  size_t index = 0;
  LoopServer server(testing::PlainOptions(), [&](Server& s) {
    Routes(s);
    Result<size_t> r = s.AddListener(ListenOptions{"127.0.0.1", 0, false}, &admin);
    REQUIRE(r.ok());
    index = *r;
  });
  Client c("127.0.0.1", server.port(index));
  REQUIRE(c.Send(Get("/healthz") + Get("/hello")));
  std::vector<std::string> r = c.ReadResponses(2);
  REQUIRE(r.size() == 2);
  CHECK(BodyOf(r[0]) == "ok");
  CHECK(StatusCode(r[1]) == 404);
}

int CountOpenFds() {
  int n = 0;
  for (int fd = 0; fd < 4096; ++fd) n += fcntl(fd, F_GETFD) != -1 ? 1 : 0;
  return n;
}

TEST_CASE("running out of file descriptors pauses accepting instead of spinning, then recovers") {
  LoopServer server(testing::PlainOptions(), Routes);
  rlimit old;
  getrlimit(RLIMIT_NOFILE, &old);
  rlimit low = old;
  low.rlim_cur = static_cast<rlim_t>(CountOpenFds() + 40);
  REQUIRE(setrlimit(RLIMIT_NOFILE, &low) == 0);
  std::vector<int> hogs;
  for (;;) {
    int fd = dup(0);
    if (fd < 0) break;
    hogs.push_back(fd);
  }
  // One descriptor for the client; the server's accept then finds none.
  close(hogs.back());
  hogs.pop_back();
  clock_t cpu_before = clock();
  {
    Client c("127.0.0.1", server.port(), 1000);
    REQUIRE(c.connected());
    c.Send(Get("/hello?starved"));
    CHECK(c.WaitClosed());  // shed through the spare descriptor
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
  }
  double cpu_ms = 1000.0 * static_cast<double>(clock() - cpu_before) / CLOCKS_PER_SEC;
  for (int fd : hogs) close(fd);
  setrlimit(RLIMIT_NOFILE, &old);
  CHECK(cpu_ms < 200);  // no busy loop while starved
  CHECK(server.Stats().error(NetError::kAcceptNoFds) >= 1);
  std::this_thread::sleep_for(std::chrono::milliseconds(150));
  Client after("127.0.0.1", server.port());
  REQUIRE(after.Send(Get("/hello?after")));
  CHECK(BodyOf(after.ReadResponse()) == "hello after");
}

}  // namespace
}  // namespace amfgate
