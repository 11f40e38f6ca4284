// Logging: escaping of every formatted value, levels, the access line's
// format (no query string), security events, and the file sinks.
#include <doctest/doctest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "core/log.h"

namespace amfgate {
namespace {

struct Captured {
  std::vector<std::string> error, access;
  void Attach(Logger* log) {
    log->SetCapture([this](char kind, std::string_view line) {
      (kind == 'A' ? access : error).emplace_back(line);
    });
  }
};

// Strips the timestamp (everything before the first space).
std::string Body(const std::string& line) { return line.substr(line.find(' ') + 1); }

TEST_CASE("control characters in any formatted value are escaped") {
  Logger log;
  Captured cap;
  cap.Attach(&log);
  std::string evil = "user\r\n2024-01-01T00:00:00Z [error] forged\x1b[31m\x7f\xff\"q\\";
  log.Write(LogLevel::kWarn, "login failed for %s from %d", evil.c_str(), 7);
  REQUIRE(cap.error.size() == 1);
  CHECK(Body(cap.error[0]) ==
        "[warn] login failed for user\\x0d\\x0a2024-01-01T00:00:00Z [error] "
        "forged\\x1b[31m\\x7f\\xff\\x22q\\\\ "
        "from 7");
  CHECK(cap.error[0].find('\n') == std::string::npos);
}

TEST_CASE("EscapeForLog keeps printable ASCII") {
  CHECK(EscapeForLog("GET /a-b_c.swf?x=1") == "GET /a-b_c.swf?x=1");
  CHECK(EscapeForLog(std::string("a\0b", 3)) == "a\\x00b");
  CHECK(EscapeForLog("\t") == "\\x09");
}

TEST_CASE("EscapeForTerminal escapes what EscapeForLog does but keeps the double quote") {
  std::string hostile("\"a\\b\x1b[2J\r\n\x7f\xc3\xa9\0", 14);
  CHECK(EscapeForLog(hostile) == "\\x22a\\\\b\\x1b[2J\\x0d\\x0a\\x7f\\xc3\\xa9\\x00");
  CHECK(EscapeForTerminal(hostile) == "\"a\\\\b\\x1b[2J\\x0d\\x0a\\x7f\\xc3\\xa9\\x00");
}

TEST_CASE("lines below the level are dropped") {
  Logger log;
  Captured cap;
  cap.Attach(&log);
  log.set_level(LogLevel::kNotice);
  log.Write(LogLevel::kDebug, "d");
  log.Write(LogLevel::kInfo, "i");
  log.Write(LogLevel::kNotice, "n");
  log.Write(LogLevel::kError, "e");
  REQUIRE(cap.error.size() == 2);
  CHECK(Body(cap.error[0]) == "[notice] n");
  CHECK(Body(cap.error[1]) == "[error] e");
  CHECK_FALSE(log.Enabled(LogLevel::kInfo));
}

TEST_CASE("level names parse both ways") {
  for (LogLevel l :
       {LogLevel::kDebug, LogLevel::kInfo, LogLevel::kNotice, LogLevel::kWarn, LogLevel::kError}) {
    LogLevel back = LogLevel::kDebug;
    REQUIRE(ParseLogLevel(LogLevelName(l), &back));
    CHECK(back == l);
  }
  LogLevel x;
  CHECK(ParseLogLevel("warning", &x));
  CHECK_FALSE(ParseLogLevel("verbose", &x));
}

TEST_CASE("a security event is a warn line naming the event") {
  Logger log;
  Captured cap;
  cap.Attach(&log);
  log.Security("alias_replay", "tag=%s peer=%s", "3fa9c1d2", "127.0.0.1\n");
  REQUIRE(cap.error.size() == 1);
  CHECK(Body(cap.error[0]) ==
        "[warn] security event=alias_replay tag=3fa9c1d2 peer=127.0.0.1\\x0a");
}

TEST_CASE("an access line has no query string and escapes the target") {
  Logger log;
  Captured cap;
  cap.Attach(&log);
  AccessEntry e;
  e.peer = "[::1]:50312";
  e.tls = true;
  e.method = "GET";
  e.target = "/app\"x\x01?alias=SECRETSECRET";
  e.version = "HTTP/1.1";
  e.status = 200;
  e.bytes_sent = 1534;
  e.duration = 2 * kSecond + 211 * kMicrosecond;
  log.Access(e);
  REQUIRE(cap.access.size() == 1);
  CHECK(Body(cap.access[0]) ==
        "[::1]:50312 https \"GET /app\\x22x\\x01 HTTP/1.1\" 200 1534 2.000211");
  CHECK(cap.access[0].find("SECRET") == std::string::npos);
}

TEST_CASE("a very long message is cut and says so") {
  Logger log;
  Captured cap;
  cap.Attach(&log);
  std::string big(10000, 'a');
  log.Write(LogLevel::kError, "%s", big.c_str());
  REQUIRE(cap.error.size() == 1);
  CHECK(cap.error[0].size() < 4200);
  CHECK(cap.error[0].ends_with(" (truncated)"));
}

std::string ReadAll(const std::string& path) {
  std::ifstream f(path);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

TEST_CASE("file sinks append, buffer access lines and reopen after rotation") {
  std::string dir = "/tmp/amfgate-test-log-" + std::to_string(getpid());
  std::string err = dir + "-error.log", acc = dir + "-access.log";
  std::remove(err.c_str());
  std::remove(acc.c_str());
  Logger log;
  REQUIRE(log.OpenErrorLog(err).ok());
  REQUIRE(log.OpenAccessLog(acc).ok());
  CHECK(log.access_enabled());
  log.Write(LogLevel::kInfo, "one");
  AccessEntry e;
  e.peer = "127.0.0.1:1";
  e.method = "GET";
  e.target = "/";
  e.version = "HTTP/1.1";
  e.status = 404;
  log.Access(e);
  CHECK(ReadAll(err).ends_with("[info] one\n"));
  CHECK(ReadAll(acc).empty());  // buffered until a flush
  log.FlushAccess();
  CHECK(ReadAll(acc).ends_with("\"GET / HTTP/1.1\" 404 0 0.000000\n"));

  std::string rotated = err + ".1";
  REQUIRE(std::rename(err.c_str(), rotated.c_str()) == 0);
  log.Write(LogLevel::kInfo, "two");  // still the old file
  REQUIRE(log.Reopen().ok());
  log.Write(LogLevel::kInfo, "three");
  CHECK(ReadAll(rotated).find("two") != std::string::npos);
  CHECK(ReadAll(err).find("three") != std::string::npos);
  CHECK(ReadAll(err).find("two") == std::string::npos);

  CHECK_FALSE(log.OpenErrorLog("/nonexistent-dir/x.log").ok());
  log.Write(LogLevel::kInfo, "four");  // the old sink is kept
  CHECK(ReadAll(err).find("four") != std::string::npos);

  REQUIRE(log.OpenAccessLog("off").ok());
  CHECK_FALSE(log.access_enabled());
  std::remove(err.c_str());
  std::remove(acc.c_str());
  std::remove(rotated.c_str());
}

}  // namespace
}  // namespace amfgate
