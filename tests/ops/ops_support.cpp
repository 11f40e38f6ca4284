#include "ops_support.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

extern char** environ;

namespace amfgate::ops {

namespace {

double Now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

std::string ReadFile(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

int PortAfterLastColon(const std::string& line) {
  size_t colon = line.rfind(':');
  if (colon == std::string::npos) return 0;
  return atoi(line.c_str() + colon + 1);
}

std::vector<char*> Argv(const std::vector<std::string>& args, std::string* program) {
  *program = BinaryPath();
  std::vector<char*> argv;
  argv.push_back(program->data());
  for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  return argv;
}

// Waits for `pid` until `deadline`; the exit code, or -1 (and *done false).
int WaitPid(pid_t pid, double deadline, bool* done) {
  *done = false;
  while (true) {
    int status = 0;
    pid_t r = waitpid(pid, &status, WNOHANG);
    if (r == pid) {
      *done = true;
      return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    }
    if (r < 0) {
      *done = true;
      return -1;
    }
    if (Now() > deadline) return -1;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

}  // namespace

std::string BinaryPath() {
  const char* bin = getenv("AMFGATE_BIN");
  return bin != nullptr && *bin != '\0' ? bin : "build/amfgate";
}

TempDir::TempDir() {
  char tmpl[] = "/tmp/amfgate-ops-XXXXXX";
  path = mkdtemp(tmpl);
}

TempDir::~TempDir() { std::filesystem::remove_all(path); }

std::string TempDir::Write(const std::string& name, const std::string& content) const {
  std::string full = path + "/" + name;
  std::filesystem::create_directories(std::filesystem::path(full).parent_path());
  std::ofstream f(full, std::ios::binary);
  f << content;
  return full;
}

RunResult RunBinary(const std::vector<std::string>& args, const std::string& input) {
  TempDir dir;
  std::string in = dir.Write("stdin", input), out = dir.path + "/stdout",
              err = dir.path + "/stderr";
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, in.c_str(), O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_addopen(&actions, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  std::string program;
  std::vector<char*> argv = Argv(args, &program);
  pid_t pid = -1;
  RunResult result;
  int rc = posix_spawn(&pid, program.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) {
    result.err = "spawn failed: " + std::string(strerror(rc));
    return result;
  }
  bool done = false;
  result.exit_code = WaitPid(pid, Now() + 10, &done);
  if (!done) {
    kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);
  }
  result.out = ReadFile(out);
  result.err = ReadFile(err);
  return result;
}

ServerProcess::ServerProcess(std::vector<std::string> args) {
  char tmpl[] = "/tmp/amfgate-ops-stderr-XXXXXX";
  int err_fd = mkstemp(tmpl);
  stderr_path_ = tmpl;
  close(err_fd);
  int pipe_fds[2];
  if (pipe2(pipe_fds, O_CLOEXEC) != 0) return;
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], 1);
  posix_spawn_file_actions_addopen(&actions, 2, stderr_path_.c_str(), O_WRONLY | O_APPEND, 0);
  std::string program;
  std::vector<char*> argv = Argv(args, &program);
  int rc = posix_spawn(&pid_, program.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(pipe_fds[1]);
  stdout_fd_ = pipe_fds[0];
  if (rc != 0) {
    pid_ = -1;
    return;
  }
  // ASan builds start slower; the deadline is generous but bounded.
  double deadline = Now() + 20;
  std::string pending;
  while (!ready_ && Now() < deadline) {
    pollfd p = {stdout_fd_, POLLIN, 0};
    if (poll(&p, 1, 100) <= 0) continue;
    char buf[4096];
    ssize_t n = read(stdout_fd_, buf, sizeof buf);
    if (n <= 0) break;  // the process ended before it was ready
    pending.append(buf, static_cast<size_t>(n));
    size_t nl;
    while ((nl = pending.find('\n')) != std::string::npos) {
      std::string line = pending.substr(0, nl);
      pending.erase(0, nl + 1);
      banner_ += line + "\n";
      if (line.rfind("amfgate: listening on ", 0) == 0) {
        ports_.push_back(PortAfterLastColon(line.substr(0, line.find(" (", 22))));
      } else if (line.rfind("amfgate: admin on ", 0) == 0) {
        admin_port_ = PortAfterLastColon(line.substr(0, line.find(" (", 18)));
      } else if (line.rfind("amfgate: ready", 0) == 0) {
        ready_ = true;
      }
    }
  }
}

ServerProcess::~ServerProcess() {
  if (pid_ > 0 && !exited_) {
    kill(pid_, SIGTERM);
    bool done = false;
    WaitPid(pid_, Now() + 5, &done);
    if (!done) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
  }
  if (stdout_fd_ >= 0) close(stdout_fd_);
  unlink(stderr_path_.c_str());
}

int ServerProcess::port(size_t n) const { return n < ports_.size() ? ports_[n] : 0; }

std::string ServerProcess::fingerprint() const {
  size_t at = banner_.find("SHA-256 ");
  if (at == std::string::npos) return "";
  return banner_.substr(at + 8, banner_.find('\n', at) - at - 8);
}

void ServerProcess::Signal(int signum) const {
  if (pid_ > 0 && !exited_) kill(pid_, signum);
}

int ServerProcess::WaitExit(double seconds) {
  if (pid_ <= 0 || exited_) return -1;
  bool done = false;
  int code = WaitPid(pid_, Now() + seconds, &done);
  if (done) exited_ = true;
  return code;
}

bool ServerProcess::running() {
  if (pid_ <= 0 || exited_) return false;
  int status = 0;
  if (waitpid(pid_, &status, WNOHANG) == pid_) {
    exited_ = true;
    return false;
  }
  return true;
}

std::string ServerProcess::ErrorLog() const { return ReadFile(stderr_path_); }

int Connect(int port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  sockaddr_in a = {};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

bool SendAll(int fd, const std::string& data) {
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = send(fd, data.data() + done, data.size() - done, MSG_NOSIGNAL);
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

namespace {

// Reads into *out until `complete` says so, the peer closes, or time is up.
template <typename Complete>
void ReadWhile(int fd, double seconds, std::string* out, Complete complete) {
  double deadline = Now() + seconds;
  while (!complete(*out)) {
    int left = static_cast<int>((deadline - Now()) * 1000);
    if (left <= 0) return;
    pollfd p = {fd, POLLIN, 0};
    if (poll(&p, 1, left) <= 0) return;
    char buf[16384];
    ssize_t n = recv(fd, buf, sizeof buf, 0);
    if (n <= 0) return;
    out->append(buf, static_cast<size_t>(n));
  }
}

}  // namespace

std::string ReadUntilClose(int fd, double seconds) {
  std::string out;
  ReadWhile(fd, seconds, &out, [](const std::string&) { return false; });
  return out;
}

std::string ReadResponse(int fd, double seconds) {
  std::string out;
  ReadWhile(fd, seconds, &out, [](const std::string& s) {
    size_t end = s.find("\r\n\r\n");
    if (end == std::string::npos) return false;
    std::string length = HeaderOf(s.substr(0, end + 2), "Content-Length");
    bool no_body = StatusOf(s) == 304 || StatusOf(s) / 100 == 1;
    return s.size() >= end + 4 + (no_body || length.empty() ? 0 : std::stoul(length));
  });
  return out;
}

std::string Exchange(int port, const std::string& request, double seconds) {
  int fd = Connect(port);
  if (fd < 0) return "";
  SendAll(fd, request);
  std::string response = ReadResponse(fd, seconds);
  close(fd);
  return response;
}

std::string Get(int port, const std::string& path, const std::string& extra_headers,
                const std::string& method) {
  return Exchange(port, method + " " + path +
                            " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) +
                            "\r\nConnection: close\r\n" + extra_headers + "\r\n");
}

int StatusOf(const std::string& response) {
  if (response.rfind("HTTP/1.", 0) != 0 || response.size() < 12) return 0;
  return atoi(response.c_str() + 9);
}

std::string HeaderOf(const std::string& response, const std::string& name) {
  size_t end = response.find("\r\n\r\n");
  std::string head = response.substr(0, end == std::string::npos ? response.size() : end + 2);
  size_t pos = head.find("\r\n");
  while (pos != std::string::npos && pos + 2 < head.size()) {
    size_t next = head.find("\r\n", pos + 2);
    std::string line = head.substr(pos + 2, next - pos - 2);
    size_t colon = line.find(':');
    if (colon != std::string::npos && strncasecmp(line.c_str(), name.c_str(), name.size()) == 0 &&
        colon == name.size()) {
      std::string value = line.substr(colon + 1);
      while (!value.empty() && value[0] == ' ') value.erase(0, 1);
      return value;
    }
    pos = next;
  }
  return "";
}

std::string BodyOf(const std::string& response) {
  size_t end = response.find("\r\n\r\n");
  return end == std::string::npos ? "" : response.substr(end + 4);
}

std::string Shell(const std::string& command, bool* ok) {
  FILE* p = popen(command.c_str(), "r");
  std::string out;
  if (p == nullptr) {
    if (ok) *ok = false;
    return out;
  }
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  int status = pclose(p);
  if (ok) *ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
  return out;
}

bool EnsureClientTools() {
  static const bool present = [] {
    bool ok = false;
    Shell("command -v curl && command -v openssl", &ok);
    if (ok) return true;
    const char* sudo = geteuid() == 0 ? "" : "sudo ";
    Shell(std::string(sudo) +
          "env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq curl openssl >/dev/null 2>&1");
    Shell("command -v curl && command -v openssl", &ok);
    return ok;
  }();
  return present;
}

std::string ServedFingerprint(int port) {
  EnsureClientTools();
  std::string out =
      Shell("timeout 10 openssl s_client -connect 127.0.0.1:" + std::to_string(port) +
            " </dev/null 2>/dev/null | openssl x509 -noout -fingerprint -sha256 2>/dev/null");
  size_t eq = out.find('=');
  if (eq == std::string::npos) return "";
  std::string fp = out.substr(eq + 1);
  while (!fp.empty() && (fp.back() == '\n' || fp.back() == '\r')) fp.pop_back();
  return fp;
}

bool MakeCertificate(const std::string& cert, const std::string& key, const std::string& cn) {
  EnsureClientTools();
  bool ok = false;
  Shell("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout '" + key +
            "' -out '" + cert + "' -days 2 -subj /CN=" + cn + " >/dev/null 2>&1",
        &ok);
  return ok;
}

}  // namespace amfgate::ops
