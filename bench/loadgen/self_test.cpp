#include "self_test.h"

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "amf_reader.h"
#include "amf_value.h"
#include "amf_writer.h"
#include "cookie_jar.h"
#include "driver.h"
#include "histogram.h"
#include "http_request.h"
#include "http_response.h"
#include "scenario.h"
#include "schedule.h"

namespace amfgate::bench {
namespace {

int failures = 0;

void Check(bool ok, const char* what) {
  if (ok) return;
  ++failures;
  std::printf("self-test FAILED: %s\n", what);
}

void TestHistogram() {
  for (int64_t v = 0; v < (int64_t{1} << 40); v = v * 3 / 2 + 1) {
    const int b = Histogram::BucketOf(v);
    const int64_t upper = Histogram::BucketUpperBound(b);
    Check(v <= upper, "a value lies at or below its bucket's upper bound");
    Check(b == 0 || Histogram::BucketUpperBound(b - 1) < v,
          "a value lies above the previous bucket");
    Check(static_cast<double>(upper - v) <= static_cast<double>(v) / 128.0 + 1,
          "bucket error <= 1/128");
  }
  Histogram h;
  for (int64_t i = 1; i <= 100000; ++i) h.Record(i * 1000);  // 1 us .. 100 ms, uniform
  Check(h.Validate(), "histogram validates");
  Check(h.count() == 100000 && h.min() == 1000 && h.max() == 100000000, "count, min and max");
  const double p50 = static_cast<double>(h.Percentile(50));
  const double p99 = static_cast<double>(h.Percentile(99));
  const double p999 = static_cast<double>(h.Percentile(99.9));
  Check(std::fabs(p50 - 50e6) <= 50e6 / 128 + 1000, "p50 of a uniform distribution");
  Check(std::fabs(p99 - 99e6) <= 99e6 / 128 + 1000, "p99 of a uniform distribution");
  Check(std::fabs(p999 - 99.9e6) <= 99.9e6 / 128 + 1000, "p99.9 of a uniform distribution");
  Check(h.Percentile(100) == h.max(), "p100 is the maximum");
  h.Clear();
  Check(h.Validate() && h.count() == 0 && h.Percentile(99) == 0, "clear");
}

void TestResponses() {
  const std::string wire =
      "HTTP/1.1 200 OK\r\nContent-Type: application/x-amf\r\nSet-Cookie: gsid=abc; Path=/; "
      "HttpOnly\r\n"
      "Content-Length: 5\r\n\r\nhello"
      "HTTP/1.1 303 See Other\r\nLocation: /app\r\nTransfer-Encoding: chunked\r\n\r\n"
      "3\r\nabc\r\n2;x=y\r\nde\r\n0\r\nTrailer: t\r\n\r\n"
      "HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n";
  for (size_t split = 0; split <= wire.size(); ++split) {
    ResponseParser parser;
    std::string buffer = wire.substr(0, split);
    size_t fed = split;
    std::vector<std::string> seen;
    size_t guard = 0;
    while (seen.size() < 3 && ++guard < 100) {
      Response r;
      size_t consumed = 0;
      Code c = parser.Parse(buffer, &consumed, &r);
      if (c == Code::kAgain) {
        if (fed == wire.size()) break;
        buffer += wire.substr(fed);
        fed = wire.size();
        continue;
      }
      if (c != Code::kOk) break;
      seen.push_back(std::to_string(r.status) + "|" + std::string(r.body) + "|" +
                     (r.keep_alive ? "k" : "c") + "|" + std::string(r.content_type) + "|" +
                     std::to_string(r.set_cookies.size()));
      buffer.erase(0, consumed);
    }
    const bool ok = seen.size() == 3 && seen[0] == "200|hello|k|application/x-amf|1" &&
                    seen[1] == "303|abcde|k||0" && seen[2] == "204||c||0";
    Check(ok, "three pipelined responses parse the same at every split point");
    if (!ok) break;
  }
  const char* bad[] = {
      "HTTP/1.1 2000 OK\r\n\r\n",
      "HTTP/2 200 OK\r\n\r\n",
      "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n",
      "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd",
      "HTTP/1.1 200 OK\r\n\r\n",
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcX\r\n0\r\n\r\n",
  };
  for (const char* b : bad) {
    ResponseParser parser;
    Response r;
    size_t consumed = 0;
    Check(parser.Parse(b, &consumed, &r) == Code::kMalformed, "malformed framing is refused");
  }
}

void TestCookies() {
  SetCookie c;
  Check(ParseSetCookie("__Host-gsid=tok; Path=/; Secure; HttpOnly; SameSite=Strict", &c) &&
            c.name == "__Host-gsid" && c.value == "tok" && !c.expired,
        "Set-Cookie with attributes");
  CookieJar jar;
  jar.Apply(c);
  Check(ParseSetCookie("sid=1; Max-Age=1800", &c), "Max-Age parses");
  jar.Apply(c);
  Check(jar.header() == "__Host-gsid=tok; sid=1", "Cookie header");
  Check(ParseSetCookie("sid=; Max-Age=0", &c) && c.expired, "Max-Age=0 expires");
  jar.Apply(c);
  Check(jar.header() == "__Host-gsid=tok", "an expired cookie leaves the jar");
  Check(!ParseSetCookie("novalue", &c), "a Set-Cookie without = is refused");
}

void TestPages() {
  const std::string login =
      "<form method=\"post\" action=\"/login\">\n<input type=\"hidden\" name=\"csrf\" "
      "value=\"a&amp;b\">\n"
      "<input type=\"text\" name=\"username\" value=\"\">\n<input name='x' type='hidden' "
      "value='y'></form>";
  FormFields f = HiddenInputs(login);
  Check(f.size() == 2 && f[0].first == "csrf" && f[0].second == "a&b" && f[1].first == "x" &&
            f[1].second == "y",
        "hidden inputs, either attribute order, unescaped");
  Check(FormEncode({{"a b", "c&d=e/"}}) == "a+b=c%26d%3De%2F", "form encoding");
  const std::string app =
      "<param name=\"movie\" value=\"/c.swf\">\n<param name=\"flashvars\" "
      "value=\"randomcookie=a_XYZ&amp;gateway=https%3A%2F%2Fh%2Fgateway&amp;alias=\">";
  const std::string fv = ParamValue(app, "flashvars");
  Check(QueryValue(fv, "randomcookie") == "a_XYZ", "flashvars: the cookie name");
  Check(QueryValue(fv, "gateway") == "https://h/gateway", "flashvars: percent-decoding");
  Check(QueryValue(fv, "alias").empty() && QueryValue(fv, "missing").empty(),
        "flashvars: empty values");
  Check(HtmlUnescape("&#65;&#x42;&lt;&bogus;") == "AB<&bogus;", "HTML entities");
}

void TestAmf() {
  for (const char* name : {"redeem", "whoami", "echo"}) {
    const std::string packet = GatewayRequestPacket(name, 1024);
    ValueArena arena;
    Packet p;
    const char* reason = "";
    const bool ok = ReadPacket(packet, &arena, &p, &reason) == Code::kOk && p.version == 3 &&
                    p.bodies.size() == 1 && p.bodies[0].response == "/1" &&
                    p.bodies[0].value->kind == Kind::kArray;
    Check(ok, "a request packet reads back");
    if (!ok) continue;
    for (size_t cut = 0; cut < packet.size(); ++cut) {
      ValueArena a;
      Packet q;
      if (ReadPacket(std::string_view(packet).substr(0, cut), &a, &q, &reason) !=
          Code::kMalformed) {
        Check(false, "every truncation of a packet is refused");
        break;
      }
    }
    if (std::string_view(name) == "echo") {
      const Value* graph = p.bodies[0].value->items.empty() ? nullptr : p.bodies[0].value->items[0];
      Check(graph != nullptr && graph->kind == Kind::kObject && graph->class_name == "bench.Order",
            "the echo graph is a bench.Order");
      if (graph == nullptr) continue;
      // Re-encoding the decoded graph gives the same bytes: the writer and
      // the reader agree on every reference table.
      std::string again(1, '\x11');
      Amf3Writer(&again).Write(*graph);
      Check(again == p.bodies[0].raw.substr(5), "the echo graph re-encodes byte for byte");
      Check(again.size() - 1 >= 1024 && again.size() - 1 < 1040, "the echo graph is about 1 KiB");
      Check(Member(*graph, "customer") == Member(*graph, "billing"),
            "an object reference is shared");
      Check(Equal(*graph, *graph), "a graph equals itself");
    }
  }
  ValueArena a;
  Value* one = a.New(Kind::kObject);
  one->members = {{"n", a.Int(1)}};
  Value* other = a.New(Kind::kObject);
  other->members = {{"n", a.Double(1)}};
  Check(!Equal(*one, *other), "an integer is not a double");
}

void TestSchedule() {
  const RateSchedule s(1000, 4, 5000);
  Check(s.DueNs(0, 0) == 5000, "the first request is due at the start");
  Check(s.DueNs(1, 2) == 5000 + 9000000, "connection 1's third request is due at (2*4+1)/R");
  Check(s.ConnectionOf(9) == 1 && s.ConnectionOf(12) == 0, "sequence numbers go round-robin");
  const RateSchedule fast(60000, 50, 0);
  bool even = true;
  for (uint64_t k = 0; k < 1000; ++k) {
    const uint64_t gap = fast.DueNs(7, k + 1) - fast.DueNs(7, k);
    even = even && gap >= 833333 && gap <= 833334;
  }
  Check(even, "a connection's requests are 1/(R/N) apart");
  Check(fast.DueNs(3600000) == 60000000000, "no rounding drift after 3.6 million requests");

  Check(SummarizeBacklog({}).early_max == 0 && SummarizeBacklog({}).late_min == 0,
        "an empty backlog series");
  const BacklogTrend growing = SummarizeBacklog({0, 3, 1, 2, 40, 90, 150, 220});
  Check(growing.early_max == 3 && growing.late_min == 150, "backlog: first and last quarters");
  Check(Saturated(60000, 60000, growing, 50), "a growing backlog is saturation");
  const BacklogTrend stall = SummarizeBacklog({0, 2, 1, 600, 300, 4, 0, 1});
  Check(!Saturated(60000, 59900, stall, 50), "a stall the run recovered from is not saturation");
  Check(Saturated(60000, 58700, stall, 50), "an achieved rate 2.2% short is saturation");
  Check(!Saturated(60000, 58900, stall, 50), "an achieved rate 1.8% short is not");
}

// A loopback server on a thread, blocking sockets, one connection: answers
// each request `delay` after reading it; gives up if no client connects
// within 5 s. Returns its port (0 on failure).
uint16_t StartSlowServer(std::chrono::milliseconds delay, std::thread* thread) {
  const int listener = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (listener < 0 || bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      listen(listener, 1) != 0 ||
      getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    if (listener >= 0) close(listener);
    return 0;
  }
  *thread = std::thread([listener, delay] {
    // A client that never comes (the driver failed first) must not hang
    // the self-test.
    pollfd p{listener, POLLIN, 0};
    const int fd = poll(&p, 1, 5000) == 1 ? accept(listener, nullptr, nullptr) : -1;
    close(listener);
    if (fd < 0) return;
    static constexpr char kAnswer[] = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
    std::string in;
    char buf[4096];
    for (;;) {
      const ssize_t n = read(fd, buf, sizeof buf);
      if (n <= 0) break;
      in.append(buf, static_cast<size_t>(n));
      for (size_t end; (end = in.find("\r\n\r\n")) != std::string::npos;) {
        in.erase(0, end + 4);
        std::this_thread::sleep_for(delay);
        if (write(fd, kAnswer, sizeof kAnswer - 1) != static_cast<ssize_t>(sizeof kAnswer - 1))
          break;
      }
    }
    close(fd);
  });
  return ntohs(addr.sin_port);
}

// Rate mode for real against a server slower than the offered rate: one
// connection offered 1,000 requests/s, each answer at least 25 ms after its
// request. Request k is due at k ms but cannot leave before about 25k ms, so
// timed from its due time its latency grows by ~24 ms per request; timed
// from its sending it would stay at ~25 ms. A slow machine only makes the
// latencies larger, so the lower bounds checked hold under any load.
void TestPacedDriver() {
  constexpr auto kDelay = std::chrono::milliseconds(25);
  std::thread server;
  const uint16_t port = StartSlowServer(kDelay, &server);
  Check(port != 0, "the self-test's loopback server starts");
  if (port == 0) return;
  Target target;
  target.port = port;
  ScenarioOptions so;
  so.name = "get";
  so.connections = 1;
  so.host_header = target.HostHeader();
  PhaseOptions timed;
  timed.duration_s = 0.25;
  timed.rate = 1000;
  std::unique_ptr<Scenario> scenario;
  PhaseResult result;
  Driver driver(target, nullptr, 0);
  Status st = MakeScenario(so, timed, &scenario);
  if (st.ok()) st = driver.Init();
  for (size_t i = 0; st.ok() && i < scenario->phases().size(); ++i)
    st = driver.RunPhase(scenario->phases()[i].options, scenario->phases()[i].users, &result);
  driver.Shutdown();
  server.join();
  Check(st.ok(), "a paced run against a slow server completes");
  if (!st.ok()) return;
  const uint64_t n = result.latency.count();
  const int64_t delay_ns = std::chrono::nanoseconds(kDelay).count();
  Check(n >= 2 && result.requests == n, "every answer in the window is timed");
  // The k-th answer (k from 0) comes at least (k+1)*25 ms after the start;
  // it was due at k ms.
  const int64_t floor_ns = static_cast<int64_t>(n - 1) * (delay_ns - 1000000) + delay_ns;
  Check(result.latency.max() >= floor_ns * 127 / 128, "latency runs from the due time");
  Check(result.offered_rps == 1000 && result.saturated, "a run short of its rate is saturated");
  Check(result.backlog_at_close > 150, "the backlog of due requests is counted");
}

}  // namespace

int RunSelfTest() {
  failures = 0;
  TestHistogram();
  TestResponses();
  TestCookies();
  TestPages();
  TestAmf();
  TestSchedule();
  TestPacedDriver();
  std::printf("self-test: %s\n", failures == 0 ? "all checks passed" : "FAILED");
  return failures == 0 ? 0 : 1;
}

}  // namespace amfgate::bench
