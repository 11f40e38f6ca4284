#include "web/passwd.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <vector>

#include "core/log.h"
#include "web/users.h"

namespace amfgate {

namespace {

Status WriteAtomically(const std::string& path, const std::string& content) {
  std::string tmp = path + ".tmpXXXXXX";
  std::vector<char> name(tmp.begin(), tmp.end());
  name.push_back('\0');
  int fd = mkstemp(name.data());  // creates the file with mode 0600
  if (fd < 0)
    return Status::Error(Code::kIoError,
                         path + ": cannot create temporary file: " + strerror(errno));
  bool ok = fchmod(fd, 0600) == 0;
  size_t off = 0;
  while (ok && off < content.size()) {
    ssize_t n = write(fd, content.data() + off, content.size() - off);
    if (n < 0 && errno == EINTR) continue;
    ok = n > 0;
    if (ok) off += static_cast<size_t>(n);
  }
  ok = ok && fsync(fd) == 0;
  int saved = errno;
  ok = close(fd) == 0 && ok;
  if (!ok || rename(name.data(), path.c_str()) != 0) {
    if (ok) saved = errno;
    unlink(name.data());
    return Status::Error(Code::kIoError, path + ": cannot write: " + strerror(saved));
  }
  return Status::Ok();
}

// The name field of a users-file line, or empty for comments and blanks.
std::string_view LineName(std::string_view line) {
  if (line.empty() || line[0] == '#') return {};
  return line.substr(0, line.find(':'));
}

}  // namespace

Status SetPassword(const std::string& path, std::string_view name, std::string_view password,
                   unsigned iterations) {
  if (!IsValidUserName(name)) {
    return Status::Error(Code::kInvalidArgument,
                         "user names are 1-64 characters of A-Z a-z 0-9 . _ @ + -");
  }
  if (password.empty() || password.size() > kMaxPasswordBytes) {
    return Status::Error(Code::kInvalidArgument, "the password must be 1-1024 bytes");
  }
  if (iterations < kMinPbkdf2Iterations || iterations > kMaxPbkdf2Iterations) {
    return Status::Error(Code::kInvalidArgument, "iterations must be 1000-10000000");
  }
  std::string content;
  bool replaced = false;
  std::ifstream in(path);
  if (!in && errno != ENOENT) {
    return Status::Error(Code::kIoError, path + ": cannot read: " + strerror(errno));
  }
  uint8_t salt[kPasswordSaltBytes];
  Status s = FillRandom(salt);
  if (!s.ok()) return s;
  std::string line = UserRecord::Make(name, password, iterations,
                                      std::string_view(reinterpret_cast<char*>(salt), sizeof(salt)))
                         .Format();
  std::string old;
  while (in && std::getline(in, old)) {
    if (LineName(old) == name) {
      if (!replaced) content += line + "\n";
      replaced = true;
    } else {
      content += old + "\n";
    }
  }
  if (!replaced) content += line + "\n";
  return WriteAtomically(path, content);
}

int RunPasswd(int argc, char** argv) {
  int i = 0;
  if (i < argc && std::strcmp(argv[i], "passwd") != 0) ++i;  // the program name
  if (i < argc && std::strcmp(argv[i], "passwd") == 0) ++i;
  unsigned iterations = kDefaultPbkdf2Iterations;
  if (i + 1 < argc && std::strcmp(argv[i], "-i") == 0) {
    char* end = nullptr;
    unsigned long v = std::strtoul(argv[i + 1], &end, 10);
    if (*end != '\0' || v > kMaxPbkdf2Iterations) v = 0;
    iterations = static_cast<unsigned>(v);
    i += 2;
  }
  if (argc - i != 2) {
    std::fprintf(stderr, "usage: amfgate passwd [-i ITERATIONS] FILE NAME  (password on stdin)\n");
    return 2;
  }
  std::string password;
  if (!std::getline(std::cin, password) && password.empty()) {
    std::fprintf(stderr, "amfgate passwd: no password on standard input\n");
    return 1;
  }
  if (!password.empty() && password.back() == '\r') password.pop_back();
  Status s = SetPassword(argv[i], argv[i + 1], password, iterations);
  if (!s.ok()) {
    std::fprintf(stderr, "amfgate passwd: %s\n", EscapeForTerminal(s.ToString()).c_str());
    return 1;
  }
  return 0;
}

}  // namespace amfgate
