// amf-dump and amf-encode as a program: arguments, streams, exit codes and
// the one-line reason on malformed input.
#include <doctest/doctest.h>

#include <cstdio>
#include <string>
#include <vector>

#include "amf/cli.h"

using namespace amfgate;

namespace {

struct Run {
  int code;
  std::string out;
  std::string err;
};

std::string ReadBack(FILE* f) {
  std::rewind(f);
  std::string s;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) s.append(buf, n);
  std::fclose(f);
  return s;
}

// Runs a tool with `input` on standard input.
Run Tool(bool dump, std::vector<std::string> args, const std::string& input) {
  FILE* in = std::tmpfile();
  FILE* out = std::tmpfile();
  FILE* err = std::tmpfile();
  REQUIRE((in && out && err));
  std::fwrite(input.data(), 1, input.size(), in);
  std::rewind(in);
  args.insert(args.begin(), dump ? "amf-dump" : "amf-encode");
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  int code = dump ? RunAmfDump(static_cast<int>(argv.size()), argv.data(), in, out, err)
                  : RunAmfEncode(static_cast<int>(argv.size()), argv.data(), in, out, err);
  std::fclose(in);
  return Run{code, ReadBack(out), ReadBack(err)};
}

const std::string kPacket("\x00\x00\x00\x00\x00\x01\x00\x01t\x00\x02/1\x00\x00\x00\x01\x05", 18);

}  // namespace

TEST_CASE("amf-dump reads standard input and amf-encode gives the same bytes back") {
  Run dump = Tool(true, {}, kPacket);
  CHECK(dump.code == 0);
  CHECK(dump.err.empty());
  CHECK(dump.out.find(R"("target": "t")") != std::string::npos);
  CHECK(dump.out.back() == '\n');
  Run encode = Tool(false, {"-"}, dump.out);
  CHECK(encode.code == 0);
  CHECK(encode.out == kPacket);  // exactly the bytes, no newline added
}

TEST_CASE("amf-dump reads a file named on the command line, and bare values with --amf0/--amf3") {
  char path[] = "/tmp/amfjson-cli-XXXXXX";
  int fd = mkstemp(path);
  REQUIRE(fd >= 0);
  FILE* f = fdopen(fd, "wb");
  std::fwrite(kPacket.data(), 1, kPacket.size(), f);
  std::fclose(f);
  Run dump = Tool(true, {path}, "");
  std::remove(path);
  CHECK(dump.code == 0);
  CHECK(dump.out.find(R"("version": 0)") != std::string::npos);
  Run v3 = Tool(true, {"--amf3"}, std::string("\x04\xff\xff\xff\xfb", 5));
  CHECK(v3.code == 0);
  CHECK(v3.out == "{\"amf3\": {\"int\": -5}}\n");
  Run v0 = Tool(true, {"--amf0"}, std::string("\x02\x00\x02hi", 5));
  CHECK(v0.out == "{\"amf0\": \"hi\"}\n");
}

TEST_CASE("malformed input exits 1 with one line naming the place") {
  Run truncated = Tool(true, {}, kPacket.substr(0, 12));
  CHECK(truncated.code == 1);
  CHECK(truncated.out.empty());
  CHECK(truncated.err ==
        "amf-dump: malformed packet at byte 6: truncated: count exceeds the remaining bytes "
        "(the input ends early)\n");

  Run trailing = Tool(true, {"--amf3"}, std::string("\x01\x01", 2));
  CHECK(trailing.code == 1);
  CHECK(trailing.err.find("amf-dump: malformed AMF3 value at byte 1") == 0);

  Run bad_json = Tool(false, {}, "{\"amf3\":\n  {\"int\": \"x\"}}\n");
  CHECK(bad_json.code == 1);
  CHECK(bad_json.out.empty());
  CHECK(bad_json.err ==
        "amf-encode: line 2, column 11: expected an integer from -268435456 to 268435455\n");

  Run syntax = Tool(false, {}, "{\"amf3\": [1,]}");
  CHECK(syntax.code == 1);
  CHECK(syntax.err == "amf-encode: line 1, column 13: expected a value\n");

  Run missing = Tool(true, {"/nonexistent/packet.amf"}, "");
  CHECK(missing.code == 1);
  CHECK(missing.err == "amf-dump: /nonexistent/packet.amf: No such file or directory\n");

  // A reason is one line even if the input holds line breaks.
  Run control = Tool(false, {}, "{\"amf3\": {\"xml\": 1}}");
  CHECK(control.err.find('\n') == control.err.size() - 1);
}

TEST_CASE("usage errors exit 2; --help exits 0") {
  CHECK(Tool(true, {"--bogus"}, "").code == 2);
  CHECK(Tool(true, {"a", "b"}, "").code == 2);
  CHECK(Tool(false, {"a", "b"}, "").code == 2);
  Run help = Tool(false, {"--help"}, "");
  CHECK(help.code == 0);
  CHECK(help.out == "usage: amf-encode [FILE]\n");
  CHECK(Tool(true, {"-h"}, "").out == "usage: amf-dump [--amf0 | --amf3] [FILE]\n");
}
