// The command line of the real binary: --version, --help, -t on good and bad
// files (the error names the file and line), overrides, usage errors, and the
// sub-commands main dispatches (passwd, amf-dump, amf-encode).
#include <doctest/doctest.h>

#include <algorithm>
#include <string>

#include "../support/spec_directives.h"
#include "ops_support.h"

namespace amfgate::ops {
namespace {

TEST_CASE("--version prints the version and the libraries") {
  RunResult r = RunBinary({"--version"});
  CHECK(r.exit_code == 0);
  CHECK(r.out.rfind("amfgate 0.", 0) == 0);
  CHECK(r.out.find("mbedTLS 3.6") != std::string::npos);
  CHECK(r.out.find("llhttp 8.1") != std::string::npos);
}

TEST_CASE("--help lists usage and every directive of SPEC section 5") {
  RunResult r = RunBinary({"--help"});
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("usage: amfgate [-c FILE]") != std::string::npos);
  for (const char* d : testing::kSpecDirectives) {
    CHECK_MESSAGE(r.out.find(std::string("\n  ") + d + " ") != std::string::npos, std::string(d));
  }
}

TEST_CASE("-t accepts the built-in defaults and the bundled example file") {
  RunResult r = RunBinary({"-t"});
  CHECK_MESSAGE(r.exit_code == 0, r.err);
  CHECK(r.out.find("is valid") != std::string::npos);
  r = RunBinary({"-t", "-c", "conf/amfgate.conf"});
  CHECK_MESSAGE(r.exit_code == 0, r.err);
}

TEST_CASE("-t names the bad line and exits non-zero") {
  TempDir dir;
  std::string conf =
      dir.Write("bad.conf", "# comment\nlisten 127.0.0.1:0 plain\n\nalias_ttl 601\n");
  RunResult r = RunBinary({"-t", "-c", conf});
  CHECK(r.exit_code == 1);
  CHECK(r.err == "amfgate: " + conf + ":4: alias_ttl: must be between 1 and 600 seconds\n");
  CHECK(r.out.empty());

  conf = dir.Write("unknown.conf", "docroot conf/docroot\nfrobnicate on\n");
  r = RunBinary({"-t", "-c", conf});
  CHECK(r.exit_code == 1);
  CHECK(r.err == "amfgate: " + conf + ":2: frobnicate: unknown directive\n");

  r = RunBinary({"-t", "-c", dir.path + "/missing.conf"});
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("missing.conf: No such file or directory") != std::string::npos);
}

TEST_CASE("-t checks the files the configuration names, naming their line") {
  TempDir dir;
  std::string junk = dir.Write("cert.pem", "not a certificate\n");
  std::string conf =
      dir.Write("c.conf", "\ncertificate " + junk + "\ncertificate_key " + junk + "\n");
  RunResult r = RunBinary({"-t", "-c", conf});
  CHECK(r.exit_code == 1);
  CHECK(r.err.rfind("amfgate: " + conf + ":2: certificate: " + junk + ": ", 0) == 0);

  std::string a_cert = dir.path + "/a.pem", a_key = dir.path + "/a.key";
  std::string b_cert = dir.path + "/b.pem", b_key = dir.path + "/b.key";
  REQUIRE(MakeCertificate(a_cert, a_key, "a"));
  REQUIRE(MakeCertificate(b_cert, b_key, "b"));
  r = RunBinary({"-t", "--certificate", a_cert, "--certificate_key", a_key});
  CHECK_MESSAGE(r.exit_code == 0, r.err);
  r = RunBinary({"-t", "--certificate", a_cert, "--certificate_key", b_key});
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("does not match the certificate") != std::string::npos);

  conf = dir.Write("d.conf", "docroot " + dir.path + "/nowhere\n");
  r = RunBinary({"-t", "-c", conf});
  CHECK(r.exit_code == 1);
  CHECK(r.err.rfind("amfgate: " + conf + ":1: docroot: ", 0) == 0);

  std::string users = dir.Write("users", "demo:pbkdf2-sha256:broken\n");
  r = RunBinary({"-t", "--users_file", users});
  CHECK(r.exit_code == 1);
  CHECK(r.err.rfind("amfgate: command line: users_file: ", 0) == 0);
}

TEST_CASE("command-line overrides replace the file's values and are checked too") {
  TempDir dir;
  std::string conf = dir.Write("c.conf", "alias_ttl 601\n");
  RunResult r = RunBinary({"-t", "-c", conf, "--alias_ttl", "10"});
  CHECK(r.exit_code == 1);  // the file itself is still wrong
  conf = dir.Write("ok.conf", "alias_ttl 20\n");
  r = RunBinary({"-t", "-c", conf, "--alias_ttl", "0"});
  CHECK(r.exit_code == 1);
  CHECK(r.err == "amfgate: command line: alias_ttl: must be between 1 and 600 seconds\n");
  r = RunBinary({"--listen", "127.0.0.1:1", "plain", "--listen", "[::1]:2", "tls", "-t",
                 "--alias_ttl", "10"});
  CHECK_MESSAGE(r.exit_code == 0, r.err);
  r = RunBinary({"-t", "--nosuch", "1"});
  CHECK(r.exit_code == 2);
  CHECK(r.err.rfind("amfgate: command line: --nosuch: unknown directive\n", 0) == 0);
  r = RunBinary({"-x"});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("usage:") != std::string::npos);
  r = RunBinary({"-c"});
  CHECK(r.exit_code == 2);
}

