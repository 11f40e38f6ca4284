// libFuzzer target: log-line escaping (core/log.h), the guard between
// client-controlled bytes (paths, header values, user names, peer text) and
// the error and access logs.
//
// Byte 0 splits the rest into four fields (peer, method, target, version of
// an access entry; the target doubles as an error-log message). Checked:
//  - EscapeForLog writes only printable ASCII without '"', and reading its
//    \xHH and \\ escapes back gives the input again;
//  - an error-log line written with "%.*s" of the message holds only
//    printable ASCII, ends with the escaped message (up to its first NUL, as
//    printf stops there, and cut at 4 KiB with " (truncated)" said);
//  - an access line holds only printable ASCII, exactly two '"', and between
//    them the escaped method, target without its query string, and version;
//    the query string never reaches the line.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/log.h"
#include "fuzz_check.h"

using namespace amfgate;

namespace {

bool Printable(std::string_view line) {
  for (unsigned char c : line) {
    if (c < 0x20 || c >= 0x7f) return false;
  }
  return true;
}

int Hex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;  // the logger writes lower-case hex only
}

// The inverse of the escaping; false on anything the logger never writes.
bool Unescape(std::string_view text, std::string* out) {
  out->clear();
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '\\') {
      out->push_back(text[i]);
      continue;
    }
    if (i + 1 < text.size() && text[i + 1] == '\\') {
      out->push_back('\\');
      ++i;
      continue;
    }
    if (i + 3 >= text.size() || text[i + 1] != 'x') return false;
    int hi = Hex(text[i + 2]), lo = Hex(text[i + 3]);
    if (hi < 0 || lo < 0) return false;
    out->push_back(static_cast<char>(hi * 16 + lo));
    i += 3;
  }
  return true;
}

struct Captured {
  Logger logger;
  std::string error_line;
  std::string access_line;
  int lines = 0;
  Captured() {
    logger.set_level(LogLevel::kDebug);
    logger.SetCapture([this](char kind, std::string_view line) {
      ++lines;
      (kind == 'A' ? access_line : error_line) = std::string(line);
    });
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static Captured* c = new Captured();
  if (size == 0) return 0;
  std::string_view rest(reinterpret_cast<const char*>(data + 1), size - 1);
  std::string_view fields[4];
  for (int i = 0; i < 3; ++i) {
    size_t n = std::min<size_t>(((data[0] >> (2 * i)) & 3) * 5, rest.size());
    fields[i] = rest.substr(0, n);
    rest.remove_prefix(n);
  }
  fields[3] = rest.substr(0, 8);
  std::string_view peer = fields[0], method = fields[1], version = fields[3];
  std::string_view target = rest.substr(fields[3].size());

  std::string escaped = EscapeForLog(target);
  FUZZ_CHECK(Printable(escaped) && escaped.find('"') == std::string::npos);
  std::string back;
  FUZZ_CHECK(Unescape(escaped, &back) && back == target);

  c->lines = 0;
  c->logger.Write(LogLevel::kWarn, "%.*s", static_cast<int>(target.size()), target.data());
  FUZZ_CHECK(c->lines == 1 && Printable(c->error_line));
  std::string_view message = target.substr(0, target.find('\0'));
  constexpr std::string_view kCut = " (truncated)";
  std::string_view line = c->error_line;
  // The message fills the 4 KiB buffer but for its terminating NUL. (A message
  // may itself end in " (truncated)": the size tells.)
  bool truncated = message.size() >= 4096;
  if (truncated) {
    FUZZ_CHECK(line.ends_with(kCut));
    line.remove_suffix(kCut.size());
  }
  size_t at = line.find("[warn] ");
  FUZZ_CHECK(at != std::string_view::npos);
  std::string logged;
  FUZZ_CHECK(Unescape(line.substr(at + 7), &logged));
  FUZZ_CHECK(logged == message.substr(0, 4095));

  AccessEntry entry;
  entry.peer = peer;
  entry.method = method;
  entry.target = target;
  entry.version = version;
  entry.status = 200;
  c->lines = 0;
  c->logger.Access(entry);
  FUZZ_CHECK(c->lines == 1 && Printable(c->access_line));
  std::string_view access = c->access_line;
  size_t open = access.find('"');
  size_t close = access.rfind('"');
  FUZZ_CHECK(open != std::string_view::npos && close > open && access.find('"', open + 1) == close);
  std::string_view path = target.substr(0, target.find('?'));
  FUZZ_CHECK(access.substr(open + 1, close - open - 1) ==
             EscapeForLog(method) + " " + EscapeForLog(path) + " " + EscapeForLog(version));
  return 0;
}
