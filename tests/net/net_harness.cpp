#include "net_harness.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>

#include <doctest/doctest.h>

namespace amfgate::testing {

LoopServer::LoopServer(ServerOptions options, std::function<void(Server&)> setup) {
  std::promise<void> ready;
  std::future<void> started = ready.get_future();
  thread_ = std::thread([this, options = std::move(options), setup = std::move(setup), &ready]() mutable {
    Main(std::move(options), std::move(setup), &ready);
  });
  started.wait();
  REQUIRE_MESSAGE(start_status_.ok(), start_status_.ToString());
}

void LoopServer::Main(ServerOptions options, std::function<void(Server&)> setup, std::promise<void>* ready) {
  uv_loop_init(&loop_);
  uv_async_init(&loop_, &async_, OnAsync);
  async_.data = this;
  {
    Server server(&loop_, std::move(options));
    server_ = &server;
    if (setup) setup(server);
    start_status_ = server.Start();
    for (size_t i = 0; i < server.listener_count(); ++i) ports_.push_back(server.listener_port(i));
    ready->set_value();
    if (!start_status_.ok()) {
      server.Stop();
      uv_close(reinterpret_cast<uv_handle_t*>(&async_), nullptr);
    }
    uv_run(&loop_, UV_RUN_DEFAULT);
    server_ = nullptr;
  }
  uv_run(&loop_, UV_RUN_DEFAULT);
  uv_loop_close(&loop_);
}

void LoopServer::OnAsync(uv_async_t* async) {
  auto* self = static_cast<LoopServer*>(async->data);
  std::vector<std::function<void()>> work;
  {
    std::lock_guard<std::mutex> lock(self->mu_);
    work.swap(self->queue_);
  }
  for (auto& fn : work) fn();
}

void LoopServer::Run(std::function<void(Server&)> fn) {
  std::promise<void> done;
  std::future<void> finished = done.get_future();
  {
    std::lock_guard<std::mutex> lock(mu_);
    queue_.push_back([this, &fn, &done] {
      fn(*server_);
      done.set_value();
    });
  }
  uv_async_send(&async_);
  finished.wait();
}

ServerStats LoopServer::Stats() {
  ServerStats copy;
  Run([&](Server& s) { copy = s.stats(); });
  return copy;
}

bool LoopServer::DrainAndWait(Duration timeout, int wait_ms) {
  auto drained = std::make_shared<std::promise<void>>();
  std::future<void> f = drained->get_future();
  Run([&](Server& s) { s.Drain(timeout, [drained] { drained->set_value(); }); });
  return f.wait_for(std::chrono::milliseconds(wait_ms)) == std::future_status::ready;
}

LoopServer::~LoopServer() {
  if (start_status_.ok()) {
    Run([this](Server& s) {
      s.Stop();
      uv_close(reinterpret_cast<uv_handle_t*>(&async_), nullptr);
    });
  }
  thread_.join();
}

Client::Client(const std::string& host, uint16_t port, int timeout_ms) : timeout_ms_(timeout_ms) {
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICHOST;
  addrinfo* res = nullptr;
  if (getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &res) != 0) return;
  int fd = socket(res->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd >= 0 && connect(fd, res->ai_addr, res->ai_addrlen) == 0) {
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    fd_ = fd;
  } else if (fd >= 0) {
    close(fd);
  }
  freeaddrinfo(res);
}

Client::~Client() {
  if (fd_ >= 0) close(fd_);
}