// True when `text` holds no control character but the line ends, no DEL and
// no byte past ASCII: nothing a terminal could act on.
bool TerminalSafe(const std::string& text) {
  return std::none_of(text.begin(), text.end(), [](char c) {
    unsigned char u = static_cast<unsigned char>(c);
    return (u < 0x20 && u != '\n') || u >= 0x7f;
  });
}

TEST_CASE("values echoed on stderr and stdout have their control characters escaped") {
  // ESC [2J clears a terminal; CR and LF would forge a second message; DEL and
  // the 8-bit CSI (0x9b) are control characters too.
  const std::string hostile = "\x1b[2J\r\nforged\x7f\x9b";
  const std::string escaped = "\\x1b[2J\\x0d\\x0aforged\\x7f\\x9b";

  RunResult r = RunBinary({"-t", "--public_origin", "https://a" + hostile});
  CHECK(r.exit_code == 1);
  CHECK(r.err == "amfgate: command line: public_origin: 'https://a" + escaped +
                     "' must be scheme://host[:port] with no path, query or user\n");

  TempDir dir;
  r = RunBinary({"-t", "-c", dir.path + "/" + hostile});
  CHECK(r.exit_code == 1);
  CHECK(r.err == "amfgate: " + dir.path + "/" + escaped + ": No such file or directory\n");

  r = RunBinary({"-t", "--docroot", dir.path + hostile});
  CHECK(r.exit_code == 1);
  CHECK(r.err.find(escaped) != std::string::npos);
  CHECK(TerminalSafe(r.err));

  r = RunBinary({"-" + hostile});
  CHECK(r.exit_code == 2);
  CHECK(r.err.rfind("amfgate: unknown option -" + escaped + "\n", 0) == 0);
  CHECK(TerminalSafe(r.err));

  // A file that is valid: the name is escaped on stdout too.
  std::string conf = dir.Write("ok" + hostile, "alias_ttl 20\n");
  r = RunBinary({"-t", "-c", conf});
  CHECK_MESSAGE(r.exit_code == 0, r.err);
  CHECK(r.out == "amfgate: configuration " + dir.path + "/ok" + escaped + " is valid\n");

  r = RunBinary({"passwd", "-i", "1000", dir.path + "/no/such" + hostile, "alice"}, "pw\n");
  CHECK(r.exit_code == 1);
  CHECK(r.err.find(escaped) != std::string::npos);
  CHECK(TerminalSafe(r.err));

  r = RunBinary({"amf-dump", dir.path + "/" + hostile});
  CHECK(r.exit_code == 1);
  CHECK(r.err == "amf-dump: " + dir.path + "/" + escaped + ": No such file or directory\n");
}

TEST_CASE("passwd adds a user to a users file that -t then accepts") {
  TempDir dir;
  std::string users = dir.path + "/users";
  RunResult r = RunBinary({"passwd", "-i", "1000", users, "alice"}, "correct horse\n");
  CHECK_MESSAGE(r.exit_code == 0, r.err);
  RunResult check = RunBinary({"-t", "--users_file", users});
  CHECK_MESSAGE(check.exit_code == 0, check.err);
  std::string content = Shell("cat '" + users + "'");
  CHECK(content.rfind("alice:pbkdf2-sha256:1000:", 0) == 0);
  CHECK(content.find("correct horse") == std::string::npos);
}

TEST_CASE("amf-dump and amf-encode are dispatched and round-trip a packet") {
  TempDir dir;
  // AMF0 packet: version 0, no headers, one body "echo.echo" "/1" with an
  // exact length and a strict array holding the number 1.
  std::string body_value =
      std::string("\x0a\x00\x00\x00\x01\x00\x3f\xf0\x00\x00\x00\x00\x00\x00", 14);
  std::string packet = std::string("\x00\x00\x00\x00\x00\x01", 6) + std::string("\x00\x09", 2) +
                       "echo.echo" + std::string("\x00\x02", 2) + "/1" +
                       std::string("\x00\x00\x00\x0e", 4) + body_value;
  std::string file = dir.Write("p.amf", packet);
  RunResult dump = RunBinary({"amf-dump", file});
  REQUIRE_MESSAGE(dump.exit_code == 0, dump.err);
  CHECK(dump.out.find("echo.echo") != std::string::npos);
  std::string json = dir.Write("p.json", dump.out);
  RunResult enc = RunBinary({"amf-encode", json});
  CHECK_MESSAGE(enc.exit_code == 0, enc.err);
  CHECK(enc.out == packet);
  RunResult bad = RunBinary({"amf-dump"}, std::string("\x00\x00\x00", 3));
  CHECK(bad.exit_code == 1);
  CHECK(std::count(bad.err.begin(), bad.err.end(), '\n') == 1);
}

}  // namespace
}  // namespace amfgate::ops
