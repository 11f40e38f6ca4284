// Test support: an in-process Server on its own loop thread, raw-socket
// clients, and external tools (curl, openssl) run with a time limit.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <future>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <uv.h>

#include "net/server.h"

namespace amfgate::testing {

// Runs a Server on a private loop in a thread. Everything that touches the
// server goes through Run(), which executes on the loop thread and waits.
class LoopServer {
 public:
  // `setup` registers routes before Start. Fails the test if Start fails.
  LoopServer(ServerOptions options, std::function<void(Server&)> setup);
  ~LoopServer();

  uint16_t port(size_t index = 0) const { return ports_.at(index); }
  bool started() const { return start_status_.ok(); }
  const Status& start_status() const { return start_status_; }

  // Runs `fn` on the loop thread and waits for it.
  void Run(std::function<void(Server&)> fn);
  ServerStats Stats();
  // Drains (on the loop) and waits until `done` ran or `wait_ms` passed.
  bool DrainAndWait(Duration timeout, int wait_ms);

 private:
  static void OnAsync(uv_async_t* async);
  void Main(ServerOptions options, std::function<void(Server&)> setup, std::promise<void>* ready);

  std::thread thread_;
  uv_loop_t loop_;
  uv_async_t async_;
  std::mutex mu_;
  std::vector<std::function<void()>> queue_;
  Server* server_ = nullptr;
  std::vector<uint16_t> ports_;
  Status start_status_;
  bool stopping_ = false;
};

// A blocking TCP client with receive timeouts.
class Client {
 public:
  Client(const std::string& host, uint16_t port, int timeout_ms = 3000);
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  bool connected() const { return fd_ >= 0; }
  void set_timeout(int timeout_ms) { timeout_ms_ = timeout_ms; }
  bool Send(std::string_view bytes);
  // Reads whatever arrives within the timeout (at least one byte unless the
  // peer closed or the time ran out).
  std::string ReadSome();
  // Reads until the peer closes or the timeout passes.
  std::string ReadAll();
  // Reads one whole response (head + Content-Length body).
  std::string ReadResponse();
  // Reads exactly `count` responses.
  std::vector<std::string> ReadResponses(size_t count);
  // True when the peer has closed (EOF or reset) within the timeout.
  bool WaitClosed();
  void ShutdownWrite();
  int fd() const { return fd_; }

 private:
  int fd_ = -1;
  int timeout_ms_;
  std::string buffered_;
};

// Runs a shell command with `timeout`, returns its stdout+stderr; *status
// receives the exit status.
std::string RunCommand(const std::string& command, int* status = nullptr);

// Makes sure curl and openssl exist (installs them with apt-get when root).
bool HaveTools();

// Status code of an HTTP response ("HTTP/1.1 200 OK..." -> 200), or 0.
int StatusCode(const std::string& response);
// The body after the blank line.
std::string BodyOf(const std::string& response);
size_t CountOccurrences(const std::string& haystack, const std::string& needle);

ServerOptions PlainOptions();  // one plain listener on 127.0.0.1:0
ServerOptions TlsOptionsOnly();  // one TLS listener on 127.0.0.1:0

}  // namespace amfgate::testing
