// Helpers for the integration tests that run the real amfgate binary: start
// it with arguments, read its start-up banner (the bound ports), send it
// signals, talk HTTP to it over loopback with raw sockets, curl and openssl.
//
// The binary is $AMFGATE_BIN (set by `make test`), else build/amfgate. Every
// process started here is stopped by pid in the destructor; every wait has a
// deadline, so a hung server fails a test instead of hanging the suite.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace amfgate::ops {

std::string BinaryPath();

// A temporary directory removed with everything in it at destruction.
struct TempDir {
  TempDir();
  ~TempDir();
  std::string path;
  std::string Write(const std::string& name,
                    const std::string& content) const;  // returns the full path
};

struct RunResult {
  int exit_code = -1;  // -1: killed or timed out
  std::string out;
  std::string err;
};
// Runs the binary to completion (10 s at most) with `input` on its stdin.
RunResult RunBinary(const std::vector<std::string>& args, const std::string& input = "");

// A server process started with `args`, after its banner said "ready".
class ServerProcess {
 public:
  explicit ServerProcess(std::vector<std::string> args);
  ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  bool ready() const { return ready_; }
  pid_t pid() const { return pid_; }
  const std::string& banner() const { return banner_; }
  // The port of the n-th "listening on" line, of the admin line (0 if none).
  int port(size_t n = 0) const;
  int admin_port() const { return admin_port_; }
  std::string fingerprint() const;  // from the banner

  void Signal(int signum) const;
  // Waits for the process to exit; its exit code, or -1 past the deadline.
  int WaitExit(double seconds);
  bool running();
  // Everything the server wrote to stderr so far.
  std::string ErrorLog() const;

 private:
  pid_t pid_ = -1;
  int stdout_fd_ = -1;
  bool ready_ = false;
  bool exited_ = false;
  std::string banner_;
  std::vector<int> ports_;
  int admin_port_ = 0;
  std::string stderr_path_;
};

// Connects to 127.0.0.1:port; -1 on failure.
int Connect(int port);
bool SendAll(int fd, const std::string& data);
// Reads until the peer closes or `seconds` pass.
std::string ReadUntilClose(int fd, double seconds);
// Reads one response (head plus Content-Length body), or what arrived
// before `seconds` passed.
std::string ReadResponse(int fd, double seconds);
// Sends `request` on a new connection and reads one response.
std::string Exchange(int port, const std::string& request, double seconds = 5);
// "GET path HTTP/1.1" with Host and Connection: close, plus extra header lines.
std::string Get(int port, const std::string& path, const std::string& extra_headers = "",
                const std::string& method = "GET");

int StatusOf(const std::string& response);
std::string HeaderOf(const std::string& response,
                     const std::string& name);  // first value, "" if none
std::string BodyOf(const std::string& response);

// Makes sure curl and openssl are installed (test-only tools; installed from
// Debian with apt-get on a machine that lacks them). True when both exist.
bool EnsureClientTools();
// Runs a shell command, returns its stdout (and whether it exited 0).
std::string Shell(const std::string& command, bool* ok = nullptr);
// SHA-256 fingerprint ("AB:CD:...") of the certificate served on 127.0.0.1:port.
std::string ServedFingerprint(int port);
// Writes a self-signed ECDSA P-256 certificate and key with openssl.
bool MakeCertificate(const std::string& cert, const std::string& key, const std::string& cn);

}  // namespace amfgate::ops
