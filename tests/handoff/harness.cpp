#include "harness.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>

#include "amf/codec.h"

namespace amfgate::e2e {

namespace {

std::set<std::string>& Tokens() {
  static std::set<std::string> tokens;
  return tokens;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string MakeTempDir(const char* tag) {
  std::string pattern = std::string("/tmp/amfgate-") + tag + "-XXXXXX";
  std::vector<char> buf(pattern.begin(), pattern.end());
  buf.push_back('\0');
  REQUIRE(mkdtemp(buf.data()) != nullptr);
  return buf.data();
}

// Runs argv with stdout and stderr sent to files; returns the exit status.
int RunProgram(const std::vector<std::string>& args, const std::string& out_path, const std::string& err_path) {
  pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    int out = open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    int err = open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    int nul = open("/dev/null", O_RDONLY);
    dup2(nul, 0);
    dup2(out, 1);
    dup2(err, 2);
    std::vector<char*> argv;
    for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execvp(argv[0], argv.data());
    _exit(127);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// A 43-character token at the start of a cookie value.
void RememberCookies(const HttpReply& reply) {
  for (const std::string& line : reply.All("Set-Cookie")) {
    std::string value = Between(line, "=", ";");
    if (value.size() == 43) RememberToken(value);
  }
}

}  // namespace

void RememberToken(const std::string& token) {
  if (!token.empty()) Tokens().insert(token);
}

std::string Between(const std::string& text, const std::string& before, const std::string& after) {
  size_t a = text.find(before);
  if (a == std::string::npos) return "";
  a += before.size();
  size_t b = text.find(after, a);
  return b == std::string::npos ? "" : text.substr(a, b - a);
}

std::string FormCsrf(const std::string& html) {
  std::string t = Between(html, "name=\"csrf\" value=\"", "\"");
  RememberToken(t);
  return t;
}

void RaiseFileLimit() {
  rlimit r;
  if (getrlimit(RLIMIT_NOFILE, &r) == 0 && r.rlim_cur < r.rlim_max) {
    r.rlim_cur = r.rlim_max;
    setrlimit(RLIMIT_NOFILE, &r);
  }
}

ServerProcess::ServerProcess(bool tls, std::vector<std::string> extra, std::string binary) : tls_(tls) {
  RaiseFileLimit();
  if (binary.empty()) {
    const char* env = std::getenv("AMFGATE_BIN");
    binary = env != nullptr ? env : "build/amfgate";
  }
  dir_ = MakeTempDir("e2e");
  std::vector<std::string> args = {binary, "--listen", "127.0.0.1:0", tls ? "tls" : "plain",
                                   "--admin_listen", "127.0.0.1:0", "--access_log", dir_ + "/access.log",
                                   "--log_level", "debug"};
  args.insert(args.end(), extra.begin(), extra.end());
  pid_ = fork();
  REQUIRE(pid_ >= 0);
  if (pid_ == 0) {
    int out = open((dir_ + "/stdout.log").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    int err = open((dir_ + "/stderr.log").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    int nul = open("/dev/null", O_RDONLY);
    dup2(nul, 0);
    dup2(out, 1);
    dup2(err, 2);
    std::vector<char*> argv;
    for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  std::string banner;
  while (std::chrono::steady_clock::now() < deadline) {
    banner = ReadFile(dir_ + "/stdout.log");
    if (banner.find("ready, pid") != std::string::npos) break;
    int status;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      FAIL("the server exited at start (status " << status << "): " << Logs());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  REQUIRE_MESSAGE(banner.find("ready, pid") != std::string::npos, "no start-up banner: " << Logs());
  std::string scheme = tls ? "https://" : "http://";
  std::string listen = Between(banner, "listening on " + scheme, " (");
  origin_ = scheme + listen;
  port_ = static_cast<uint16_t>(std::stoi(listen.substr(listen.rfind(':') + 1)));
  std::string admin = Between(banner, "admin on http://", " (");
  if (!admin.empty()) admin_port_ = static_cast<uint16_t>(std::stoi(admin.substr(admin.rfind(':') + 1)));
  demo_password_ = Between(banner, "password: ", " ");
}

ServerProcess::~ServerProcess() { Stop(); }

void ServerProcess::Stop() {
  if (pid_ <= 0) return;
  kill(pid_, SIGTERM);
  int status = 0;
  bool exited = false;
  for (int i = 0; i < 300 && !exited; ++i) {
    exited = waitpid(pid_, &status, WNOHANG) == pid_;
    if (!exited) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  if (!exited) {
    kill(pid_, SIGKILL);
    waitpid(pid_, &status, 0);
  }
  pid_ = -1;
  CHECK_MESSAGE(exited, "the server did not stop within 6 s of SIGTERM");
  CHECK_MESSAGE((WIFEXITED(status) && WEXITSTATUS(status) == 0), "server exit status " << status << ": " << Logs());
  std::string logs = Logs();
  CHECK(!logs.empty());
  for (const std::string& token : Tokens()) {
    CHECK_MESSAGE(logs.find(token) == std::string::npos, "a token appears in the server's logs");
  }
}

std::string ServerProcess::Logs() const {
  return ReadFile(dir_ + "/stdout.log") + ReadFile(dir_ + "/stderr.log") + ReadFile(dir_ + "/access.log");
}

std::vector<std::string> HttpReply::All(const std::string& name) const {
  std::vector<std::string> out;
  std::istringstream lines(head);
  std::string line;
  while (std::getline(lines, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    size_t colon = line.find(':');
    if (colon == std::string::npos || colon != name.size()) continue;
    if (strncasecmp(line.c_str(), name.c_str(), name.size()) != 0) continue;
    size_t v = colon + 1;
    while (v < line.size() && line[v] == ' ') ++v;
    out.push_back(line.substr(v));
  }
  return out;
}

std::string HttpReply::Header(const std::string& name) const {
  auto all = All(name);
  return all.empty() ? "" : all[0];
}

std::optional<std::pair<std::string, std::string>> HttpReply::CookieStartingWith(const std::string& prefix) const {
  for (const std::string& line : All("Set-Cookie")) {
    if (line.rfind(prefix, 0) != 0) continue;
    size_t eq = line.find('=');
    size_t semi = line.find(';');
    return std::make_pair(line.substr(0, eq), line.substr(eq + 1, semi - eq - 1));
  }
  return std::nullopt;
}

Curl::Curl(const std::string& jar_path) : jar_(jar_path) {
  dir_ = MakeTempDir("curl");
  std::ofstream(jar_).flush();
}

HttpReply Curl::Run(std::vector<std::string> args) {
  std::string head_path = dir_ + "/head", body_path = dir_ + "/body", err_path = dir_ + "/err";
  std::vector<std::string> argv = {"curl", "-sS", "-k", "--max-time", "20", "-b", jar_, "-c", jar_,
                                   "-D", head_path, "-o", body_path};
  argv.insert(argv.end(), args.begin(), args.end());
  int rc = RunProgram(argv, dir_ + "/out", err_path);
  HttpReply reply;
  REQUIRE_MESSAGE(rc == 0, "curl failed: " << ReadFile(err_path));
  reply.head = ReadFile(head_path);
  reply.body = ReadFile(body_path);
  reply.status = std::atoi(Between(reply.head, " ", " ").c_str());
  RememberCookies(reply);
  return reply;
}

HttpReply Curl::Get(const std::string& url, std::vector<std::string> extra) {
  extra.push_back(url);
  return Run(extra);
}

HttpReply Curl::PostForm(const std::string& url, const std::string& body, const std::string& origin) {
  std::vector<std::string> args = {"--data-raw", body};
  if (!origin.empty()) {
    args.push_back("-H");
    args.push_back("Origin: " + origin);
  }
  args.push_back(url);
  return Run(args);
}

HttpReply Curl::PostBinary(const std::string& url, const std::string& body, const std::string& content_type,
                           std::vector<std::string> extra) {
  std::string path = dir_ + "/request";
  std::ofstream(path, std::ios::binary) << body;
  std::vector<std::string> args = {"--data-binary", "@" + path, "-H", "Content-Type: " + content_type};
  args.insert(args.end(), extra.begin(), extra.end());
  args.push_back(url);
  return Run(args);
}

std::string Curl::CookieValue(const std::string& name) const {
  std::istringstream lines(ReadFile(jar_));
  std::string line;
  while (std::getline(lines, line)) {
    std::vector<std::string> f;
    std::istringstream fields(line);
    std::string field;
    while (std::getline(fields, field, '\t')) f.push_back(field);
    if (f.size() >= 7 && f[5] == name) return f[6];
  }
  return "";
}

RawConnection::RawConnection(uint16_t port) {
  fd_ = socket(AF_INET, SOCK_STREAM, 0);
  if (fd_ < 0) return;
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof(a)) != 0) {
    close(fd_);
    fd_ = -1;
    return;
  }
  int one = 1;
  setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

RawConnection::~RawConnection() {
  if (fd_ >= 0) close(fd_);
}

bool RawConnection::SendAll(const std::string& bytes) {
  size_t off = 0;
  while (off < bytes.size()) {
    ssize_t n = send(fd_, bytes.data() + off, bytes.size() - off, MSG_NOSIGNAL);
    if (n <= 0) return false;
    off += static_cast<size_t>(n);
  }
  return true;
}

bool RawConnection::TakeReply(HttpReply* out) {
  size_t end = input_.find("\r\n\r\n");
  if (end == std::string::npos) return false;
  HttpReply r;
  r.head = input_.substr(0, end + 2);
  r.status = std::atoi(Between(r.head, " ", " ").c_str());
  std::string length = r.Header("Content-Length");
  size_t n = length.empty() ? 0 : std::stoul(length);
  if (input_.size() < end + 4 + n) return false;
  r.body = input_.substr(end + 4, n);
  input_.erase(0, end + 4 + n);
  RememberCookies(r);
  *out = std::move(r);
  return true;
}

bool RawConnection::ReadReply(HttpReply* out, int timeout_ms) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (!TakeReply(out)) {
    int left = static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                    deadline - std::chrono::steady_clock::now()).count());
    if (left <= 0) return false;
    pollfd p{fd_, POLLIN, 0};
    if (poll(&p, 1, left) <= 0) return false;
    char buf[65536];
    ssize_t n = recv(fd_, buf, sizeof(buf), 0);
    if (n <= 0) return false;
    input_.append(buf, static_cast<size_t>(n));
  }
  return true;
}

std::string AmfRequest(const std::string& path, const std::string& packet, const std::string& cookie,
                       const std::string& origin, const std::string& content_type) {
  std::string r = "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: " + content_type +
                  "\r\nContent-Length: " + std::to_string(packet.size()) + "\r\n";
  if (!cookie.empty()) r += "Cookie: " + cookie + "\r\n";
  if (!origin.empty()) r += "Origin: " + origin + "\r\n";
  r += "\r\n";
  r += packet;
  return r;
}

std::string Packet(const std::vector<AmfCall>& calls, uint16_t version) {
  Arena arena;
  std::vector<amf::Body> bodies;
  std::vector<std::string> responses;
  responses.reserve(calls.size());
  for (size_t i = 0; i < calls.size(); ++i) responses.push_back("/" + std::to_string(i + 1));
  for (size_t i = 0; i < calls.size(); ++i) {
    std::vector<amf::Value> args;
    for (const std::string& s : calls[i].string_args) args.push_back(amf::Value::String(s));
    amf::Body b;
    b.target = calls[i].target;
    b.response = responses[i];
    b.value = amf::MakeArray(arena, args, amf::Format::kAmf0);
    bodies.push_back(b);
  }
  amf::Packet p;
  p.version = version;
  p.bodies = bodies;
  std::string out;
  REQUIRE(amf::EncodePacket(p, arena, &out).ok());
  return out;
}

std::unique_ptr<AmfReply> ParseAmf(const std::string& body) {
  auto r = std::make_unique<AmfReply>();
  r->bytes = body;
  auto p = amf::DecodePacket(r->bytes, r->arena);
  if (p.ok()) {
    r->packet = *p;
    r->ok = true;
  }
  return r;
}

bool AmfReply::IsResult(size_t i) const {
  if (i >= size()) return false;
  std::string_view t = packet.bodies[i].target;
  return t.size() >= 9 && t.substr(t.size() - 9) == "/onResult";
}

std::string AmfReply::Fault(size_t i) const {
  if (i >= size() || IsResult(i)) return "";
  const amf::Object* o = packet.bodies[i].value.AsObject();
  const amf::Value* code = o ? o->Find("code") : nullptr;
  return code ? std::string(code->AsString()) : "?";
}

std::string AmfReply::String(size_t i) const {
  return IsResult(i) ? std::string(packet.bodies[i].value.AsString()) : "";
}

std::string AmfReply::Member(size_t i, const std::string& name) const {
  if (!IsResult(i)) return "";
  const amf::Object* o = packet.bodies[i].value.AsObject();
  const amf::Value* v = o ? o->Find(name) : nullptr;
  if (v == nullptr) return "";
  if (v->is_string()) return std::string(v->AsString());
  if (v->is_number()) return std::to_string(static_cast<long long>(v->AsNumber()));
  return "?";
}

}  // namespace amfgate::e2e
