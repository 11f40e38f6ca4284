// libFuzzer target: `amfgate passwd` on an existing users file of any
// content (web/passwd.h SetPassword), which reads the file line by line and
// writes it back with one user's line replaced or added.
//
// Input: byte 0 picks the user name (one of a few valid names, or the name
// field of the file's first line when that is a valid name); the rest is the
// old file. After SetPassword, the file must hold every old line unchanged
// and in order (each now ending in '\n'), except that the first line naming
// the user is replaced by the new line and later ones are dropped (or the
// new line is appended when none named the user); the new line must parse,
// carry the requested iteration count, verify the password, and the file
// must be mode 0600.
//
// The scratch file lives in /dev/shm when it exists, so the fsync that
// SetPassword does on every call costs no disk write.
#include <sys/stat.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_check.h"
#include "web/passwd.h"
#include "web/users.h"

using namespace amfgate;

namespace {

constexpr std::string_view kPassword = "correct horse";

struct Scratch {
  std::string dir;
  std::string path;
  Scratch() {
    char name[] = "/dev/shm/amfgate-fuzz-passwd-XXXXXX";
    char fallback[] = "/tmp/amfgate-fuzz-passwd-XXXXXX";
    char* made = mkdtemp(name);
    if (made == nullptr) made = mkdtemp(fallback);
    FUZZ_CHECK(made != nullptr);
    dir = made;
    path = dir + "/users";
  }
  ~Scratch() {
    unlink(path.c_str());
    rmdir(dir.c_str());
  }
};

std::string Read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Lines as std::getline yields them: split at '\n', no empty line after a
// final '\n'.
std::vector<std::string_view> Lines(std::string_view text) {
  std::vector<std::string_view> lines;
  while (!text.empty()) {
    size_t nl = text.find('\n');
    lines.push_back(text.substr(0, nl));
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
  }
  return lines;
}

std::string_view NameField(std::string_view line) {
  if (line.empty() || line[0] == '#') return {};
  return line.substr(0, line.find(':'));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static Scratch scratch;
  if (size == 0) return 0;
  std::string_view old_text(reinterpret_cast<const char*>(data + 1), size - 1);
  std::vector<std::string_view> old_lines = Lines(old_text);
  static const std::string_view kNames[] = {"demo", "alice", "a.b@example.com", "x"};
  std::string_view name = kNames[data[0] & 3];
  if ((data[0] & 4) && !old_lines.empty() && IsValidUserName(NameField(old_lines[0]))) {
    name = NameField(old_lines[0]);
  }
  {
    std::ofstream out(scratch.path, std::ios::binary | std::ios::trunc);
    out.write(old_text.data(), static_cast<std::streamsize>(old_text.size()));
    FUZZ_CHECK(out.good());
  }
  Status s = SetPassword(scratch.path, name, kPassword, kMinPbkdf2Iterations);
  FUZZ_CHECK(s.ok());

  std::string new_text = Read(scratch.path);
  std::vector<std::string_view> new_lines = Lines(new_text);
  FUZZ_CHECK(new_text.empty() || new_text.back() == '\n');
  size_t at = 0;
  bool replaced = false;
  std::string_view written;
  for (std::string_view old : old_lines) {
    if (NameField(old) == name) {
      if (!replaced) {
        FUZZ_CHECK(at < new_lines.size());
        written = new_lines[at++];
      }
      replaced = true;
      continue;
    }
    FUZZ_CHECK(at < new_lines.size() && new_lines[at] == old);
    ++at;
  }
  if (!replaced) {
    FUZZ_CHECK(at < new_lines.size());
    written = new_lines[at++];
  }
  FUZZ_CHECK(at == new_lines.size());

  Result<UserRecord> record = UserRecord::Parse(written);
  FUZZ_CHECK(record.ok() && record->name == name && record->iterations == kMinPbkdf2Iterations);
  UserRecord expected = UserRecord::Make(name, kPassword, kMinPbkdf2Iterations, record->salt);
  FUZZ_CHECK(expected.hash == record->hash);
  struct stat st;
  FUZZ_CHECK(stat(scratch.path.c_str(), &st) == 0 && (st.st_mode & 0777) == 0600);
  return 0;
}
