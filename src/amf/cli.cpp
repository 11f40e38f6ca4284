#include "amf/cli.h"

#include <cerrno>
#include <cstring>
#include <string>
#include <string_view>

#include "amf/json.h"
#include "core/log.h"

namespace amfgate {

namespace {

constexpr char kDumpUsage[] = "usage: amf-dump [--amf0 | --amf3] [FILE]";
constexpr char kEncodeUsage[] = "usage: amf-encode [FILE]";

// Reads the whole stream, up to the cap. Returns false with *why set.
bool ReadAll(FILE* f, std::string* out, std::string* why) {
  char buf[65536];
  for (;;) {
    size_t n = std::fread(buf, 1, sizeof buf, f);
    out->append(buf, n);
    if (out->size() > kMaxToolInputBytes) {
      *why = "input larger than " + std::to_string(kMaxToolInputBytes) + " bytes";
      return false;
    }
    if (n < sizeof buf) break;
  }
  if (std::ferror(f)) {
    *why = std::string("read error: ") + std::strerror(errno);
    return false;
  }
  return true;
}

// The input named by `path` ("-" or nullptr: `in`).
bool ReadInput(const char* path, FILE* in, std::string* out, std::string* why) {
  if (path == nullptr || std::strcmp(path, "-") == 0) return ReadAll(in, out, why);
  FILE* f = std::fopen(path, "rb");
  if (f == nullptr) {
    *why = std::string(path) + ": " + std::strerror(errno);
    return false;
  }
  bool ok = ReadAll(f, out, why);
  std::fclose(f);
  return ok;
}

int Fail(FILE* err, const char* tool, std::string_view why) {
  // One line, whatever the reason holds: a path or a value quoted from the
  // input may carry line breaks or terminal escapes.
  std::fprintf(err, "%s: %s\n", tool, EscapeForTerminal(why).c_str());
  return 1;
}

int Usage(FILE* err, const char* usage) {
  std::fprintf(err, "%s\n", usage);
  return 2;
}

int Write(FILE* out, FILE* err, const char* tool, std::string_view data) {
  if (std::fwrite(data.data(), 1, data.size(), out) != data.size() || std::fflush(out) != 0) {
    return Fail(err, tool, std::string("write error: ") + std::strerror(errno));
  }
  return 0;
}

}  // namespace

int RunAmfDump(int argc, char** argv, FILE* in, FILE* out, FILE* err) {
  const char* tool = "amf-dump";
  amf::JsonDocumentKind kind = amf::JsonDocumentKind::kPacket;
  const char* path = nullptr;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "--amf0") {
      kind = amf::JsonDocumentKind::kAmf0Value;
    } else if (arg == "--amf3") {
      kind = amf::JsonDocumentKind::kAmf3Value;
    } else if (arg == "-h" || arg == "--help") {
      std::fprintf(out, "%s\n", kDumpUsage);
      return 0;
    } else if (path == nullptr && (arg == "-" || arg.substr(0, 1) != "-")) {
      path = argv[i];
    } else {
      return Usage(err, kDumpUsage);
    }
  }
  std::string input, why;
  if (!ReadInput(path, in, &input, &why)) return Fail(err, tool, why);
  std::string text;
  Status s = amf::DumpJson(input, kind, &text);
  if (!s.ok()) return Fail(err, tool, s.ToString());
  return Write(out, err, tool, text);
}

int RunAmfEncode(int argc, char** argv, FILE* in, FILE* out, FILE* err) {
  const char* tool = "amf-encode";
  const char* path = nullptr;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "-h" || arg == "--help") {
      std::fprintf(out, "%s\n", kEncodeUsage);
      return 0;
    }
    if (path != nullptr || (arg != "-" && arg.substr(0, 1) == "-")) return Usage(err, kEncodeUsage);
    path = argv[i];
  }
  std::string input, why;
  if (!ReadInput(path, in, &input, &why)) return Fail(err, tool, why);
  std::string bytes;
  Status s = amf::EncodeJson(input, &bytes);
  if (!s.ok()) return Fail(err, tool, s.ToString());
  return Write(out, err, tool, bytes);
}

int RunAmfDump(int argc, char** argv) { return RunAmfDump(argc, argv, stdin, stdout, stderr); }
int RunAmfEncode(int argc, char** argv) { return RunAmfEncode(argc, argv, stdin, stdout, stderr); }

}  // namespace amfgate
