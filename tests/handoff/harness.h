// End-to-end harness: the real amfgate binary (AMFGATE_BIN) on loopback,
// driven as clients drive it: curl for the pages (and as the HTTPS transport
// for AMF), a raw-socket HTTP client for plain-text AMF and for load, the
// project's AMF codec to write and read packets.
//
// Every token a test sees (aliases, cookie values, form tokens) is recorded;
// when a server stops, every line it wrote (stdout, stderr, the access log)
// is searched for every recorded token, so "no token in any log line" holds
// for the whole suite.
#pragma once

#include <doctest/doctest.h>
#include <sys/types.h>

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "amf/arena.h"
#include "amf/packet.h"
#include "amf/value.h"

namespace amfgate::e2e {

// Tokens seen by any test in this process.
void RememberToken(const std::string& token);

class ServerProcess {
 public:
  // `tls`: the public listener's kind. `extra`: more `--directive value`s.
  explicit ServerProcess(bool tls, std::vector<std::string> extra = {}, std::string binary = "");
  ~ServerProcess();  // Stop()

  void Stop();
  const std::string& origin() const { return origin_; }  // "http://127.0.0.1:PORT"
  uint16_t port() const { return port_; }
  uint16_t admin_port() const { return admin_port_; }
  const std::string& demo_password() const { return demo_password_; }
  bool tls() const { return tls_; }
  // Everything the server wrote so far.
  std::string Logs() const;
  const std::string& dir() const { return dir_; }

 private:
  bool tls_;
  pid_t pid_ = -1;
  std::string dir_;
  std::string origin_;
  uint16_t port_ = 0;
  uint16_t admin_port_ = 0;
  std::string demo_password_;
};

struct HttpReply {
  int status = 0;
  std::string head;  // status line and header lines
  std::string body;

  std::vector<std::string> All(const std::string& name) const;
  std::string Header(const std::string& name) const;
  // name=value of the first Set-Cookie whose name starts with `prefix`.
  std::optional<std::pair<std::string, std::string>> CookieStartingWith(const std::string& prefix) const;
};

// curl with a cookie jar file (created empty), -k for the self-signed
// certificate, every call bounded by --max-time.
class Curl {
 public:
  explicit Curl(const std::string& jar_path);
  HttpReply Get(const std::string& url, std::vector<std::string> extra = {});
  HttpReply PostForm(const std::string& url, const std::string& body, const std::string& origin);
  HttpReply PostBinary(const std::string& url, const std::string& body, const std::string& content_type,
                       std::vector<std::string> extra = {});
  std::string CookieValue(const std::string& name) const;  // from the jar file, "" if absent

 private:
  HttpReply Run(std::vector<std::string> args);
  std::string jar_;
  std::string dir_;
};

// Plain HTTP/1.1 over a raw socket to 127.0.0.1:port.
class RawConnection {
 public:
  explicit RawConnection(uint16_t port);
  ~RawConnection();
  bool ok() const { return fd_ >= 0; }
  int fd() const { return fd_; }
  bool SendAll(const std::string& bytes);
  // Reads one complete response (Content-Length framed); false on EOF/timeout.
  bool ReadReply(HttpReply* out, int timeout_ms = 10000);
  // Parses one response from the front of the buffered input, if complete.
  bool TakeReply(HttpReply* out);
  std::string& input() { return input_; }

 private:
  int fd_ = -1;
  std::string input_;
};

std::string AmfRequest(const std::string& path, const std::string& packet, const std::string& cookie = "",
                       const std::string& origin = "", const std::string& content_type = "application/x-amf");

// Packets with the project's codec.
struct AmfCall {
  std::string target;
  std::vector<std::string> string_args;
};
std::string Packet(const std::vector<AmfCall>& calls, uint16_t version = 0);

struct AmfReply {
  std::string bytes;
  Arena arena;
  amf::Packet packet;
  bool ok = false;
  size_t size() const { return ok ? packet.bodies.size() : 0; }
  bool IsResult(size_t i) const;
  std::string Fault(size_t i) const;      // onStatus code or ""
  std::string String(size_t i) const;     // onResult string or ""
  std::string Member(size_t i, const std::string& name) const;  // onResult object member as string
};
std::unique_ptr<AmfReply> ParseAmf(const std::string& body);

std::string Between(const std::string& text, const std::string& before, const std::string& after);
std::string FormCsrf(const std::string& html);

// Raises RLIMIT_NOFILE to its hard limit (for 1,000 connections).
void RaiseFileLimit();

}  // namespace amfgate::e2e
