// libFuzzer target: the configuration file and command-line overrides
// (core/config.h LoadConfig, ParseConfigText, ParseOverrides, ApplyOverrides).
//
// Byte 0 picks the mode; the rest is:
//  - raw mode (even byte 0): the text of a configuration file. LoadConfig
//    reads it from a scratch file. Success gives a Config that validates;
//    failure leaves the caller's Config untouched and names the file and an
//    existing line (or a directive, for cross-field errors). ParseConfigText
//    fails exactly when LoadConfig fails at a line, with the same message.
//  - structured mode (odd byte 0): lines of words separated by NUL bytes (the
//    first word names a directive). The same words are written as a file
//    (each word quoted as needed by this file's own Quote) and passed as
//    `--DIRECTIVE VALUE...` arguments; the file and the command line must
//    agree: both load or both fail, and when both load, every field of the
//    two Configs is equal. Words holding control characters or starting with
//    "--" are left out (the file refuses the first, the command line cannot
//    carry the second as a value).
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "core/config.h"
#include "fuzz_check.h"

using namespace amfgate;

namespace {

struct Scratch {
  std::string path;
  Scratch() {
    char name[] = "/tmp/amfgate-fuzz-config-XXXXXX";
    int fd = mkstemp(name);
    FUZZ_CHECK(fd >= 0);
    close(fd);
    path = name;
  }
  ~Scratch() { unlink(path.c_str()); }
  void Write(std::string_view text) const {
    FILE* f = fopen(path.c_str(), "wb");
    FUZZ_CHECK(f != nullptr);
    FUZZ_CHECK(fwrite(text.data(), 1, text.size(), f) == text.size());
    FUZZ_CHECK(fclose(f) == 0);
  }
};

// Every field of a Config but the bookkeeping (places, source_file), as text.
std::string Fingerprint(const Config& c) {
  std::string out;
  auto add = [&out](const auto& v) {
    if constexpr (std::is_same_v<std::decay_t<decltype(v)>, std::string>) {
      out += v;
    } else {
      out += std::to_string(v);
    }
    out += '\x1f';
  };
  auto addr = [&](const ListenAddress& a) {
    add(a.address);
    add(a.port);
    add(a.tls);
  };
  auto rate = [&](const RateLimit& r) {
    add(r.rate);
    add(r.burst);
  };
  for (const ListenAddress& a : c.listen) addr(a);
  add(c.admin_enabled);
  addr(c.admin_listen);
  add(c.public_origin);
  add(c.public_origin_derived);
  add(c.certificate);
  add(c.certificate_key);
  add(c.ticket_lifetime);
  add(c.handshake_timeout);
  add(c.max_handshakes);
  add(c.users_file);
  add(c.docroot);
  add(c.template_dir);
  add(c.gateway_path);
  add(c.alias_ttl);
  add(static_cast<int>(c.alias_delivery));
  add(c.session_idle);
  add(c.session_lifetime);
  add(c.max_sessions);
  add(c.max_aliases);
  add(c.max_pending_aliases);
  add(c.gateway_password_login);
  for (const std::string& o : c.allow_origin) add(o);
  rate(c.redeem_rate_per_address);
  rate(c.redeem_rate_total);
  rate(c.login_rate_per_address);
  rate(c.login_rate_total);
  add(c.max_body);
  add(c.max_request_line);
  add(c.max_header_line);
  add(c.max_header_section);
  add(c.max_headers);
  add(c.head_timeout);
  add(c.body_timeout);
  add(c.idle_timeout);
  add(c.write_timeout);
  add(c.max_requests_per_connection);
  add(c.max_pipelined);
  add(c.max_write_queue);
  add(c.max_connections);
  add(static_cast<int>(c.log_level));
  add(c.error_log);
  add(c.access_log);
  add(c.drain_timeout);
  return out;
}

// A word as the file syntax writes it: bare when it can be, else quoted with
// \" and \\ escaped.
std::string Quote(std::string_view word) {
  bool bare = !word.empty() && word[0] != '#';
  for (char c : word) bare = bare && c != ' ' && c != '\t' && c != '"';
  if (bare) return std::string(word);
  std::string out = "\"";
  for (char c : word) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

bool Usable(std::string_view word) {
  if (word.starts_with("--")) return false;
  for (unsigned char c : word) {
    if (c < 0x20 || c == 0x7f) return false;
  }
  return true;
}

size_t LineCount(std::string_view text) {
  size_t lines = 1;
  for (char c : text) lines += c == '\n';
  return lines;
}

void CheckRaw(std::string_view text, const Scratch& scratch) {
  scratch.Write(text);
  Config sentinel;
  sentinel.alias_ttl = 7 * kSecond;
  sentinel.docroot = "sentinel";
  Config loaded = sentinel;
  Status s = LoadConfig(scratch.path, {}, &loaded);
  Config parsed;
  Status p = ParseConfigText(text, scratch.path, &parsed);
  if (s.ok()) {
    FUZZ_CHECK(loaded.Validate());
    FUZZ_CHECK(p.ok());
    FUZZ_CHECK(loaded.source_file == scratch.path);
    return;
  }
  FUZZ_CHECK(Fingerprint(loaded) == Fingerprint(sentinel));
  FUZZ_CHECK(s.message().starts_with(scratch.path + ":"));
  std::string_view rest = std::string_view(s.message()).substr(scratch.path.size() + 1);
  if (!rest.empty() && rest[0] >= '0' && rest[0] <= '9') {
    size_t line = std::strtoul(std::string(rest).c_str(), nullptr, 10);
    FUZZ_CHECK(line >= 1 && line <= LineCount(text));
  }
  // An error in a line comes from the text alone and reads the same from
  // ParseConfigText; otherwise it is a cross-field check on text that parsed.
  if (!p.ok()) FUZZ_CHECK(p.message() == s.message());
}

void CheckStructured(std::string_view input, const Scratch& scratch) {
  std::string file;
  std::vector<std::string> args;
  while (!input.empty()) {
    size_t nl = input.find('\n');
    std::string_view line = input.substr(0, nl);
    input.remove_prefix(nl == std::string_view::npos ? input.size() : nl + 1);
    if (line.empty()) continue;
    std::vector<std::string_view> words;
    while (true) {
      size_t z = line.find('\0');
      words.push_back(line.substr(0, z));
      if (z == std::string_view::npos) break;
      line.remove_prefix(z + 1);
    }
    for (std::string_view w : words) {
      if (!Usable(w)) return;
    }
    for (size_t i = 0; i < words.size(); ++i) {
      if (i > 0) file += ' ';
      file += Quote(words[i]);
      args.push_back(i == 0 ? "--" + std::string(words[i]) : std::string(words[i]));
    }
    file += '\n';
  }
  scratch.Write(file);
  Config from_file;
  Status f = LoadConfig(scratch.path, {}, &from_file);
  std::vector<ConfigOverride> overrides;
  Status o = ParseOverrides(args, &overrides);
  Config from_args;
  if (o.ok()) o = LoadConfig("", overrides, &from_args);
  FUZZ_CHECK(f.ok() == o.ok());
  if (f.ok()) {
    FUZZ_CHECK(from_file.Validate() && from_args.Validate());
    FUZZ_CHECK(Fingerprint(from_file) == Fingerprint(from_args));
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static Scratch scratch;
  if (size == 0) return 0;
  std::string_view rest(reinterpret_cast<const char*>(data + 1), size - 1);
  if (data[0] & 1) {
    CheckStructured(rest, scratch);
  } else {
    CheckRaw(rest, scratch);
  }
  return 0;
}