bool Client::Send(std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t n = send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

std::string Client::ReadSome() {
  if (!buffered_.empty()) return std::exchange(buffered_, std::string());
  pollfd p{fd_, POLLIN, 0};
  if (poll(&p, 1, timeout_ms_) <= 0) return {};
  char buf[65536];
  ssize_t n = recv(fd_, buf, sizeof(buf), 0);
  return n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string();
}

std::string Client::ReadAll() {
  std::string out = std::exchange(buffered_, std::string());
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms_);
  char buf[65536];
  while (std::chrono::steady_clock::now() < deadline) {
    pollfd p{fd_, POLLIN, 0};
    if (poll(&p, 1, 50) <= 0) continue;
    ssize_t n = recv(fd_, buf, sizeof(buf), 0);
    if (n <= 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  return out;
}

std::string Client::ReadResponse() {
  std::vector<std::string> one = ReadResponses(1);
  return one.empty() ? std::string() : one[0];
}

std::vector<std::string> Client::ReadResponses(size_t count) {
  std::vector<std::string> out;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms_);
  char buf[65536];
  while (out.size() < count) {
    size_t head_end = buffered_.find("\r\n\r\n");
    if (head_end != std::string::npos) {
      size_t length = 0;
      size_t cl = buffered_.find("Content-Length: ");
      if (cl != std::string::npos && cl < head_end) length = std::stoul(buffered_.substr(cl + 16));
      bool head_only = buffered_.compare(9, 3, "304") == 0 || buffered_.compare(9, 3, "204") == 0 ||
                       buffered_.compare(9, 1, "1") == 0;
      size_t total = head_end + 4 + (head_only ? 0 : length);
      if (buffered_.size() >= total) {
        out.push_back(buffered_.substr(0, total));
        buffered_.erase(0, total);
        continue;
      }
    }
    if (std::chrono::steady_clock::now() >= deadline) break;
    pollfd p{fd_, POLLIN, 0};
    if (poll(&p, 1, 50) <= 0) continue;
    ssize_t n = recv(fd_, buf, sizeof(buf), 0);
    if (n <= 0) break;
    buffered_.append(buf, static_cast<size_t>(n));
  }
  return out;
}

bool Client::WaitClosed() {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms_);
  char buf[65536];
  while (std::chrono::steady_clock::now() < deadline) {
    pollfd p{fd_, POLLIN, 0};
    if (poll(&p, 1, 50) <= 0) continue;
    ssize_t n = recv(fd_, buf, sizeof(buf), 0);
    if (n <= 0) return true;
    buffered_.append(buf, static_cast<size_t>(n));
  }
  return false;
}

void Client::ShutdownWrite() { shutdown(fd_, SHUT_WR); }

std::string RunCommand(const std::string& command, int* status) {
  std::string full = "timeout 20 " + command + " 2>&1";
  FILE* p = popen(full.c_str(), "r");
  std::string out;
  if (p == nullptr) return out;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof(buf), p)) > 0) out.append(buf, n);
  int rc = pclose(p);
  if (status != nullptr) *status = WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
  return out;
}

bool HaveTools() {
  static const bool have = [] {
    int rc = 0;
    RunCommand("sh -c 'command -v curl && command -v openssl'", &rc);
    if (rc == 0) return true;
    if (geteuid() == 0) {
      RunCommand("sh -c 'DEBIAN_FRONTEND=noninteractive apt-get install -y -qq curl openssl'", &rc);
      RunCommand("sh -c 'command -v curl && command -v openssl'", &rc);
    }
    return rc == 0;
  }();
  return have;
}

int StatusCode(const std::string& response) {
  if (response.size() < 12 || response.compare(0, 5, "HTTP/") != 0) return 0;
  return std::atoi(response.c_str() + 9);
}

std::string BodyOf(const std::string& response) {
  size_t at = response.find("\r\n\r\n");
  return at == std::string::npos ? std::string() : response.substr(at + 4);
}

size_t CountOccurrences(const std::string& haystack, const std::string& needle) {
  size_t n = 0;
  for (size_t at = haystack.find(needle); at != std::string::npos; at = haystack.find(needle, at + needle.size())) ++n;
  return n;
}

ServerOptions PlainOptions() {
  ServerOptions o;
  o.listeners.push_back(ListenOptions{"127.0.0.1", 0, false});
  return o;
}

ServerOptions TlsOptionsOnly() {
  ServerOptions o;
  o.listeners.push_back(ListenOptions{"127.0.0.1", 0, true});
  return o;
}

}  // namespace amfgate::testing
