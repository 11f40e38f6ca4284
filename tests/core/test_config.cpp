// Configuration parsing: every directive, every error naming its place, and
// command-line overrides (a repeatable directive there replaces the list).
#include <doctest/doctest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <string>

#include "../support/spec_directives.h"
#include "core/config.h"

namespace amfgate {
namespace {

Status Parse(const std::string& text, Config* c) { return ParseConfigText(text, "t.conf", c); }

std::string ErrorOf(const std::string& text) {
  Config c;
  Status s = Parse(text, &c);
  return s.ok() ? std::string("ok") : s.message();
}

std::vector<ConfigOverride> Overrides(std::vector<std::string> args) {
  std::vector<ConfigOverride> o;
  Status s = ParseOverrides(args, &o);
  REQUIRE_MESSAGE(s.ok(), s.message());
  return o;
}

TEST_CASE("the defaults start a loopback TLS server and validate") {
  Config c;
  REQUIRE(LoadConfig("", {}, &c).ok());
  CHECK(c.Validate());
  REQUIRE(c.listen.size() == 1);
  CHECK(c.listen[0].address == "127.0.0.1");
  CHECK(c.listen[0].tls);
  CHECK(c.public_origin == "https://127.0.0.1:8443");
  CHECK(c.gateway_path == "/gateway");
  CHECK(c.alias_ttl == 30 * kSecond);
  CHECK(c.session_idle == 1800 * kSecond);
  CHECK(c.session_lifetime == 43200 * kSecond);
  CHECK(c.max_pending_aliases == 8);
  CHECK_FALSE(c.gateway_password_login);
  CHECK(c.alias_delivery == AliasDelivery::kCookie);
  CHECK(c.access_log == "off");
}

TEST_CASE("every directive parses with its unit") {
  const char* text = R"(# a full example
listen 127.0.0.1:8080 plain
listen [::1]:8443 tls   # trailing comment
admin_listen 127.0.0.1:9100
public_origin https://Example.COM/
certificate "/etc/amf gate/cert.pem"
certificate_key /etc/amfgate/key.pem
ticket_lifetime 2h
handshake_timeout 500ms
max_handshakes 32
users_file users.txt
docroot www
template_dir tpl
gateway_path /amf/gateway
alias_ttl 10
alias_delivery flashvars
session_idle 15m
session_lifetime 86400
max_sessions 1000
max_aliases 2000
max_pending_aliases 4
gateway_password_login on
allow_origin https://a.example
allow_origin http://b.example:8080
redeem_rate_per_address 5 10
redeem_rate_total 1000 2000
login_rate_per_address 0.2 3
login_rate_total 50 100
max_body 64k
max_request_line 4k
max_header_line 2048
max_header_section 1m
max_headers 32
head_timeout 5
body_timeout 0.25
idle_timeout 30s
write_timeout 20
max_requests_per_connection 0
max_pipelined 8
max_write_queue 2m
max_connections 500
log_level debug
error_log /var/log/amfgate/error.log
access_log off
drain_timeout 3
)";
  Config c;
  Status s = Parse(text, &c);
  REQUIRE_MESSAGE(s.ok(), s.message());
  REQUIRE(c.listen.size() == 2);
  CHECK(c.listen[0].HostPort() == "127.0.0.1:8080");
  CHECK_FALSE(c.listen[0].tls);
  CHECK(c.listen[1].HostPort() == "[::1]:8443");
  CHECK(c.listen[1].tls);
  CHECK(c.admin_listen.HostPort() == "127.0.0.1:9100");
  CHECK(c.public_origin == "https://example.com");
  CHECK(c.certificate == "/etc/amf gate/cert.pem");
  CHECK(c.ticket_lifetime == 7200 * kSecond);
  CHECK(c.handshake_timeout == 500 * kMillisecond);
  CHECK(c.max_handshakes == 32);
  CHECK(c.gateway_path == "/amf/gateway");
  CHECK(c.alias_ttl == 10 * kSecond);
  CHECK(c.alias_delivery == AliasDelivery::kFlashvars);
  CHECK(c.session_idle == 900 * kSecond);
  CHECK(c.max_pending_aliases == 4);
  CHECK(c.gateway_password_login);
  CHECK(c.allow_origin == std::vector<std::string>{"https://a.example", "http://b.example:8080"});
  CHECK(c.login_rate_per_address.rate == doctest::Approx(0.2));
  CHECK(c.login_rate_per_address.burst == 3);
  CHECK(c.max_body == 64 * 1024);
  CHECK(c.max_request_line == 4096);
  CHECK(c.max_header_section == 1024 * 1024);
  CHECK(c.body_timeout == 250 * kMillisecond);
  CHECK(c.idle_timeout == 30 * kSecond);
  CHECK(c.max_requests_per_connection == 0);
  CHECK(c.max_write_queue == 2 * 1024 * 1024);
  CHECK(c.log_level == LogLevel::kDebug);
  CHECK(c.drain_timeout == 3 * kSecond);
}

TEST_CASE("every error names the file, the line and the directive") {
  CHECK(ErrorOf("\n\nalias_ttl 601\n") == "t.conf:3: alias_ttl: must be between 1 and 600 seconds");
  CHECK(ErrorOf("alias_ttl 0") == "t.conf:1: alias_ttl: must be between 1 and 600 seconds");
  CHECK(ErrorOf("# c\nfrobnicate 1\n") == "t.conf:2: frobnicate: unknown directive");
  CHECK(ErrorOf("alias_ttl\n").starts_with("t.conf:1: alias_ttl: expected 1 value"));
  CHECK(ErrorOf("alias_ttl 1 2\n").starts_with("t.conf:1: alias_ttl: expected 1 value"));
  CHECK(ErrorOf("listen 127.0.0.1:80\n").starts_with("t.conf:1: listen: expected 2 values"));
  CHECK(ErrorOf("alias_ttl 10\nalias_ttl 20\n") ==
        "t.conf:2: alias_ttl: given twice (first at t.conf:1)");
  CHECK(ErrorOf("alias_ttl ten") ==
        "t.conf:1: alias_ttl: 'ten' is not a duration (seconds, or with ms/s/m/h)");
  CHECK(ErrorOf("alias_ttl -5").starts_with("t.conf:1: alias_ttl: '-5' is not a duration"));
  CHECK(ErrorOf("max_body 12x").starts_with("t.conf:1: max_body: '12x' is not a size"));
  CHECK(ErrorOf("max_body 2g").starts_with("t.conf:1: max_body: must be between"));
  CHECK(ErrorOf("max_sessions 99999999999999999999999")
            .starts_with("t.conf:1: max_sessions: must be between"));
  CHECK(ErrorOf("max_pending_aliases 0") ==
        "t.conf:1: max_pending_aliases: must be between 1 and 255");
  CHECK(ErrorOf("listen 127.0.0.1:70000 tls") ==
        "t.conf:1: listen: port: must be between 0 and 65535");
  CHECK(ErrorOf("listen localhost:80 tls")
            .starts_with("t.conf:1: listen: 'localhost' is not a numeric"));
  CHECK(ErrorOf("listen 127.0.0.1:80 ssl") == "t.conf:1: listen: expected tls or plain, not 'ssl'");
  CHECK(ErrorOf("listen 127.0.0.1:80 tls\nlisten 127.0.0.1:80 plain") ==
        "t.conf:2: listen: 127.0.0.1:80 is listed twice");
  CHECK(ErrorOf("gateway_password_login yes") ==
        "t.conf:1: gateway_password_login: expected on or off, not 'yes'");
  CHECK(ErrorOf("alias_delivery url")
            .starts_with("t.conf:1: alias_delivery: expected cookie or flashvars"));
  CHECK(ErrorOf("log_level loud").starts_with("t.conf:1: log_level: expected debug"));
  CHECK(ErrorOf("public_origin ftp://x")
            .starts_with("t.conf:1: public_origin: 'ftp://x': the scheme"));
  CHECK(ErrorOf("public_origin https://x/app")
            .starts_with("t.conf:1: public_origin: 'https://x/app' must be"));
  CHECK(ErrorOf("gateway_path gateway") == "t.conf:1: gateway_path: must start with /");
  CHECK(ErrorOf("gateway_path /a/../b").starts_with("t.conf:1: gateway_path: must not contain"));
  CHECK(ErrorOf("gateway_path /a?b").starts_with("t.conf:1: gateway_path: must be a plain path"));
  CHECK(ErrorOf("docroot \"unterminated") == "t.conf:1: unterminated quoted word");
  CHECK(ErrorOf("docroot a\"b") == "t.conf:1: a quote inside a word");
  CHECK(ErrorOf("docroot a\x01z") == "t.conf:1: control character in the line");
  CHECK(
      ErrorOf("login_rate_total 0 5").starts_with("t.conf:1: login_rate_total: rate '0' must be"));
  CHECK(ErrorOf("login_rate_total 5 0")
            .starts_with("t.conf:1: login_rate_total: burst: must be between"));
}

TEST_CASE("comments, blank lines, CRLF endings and quoted words") {
  Config c;
  Status s = Parse(
      "  # only a comment\r\n\r\ndocroot \"my docs\"   # here\r\ntemplate_dir \"a\\\"b\\\\c\"\r\n",
      &c);
  REQUIRE_MESSAGE(s.ok(), s.message());
  CHECK(c.docroot == "my docs");
  CHECK(c.template_dir == "a\"b\\c");
}

TEST_CASE("a repeatable directive in the file replaces the default list") {
  Config c;
  REQUIRE(Parse("listen 127.0.0.1:8080 plain\n", &c).ok());
  REQUIRE(c.listen.size() == 1);
  CHECK(c.listen[0].port == 8080);
}

TEST_CASE("cross-field errors name where the directive was given") {
  std::string path = "/tmp/amfgate-test-config-" + std::to_string(getpid()) + ".conf";
  {
    std::ofstream f(path);
    f << "# x\ncertificate /x/cert.pem\n";
  }
  Config c;
  Status s = LoadConfig(path, {}, &c);
  CHECK(s.message() == path + ":2: certificate: needs certificate_key too");
  {
    std::ofstream f(path);
    f << "session_idle 100\nsession_lifetime 50\n";
  }
  s = LoadConfig(path, {}, &c);
  CHECK(s.message() == path + ":2: session_lifetime: must not be shorter than session_idle");
  s = LoadConfig(path, Overrides({"--session_lifetime", "200"}), &c);
  CHECK(s.ok());
  CHECK(c.session_lifetime == 200 * kSecond);
  CHECK(c.source_file == path);
  std::remove(path.c_str());
  s = LoadConfig(path, {}, &c);
  CHECK(s.message() == path + ": No such file or directory");
}

TEST_CASE("overrides replace file values and repeatable lists") {
  Config c;
  REQUIRE(Parse("listen 127.0.0.1:1 tls\nlisten 127.0.0.1:2 tls\nalias_ttl 5\nallow_origin "
                "https://a.example\n",
                &c)
              .ok());
  auto o = Overrides({"--listen", "127.0.0.1:8080", "plain", "--listen", "[::1]:8443", "tls",
                      "--alias_ttl", "10"});
  REQUIRE(o.size() == 3);
  Status s = ApplyOverrides(o, &c);
  REQUIRE_MESSAGE(s.ok(), s.message());
  REQUIRE(c.listen.size() == 2);
  CHECK(c.listen[0].HostPort() == "127.0.0.1:8080");
  CHECK_FALSE(c.listen[0].tls);
  CHECK(c.listen[1].HostPort() == "[::1]:8443");
  CHECK(c.alias_ttl == 10 * kSecond);
  CHECK(c.allow_origin == std::vector<std::string>{"https://a.example"});
}

TEST_CASE("command-line errors say so and name the option") {
  std::vector<ConfigOverride> o;
  CHECK(ParseOverrides({"stray"}, &o).message() == "command line: 'stray': expected --DIRECTIVE");
  CHECK(ParseOverrides({"--nope", "1"}, &o).message() == "command line: --nope: unknown directive");
  Config c;
  Status s = ApplyOverrides(Overrides({"--alias_ttl", "900"}), &c);
  CHECK(s.message() == "command line: alias_ttl: must be between 1 and 600 seconds");
  s = ApplyOverrides(Overrides({"--alias_ttl", "9", "--alias_ttl", "10"}), &c);
  CHECK(s.message().starts_with("command line: alias_ttl: given twice"));
  s = ApplyOverrides(Overrides({"--alias_ttl"}), &c);
  CHECK(s.message().starts_with("command line: alias_ttl: expected 1 value"));
}

TEST_CASE("a failed load leaves the previous configuration untouched") {
  Config c;
  REQUIRE(LoadConfig("", Overrides({"--alias_ttl", "12"}), &c).ok());
  CHECK_FALSE(LoadConfig("", Overrides({"--alias_ttl", "0"}), &c).ok());
  CHECK(c.alias_ttl == 12 * kSecond);
}

TEST_CASE("public_origin derives from the first listener") {
  Config c;
  REQUIRE(LoadConfig("", Overrides({"--listen", "0.0.0.0:80", "plain"}), &c).ok());
  CHECK(c.public_origin == "http://127.0.0.1");
  REQUIRE(LoadConfig("", Overrides({"--listen", "::1", "tls"}), &c).ok() == false);
  REQUIRE(LoadConfig("", Overrides({"--listen", "[::1]:9443", "tls"}), &c).ok());
  CHECK(c.public_origin == "https://[::1]:9443");
  REQUIRE(LoadConfig("", Overrides({"--public_origin", "https://amf.example"}), &c).ok());
  CHECK(c.public_origin == "https://amf.example");
}

TEST_CASE("the help text lists every directive") {
  std::string help = DirectiveHelp();
  for (const char* name : testing::kSpecDirectives) {
    CHECK_MESSAGE(help.find(std::string("  ") + name + " ") != std::string::npos, name);
  }
}

}  // namespace
}  // namespace amfgate

namespace amfgate {
namespace {

TEST_CASE("a loaded configuration remembers where each directive was given") {
  std::string path = "/tmp/amfgate-test-places-" + std::to_string(getpid()) + ".conf";
  {
    std::ofstream f(path);
    f << "# x\n\ndocroot /srv/www\nalias_ttl 20\n";
  }
  Config c;
  std::vector<ConfigOverride> o;
  REQUIRE(ParseOverrides({"--alias_ttl", "25"}, &o).ok());
  REQUIRE(LoadConfig(path, o, &c).ok());
  CHECK(c.PlaceOf("docroot") == path + ":3: docroot: ");
  CHECK(c.PlaceOf("alias_ttl") == "command line: alias_ttl: ");
  CHECK(c.PlaceOf("users_file") == "users_file: ");
  CHECK(c.public_origin_derived);
  std::remove(path.c_str());
}

TEST_CASE("OriginOf omits the scheme's default port") {
  CHECK(OriginOf({"127.0.0.1", 443, true}) == "https://127.0.0.1");
  CHECK(OriginOf({"127.0.0.1", 80, true}) == "https://127.0.0.1:80");
  CHECK(OriginOf({"::", 8080, false}) == "http://[::1]:8080");
}

}  // namespace
}  // namespace amfgate
