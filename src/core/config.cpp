#include "core/config.h"

#include <arpa/inet.h>

#include <cctype>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

namespace amfgate {

namespace {

using Words = std::vector<std::string>;

constexpr Duration kMinute = 60 * kSecond;
constexpr Duration kHour = 60 * kMinute;
constexpr Duration kDay = 24 * kHour;

// An error from a value parser: the text after "directive: ".
using ValueError = std::string;

// ---- value parsers: each returns an empty string on success.

ValueError ParseUnsigned(const std::string& word, uint64_t min, uint64_t max, uint64_t* out) {
  uint64_t v = 0;
  auto [end, ec] = std::from_chars(word.data(), word.data() + word.size(), v);
  if (word.empty() || ec != std::errc() || end != word.data() + word.size()) {
    if (ec == std::errc::result_out_of_range) {
      return "must be between " + std::to_string(min) + " and " + std::to_string(max);
    }
    return "'" + word + "' is not a whole number";
  }
  if (v < min || v > max)
    return "must be between " + std::to_string(min) + " and " + std::to_string(max);
  *out = v;
  return {};
}

// A decimal number: digits with an optional fraction, nothing else.
bool ParseDecimal(std::string_view text, double* out) {
  if (text.empty() || !(text[0] >= '0' && text[0] <= '9')) return false;
  for (char c : text) {
    if (!((c >= '0' && c <= '9') || c == '.')) return false;
  }
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return ec == std::errc() && end == text.data() + text.size() && std::isfinite(*out);
}

std::string SecondsText(Duration d) {
  if (d % kSecond == 0) return std::to_string(d / kSecond);
  std::ostringstream s;
  s << static_cast<double>(d) / kSecond;
  return s.str();
}

ValueError ParseSeconds(const std::string& word, Duration min, Duration max, Duration* out) {
  std::string_view text = word;
  double scale = static_cast<double>(kSecond);
  if (text.ends_with("ms")) {
    scale = static_cast<double>(kMillisecond);
    text.remove_suffix(2);
  } else if (text.ends_with("s")) {
    text.remove_suffix(1);
  } else if (text.ends_with("m")) {
    scale = static_cast<double>(kMinute);
    text.remove_suffix(1);
  } else if (text.ends_with("h")) {
    scale = static_cast<double>(kHour);
    text.remove_suffix(1);
  }
  double v = 0;
  if (!ParseDecimal(text, &v))
    return "'" + word + "' is not a duration (seconds, or with ms/s/m/h)";
  double ns = std::round(v * scale);
  if (ns < static_cast<double>(min) || ns > static_cast<double>(max)) {
    return "must be between " + SecondsText(min) + " and " + SecondsText(max) + " seconds";
  }
  *out = static_cast<Duration>(ns);
  return {};
}

ValueError ParseBytes(const std::string& word, uint64_t min, uint64_t max, uint64_t* out) {
  std::string_view text = word;
  uint64_t scale = 1;
  if (!text.empty()) {
    switch (text.back()) {
      case 'k':
      case 'K':
        scale = 1ull << 10;
        break;
      case 'm':
      case 'M':
        scale = 1ull << 20;
        break;
      case 'g':
      case 'G':
        scale = 1ull << 30;
        break;
      default:
        break;
    }
    if (scale != 1) text.remove_suffix(1);
  }
  uint64_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) {
    return "'" + word + "' is not a size in bytes (a whole number, or with k/m/g)";
  }
  if (v > max / scale || v * scale < min || v * scale > max) {
    return "must be between " + std::to_string(min) + " and " + std::to_string(max) + " bytes";
  }
  *out = v * scale;
  return {};
}

ValueError ParseOnOff(const std::string& word, bool* out) {
  if (word == "on")
    *out = true;
  else if (word == "off")
    *out = false;
  else
    return "expected on or off, not '" + word + "'";
  return {};
}

ValueError ParseHostPort(const std::string& word, ListenAddress* out) {
  std::string host;
  std::string port;
  if (!word.empty() && word[0] == '[') {
    size_t close = word.find(']');
    if (close == std::string::npos || close + 1 >= word.size() || word[close + 1] != ':') {
      return "'" + word + "' is not ADDR:PORT (IPv6 as [::1]:8443)";
    }
    host = word.substr(1, close - 1);
    port = word.substr(close + 2);
    in6_addr a6;
    if (inet_pton(AF_INET6, host.c_str(), &a6) != 1) return "'" + host + "' is not an IPv6 address";
  } else {
    size_t colon = word.rfind(':');
    if (colon == std::string::npos) return "'" + word + "' is not ADDR:PORT";
    host = word.substr(0, colon);
    port = word.substr(colon + 1);
    in_addr a4;
    if (inet_pton(AF_INET, host.c_str(), &a4) != 1) {
      return "'" + host + "' is not a numeric IPv4 address (write IPv6 as [::1]:PORT)";
    }
  }
  uint64_t p = 0;
  ValueError e = ParseUnsigned(port, 0, 65535, &p);
  if (!e.empty()) return "port: " + e;
  out->address = host;
  out->port = static_cast<uint16_t>(p);
  return {};
}

bool IsHostChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '[' ||
         c == ']' || c == ':';
}

// An origin: http(s)://host[:port], lower case, no path, query or user info.
// A trailing "/" is dropped so that the stored form compares equal to the
// Origin header browsers send.
ValueError ParseOrigin(const std::string& word, std::string* out) {
  std::string v = word;
  for (char& c : v) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  size_t scheme_end = v.find("://");
  if (scheme_end == std::string::npos)
    return "'" + word + "' is not an origin like https://example.com";
  std::string scheme = v.substr(0, scheme_end);
  if (scheme != "http" && scheme != "https")
    return "'" + word + "': the scheme must be http or https";
  std::string rest = v.substr(scheme_end + 3);
  if (!rest.empty() && rest.back() == '/') rest.pop_back();
  if (rest.empty()) return "'" + word + "' has no host";
  for (char c : rest) {
    if (!IsHostChar(c))
      return "'" + word + "' must be scheme://host[:port] with no path, query or user";
  }
  *out = scheme + "://" + rest;
  return {};
}

ValueError ParseUrlPath(const std::string& word, std::string* out) {
  if (word.empty() || word[0] != '/') return "must start with /";
  for (unsigned char c : word) {
    if (c <= 0x20 || c >= 0x7f || c == '?' || c == '#' || c == '%' || c == '"') {
      return "must be a plain path (no spaces, query, fragment or escapes)";
    }
  }
  if (word.find("/..") != std::string::npos || word.find("//") != std::string::npos) {
    return "must not contain '..' or empty segments";
  }
  *out = word;
  return {};
}

ValueError ParseRate(const Words& v, RateLimit* out) {
  double rate = 0;
  if (!ParseDecimal(v[0], &rate) || rate <= 0 || rate > 1e9) {
    return "rate '" + v[0] + "' must be a number of events per second above 0";
  }
  uint64_t burst = 0;
  ValueError e = ParseUnsigned(v[1], 1, 1000000000, &burst);
  if (!e.empty()) return "burst: " + e;
  out->rate = rate;
  out->burst = static_cast<uint32_t>(burst);
  return {};
}

// ---- the directive table

struct Directive {
  const char* name;
  const char* usage;
  const char* help;
  bool repeatable;
  size_t min_values;
  size_t max_values;
  ValueError (*apply)(const Words& values, Config* config);
  void (*clear)(Config* config);  // repeatable only: empties the list
};

template <typename T, uint64_t kMin, uint64_t kMax, T Config::*kField>
ValueError SetCount(const Words& v, Config* c) {
  uint64_t n = 0;
  ValueError e = ParseUnsigned(v[0], kMin, kMax, &n);
  if (e.empty()) c->*kField = static_cast<T>(n);
  return e;
}

template <typename T, uint64_t kMin, uint64_t kMax, T Config::*kField>
ValueError SetBytes(const Words& v, Config* c) {
  uint64_t n = 0;
  ValueError e = ParseBytes(v[0], kMin, kMax, &n);
  if (e.empty()) c->*kField = static_cast<T>(n);
  return e;
}

template <Duration kMin, Duration kMax, Duration Config::*kField>
ValueError SetSeconds(const Words& v, Config* c) {
  return ParseSeconds(v[0], kMin, kMax, &(c->*kField));
}

template <std::string Config::*kField>
ValueError SetPath(const Words& v, Config* c) {
  if (v[0].empty()) return "must not be empty";
  c->*kField = v[0];
  return {};
}

template <RateLimit Config::*kField>
ValueError SetRate(const Words& v, Config* c) {
  return ParseRate(v, &(c->*kField));
}

ValueError SetListen(const Words& v, Config* c) {
  ListenAddress a;
  ValueError e = ParseHostPort(v[0], &a);
  if (!e.empty()) return e;
  if (v[1] == "tls")
    a.tls = true;
  else if (v[1] == "plain")
    a.tls = false;
  else
    return "expected tls or plain, not '" + v[1] + "'";
  for (const ListenAddress& other : c->listen) {
    if (other.address == a.address && other.port == a.port && a.port != 0) {
      return a.HostPort() + " is listed twice";
    }
  }
  c->listen.push_back(a);
  return {};
}

ValueError SetAdminListen(const Words& v, Config* c) {
  if (v[0] == "off") {
    c->admin_enabled = false;
    return {};
  }
  ListenAddress a;
  ValueError e = ParseHostPort(v[0], &a);
  if (!e.empty()) return e;
  a.tls = false;
  c->admin_enabled = true;
  c->admin_listen = a;
  return {};
}

ValueError SetPublicOrigin(const Words& v, Config* c) {
  return ParseOrigin(v[0], &c->public_origin);
}

ValueError SetAllowOrigin(const Words& v, Config* c) {
  std::string origin;
  ValueError e = ParseOrigin(v[0], &origin);
  if (e.empty()) c->allow_origin.push_back(origin);
  return e;
}

ValueError SetGatewayPath(const Words& v, Config* c) {
  return ParseUrlPath(v[0], &c->gateway_path);
}

ValueError SetAliasDelivery(const Words& v, Config* c) {
  if (v[0] == "cookie")
    c->alias_delivery = AliasDelivery::kCookie;
  else if (v[0] == "flashvars")
    c->alias_delivery = AliasDelivery::kFlashvars;
  else
    return "expected cookie or flashvars, not '" + v[0] + "'";
  return {};
}

ValueError SetPasswordLogin(const Words& v, Config* c) {
  return ParseOnOff(v[0], &c->gateway_password_login);
}

ValueError SetLogLevel(const Words& v, Config* c) {
  if (!ParseLogLevel(v[0], &c->log_level))
    return "expected debug, info, notice, warn or error, not '" + v[0] + "'";
  return {};
}

ValueError SetAccessLog(const Words& v, Config* c) {
  if (v[0].empty()) return "must not be empty";
  c->access_log = v[0];
  return {};
}

constexpr uint64_t kG = 1ull << 30;
constexpr uint64_t kM = 1ull << 20;

const Directive kDirectives[] = {
    {"listen", "ADDR:PORT tls|plain", "a listener; plain HTTP is for development and benchmarks",
     true, 2, 2, SetListen, [](Config* c) { c->listen.clear(); }},
    {"admin_listen", "ADDR:PORT|off",
     "plain-HTTP listener for /healthz and /metrics (keep it private)", false, 1, 1, SetAdminListen,
     nullptr},
    {"public_origin", "URL", "scheme://host[:port] browsers use; builds the gateway URL", false, 1,
     1, SetPublicOrigin, nullptr},
    {"certificate", "FILE", "PEM certificate chain (none: self-signed ECDSA P-256 in memory)",
     false, 1, 1, SetPath<&Config::certificate>, nullptr},
    {"certificate_key", "FILE", "PEM private key of the certificate", false, 1, 1,
     SetPath<&Config::certificate_key>, nullptr},
    {"ticket_lifetime", "SECONDS", "TLS session ticket lifetime and key rotation period (60-86400)",
     false, 1, 1, SetSeconds<60 * kSecond, kDay, &Config::ticket_lifetime>, nullptr},
    {"handshake_timeout", "SECONDS", "deadline for a TLS handshake", false, 1, 1,
     SetSeconds<kMillisecond, kHour, &Config::handshake_timeout>, nullptr},
    {"max_handshakes", "N", "TLS handshakes in progress at once", false, 1, 1,
     SetCount<uint32_t, 1, 1000000, &Config::max_handshakes>, nullptr},
    {"users_file", "FILE", "users and password hashes (none: a demo user)", false, 1, 1,
     SetPath<&Config::users_file>, nullptr},
    {"docroot", "DIR", "document root for static files", false, 1, 1, SetPath<&Config::docroot>,
     nullptr},
    {"template_dir", "DIR", "page templates", false, 1, 1, SetPath<&Config::template_dir>, nullptr},
    {"gateway_path", "PATH", "URL path of the AMF gateway", false, 1, 1, SetGatewayPath, nullptr},
    {"alias_ttl", "SECONDS", "lifetime of a one-time alias (1-600)", false, 1, 1,
     SetSeconds<kSecond, 600 * kSecond, &Config::alias_ttl>, nullptr},
    {"alias_delivery", "cookie|flashvars", "how the app page hands the alias to the client", false,
     1, 1, SetAliasDelivery, nullptr},
    {"session_idle", "SECONDS", "a session ends after this long unused", false, 1, 1,
     SetSeconds<kSecond, 24 * kDay, &Config::session_idle>, nullptr},
    {"session_lifetime", "SECONDS", "a session ends this long after login, used or not", false, 1,
     1, SetSeconds<kSecond, 24 * kDay, &Config::session_lifetime>, nullptr},
    {"max_sessions", "N", "sessions in total (page and gateway)", false, 1, 1,
     SetCount<uint64_t, 1, 100000000, &Config::max_sessions>, nullptr},
    {"max_aliases", "N", "aliases in total", false, 1, 1,
     SetCount<uint64_t, 1, 100000000, &Config::max_aliases>, nullptr},
    {"max_pending_aliases", "N", "unredeemed aliases per page session", false, 1, 1,
     SetCount<uint32_t, 1, 255, &Config::max_pending_aliases>, nullptr},
    {"gateway_password_login", "on|off",
     "password login through the gateway (auth.login, Credentials, Flex)", false, 1, 1,
     SetPasswordLogin, nullptr},
    {"allow_origin", "URL", "another origin allowed to call the gateway with credentials", true, 1,
     1, SetAllowOrigin, [](Config* c) { c->allow_origin.clear(); }},
    {"redeem_rate_per_address", "RATE BURST", "alias redemptions per second per client address",
     false, 2, 2, SetRate<&Config::redeem_rate_per_address>, nullptr},
    {"redeem_rate_total", "RATE BURST", "alias redemptions per second in total", false, 2, 2,
     SetRate<&Config::redeem_rate_total>, nullptr},
    {"login_rate_per_address", "RATE BURST", "password logins per second per client address", false,
     2, 2, SetRate<&Config::login_rate_per_address>, nullptr},
    {"login_rate_total", "RATE BURST", "password logins per second in total", false, 2, 2,
     SetRate<&Config::login_rate_total>, nullptr},
    {"max_body", "BYTES", "request body size", false, 1, 1,
     SetBytes<uint64_t, 0, kG, &Config::max_body>, nullptr},
    {"max_request_line", "BYTES", "request line length (414 past it)", false, 1, 1,
     SetBytes<uint32_t, 64, kM, &Config::max_request_line>, nullptr},
    {"max_header_line", "BYTES", "one header line's length (431 past it)", false, 1, 1,
     SetBytes<uint32_t, 64, kM, &Config::max_header_line>, nullptr},
    {"max_header_section", "BYTES", "request line and headers together (431 past it)", false, 1, 1,
     SetBytes<uint32_t, 256, 16 * kM, &Config::max_header_section>, nullptr},
    {"max_headers", "N", "header lines per request (431 past it)", false, 1, 1,
     SetCount<uint32_t, 1, 10000, &Config::max_headers>, nullptr},
    {"head_timeout", "SECONDS", "from a request's first byte to the end of its head", false, 1, 1,
     SetSeconds<kMillisecond, kHour, &Config::head_timeout>, nullptr},
    {"body_timeout", "SECONDS", "from the end of the head to the end of the body", false, 1, 1,
     SetSeconds<kMillisecond, kHour, &Config::body_timeout>, nullptr},
    {"idle_timeout", "SECONDS", "keep-alive: an idle connection closes after this", false, 1, 1,
     SetSeconds<kMillisecond, kDay, &Config::idle_timeout>, nullptr},
    {"write_timeout", "SECONDS", "a response write making no progress for this long closes", false,
     1, 1, SetSeconds<kMillisecond, kHour, &Config::write_timeout>, nullptr},
    {"max_requests_per_connection", "N", "then the connection closes (0: no limit)", false, 1, 1,
     SetCount<uint32_t, 0, 2000000000, &Config::max_requests_per_connection>, nullptr},
    {"max_pipelined", "N", "pipelined requests queued per connection before reading pauses", false,
     1, 1, SetCount<uint32_t, 1, 100000, &Config::max_pipelined>, nullptr},
    {"max_write_queue", "BYTES", "unsent response bytes per connection before it closes", false, 1,
     1, SetBytes<uint64_t, 4096, kG, &Config::max_write_queue>, nullptr},
    {"max_connections", "N", "client connections open at once", false, 1, 1,
     SetCount<uint32_t, 1, 10000000, &Config::max_connections>, nullptr},
    {"log_level", "LEVEL", "debug, info, notice, warn or error", false, 1, 1, SetLogLevel, nullptr},
    {"error_log", "FILE", "error log file (- is standard error)", false, 1, 1,
     SetPath<&Config::error_log>, nullptr},
    {"access_log", "FILE|off", "access log file (- is standard error)", false, 1, 1, SetAccessLog,
     nullptr},
    {"drain_timeout", "SECONDS", "on SIGTERM/SIGINT, how long in-flight requests may finish", false,
     1, 1, SetSeconds<0, kHour, &Config::drain_timeout>, nullptr},
};

const Directive* FindDirective(std::string_view name) {
  for (const Directive& d : kDirectives) {
    if (name == d.name) return &d;
  }
  return nullptr;
}

// Splits one line into words. Returns an error text, or "" (words may then be
// empty for a blank or comment line).
std::string SplitLine(std::string_view line, Words* words) {
  words->clear();
  size_t i = 0;
  while (i < line.size()) {
    char c = line[i];
    if (c == ' ' || c == '\t') {
      ++i;
      continue;
    }
    if (c == '#') break;
    std::string word;
    if (c == '"') {
      ++i;
      bool closed = false;
      while (i < line.size()) {
        char q = line[i++];
        if (q == '"') {
          closed = true;
          break;
        }
        if (q == '\\' && i < line.size() && (line[i] == '"' || line[i] == '\\')) q = line[i++];
        word.push_back(q);
      }
      if (!closed) return "unterminated quoted word";
      if (i < line.size() && line[i] != ' ' && line[i] != '\t')
        return "a quoted word must end at a space";
    } else {
      while (i < line.size() && line[i] != ' ' && line[i] != '\t') {
        if (line[i] == '"') return "a quote inside a word";
        word.push_back(line[i++]);
      }
    }
    words->push_back(std::move(word));
  }
  for (const std::string& w : *words) {
    for (unsigned char ch : w) {
      if (ch < 0x20 || ch == 0x7f) return "control character in the line";
    }
  }
  return {};
}

// Applies one directive. `place` prefixes errors ("file:12" or "command line").
// `seen` tracks directives already given in this source (duplicates, and the
// first occurrence of a repeatable directive replacing the earlier list).
Status ApplyDirective(const std::string& place, const std::string& name, const Words& values,
                      std::set<std::string>* seen, std::map<std::string, std::string>* where,
                      Config* config) {
  const Directive* d = FindDirective(name);
  if (d == nullptr)
    return Status::Error(Code::kInvalidArgument, place + ": " + name + ": unknown directive");
  if (values.size() < d->min_values || values.size() > d->max_values) {
    std::string expected = std::to_string(d->min_values);
    if (d->max_values != d->min_values) expected += "-" + std::to_string(d->max_values);
    return Status::Error(Code::kInvalidArgument, place + ": " + name + ": expected " + expected +
                                                     " value" + (d->max_values == 1 ? "" : "s") +
                                                     " (" + name + " " + d->usage + "), got " +
                                                     std::to_string(values.size()));
  }
  bool first = seen->insert(name).second;
  if (!first && !d->repeatable) {
    return Status::Error(Code::kInvalidArgument,
                         place + ": " + name + ": given twice (first at " + (*where)[name] + ")");
  }
  if (first && d->repeatable) d->clear(config);
  (*where)[name] = place;
  ValueError e = d->apply(values, config);
  if (!e.empty()) return Status::Error(Code::kInvalidArgument, place + ": " + name + ": " + e);
  return Status::Ok();
}

}  // namespace

std::string OriginOf(const ListenAddress& a) {
  std::string host = a.address;
  if (host == "0.0.0.0")
    host = "127.0.0.1";
  else if (host == "::")
    host = "[::1]";
  else if (host.find(':') != std::string::npos)
    host = "[" + host + "]";
  bool default_port = (a.tls && a.port == 443) || (!a.tls && a.port == 80);
  return std::string(a.tls ? "https://" : "http://") + host +
         (default_port ? "" : ":" + std::to_string(a.port));
}

std::string Config::PlaceOf(std::string_view directive) const {
  auto it = places.find(std::string(directive));
  if (it == places.end()) return std::string(directive) + ": ";
  return it->second + ": " + std::string(directive) + ": ";
}

namespace {

// Cross-field checks, naming where the offending directive was given.
Status CheckConfig(const Config& c, std::map<std::string, std::string>& where,
                   const std::string& fallback) {
  auto at = [&](const char* name) {
    auto it = where.find(name);
    return (it == where.end() ? fallback : it->second) + ": " + name + ": ";
  };
  if (c.listen.empty())
    return Status::Error(Code::kInvalidArgument, at("listen") + "at least one is needed");
  if (c.certificate.empty() != c.certificate_key.empty()) {
    const char* given = c.certificate.empty() ? "certificate_key" : "certificate";
    const char* missing = c.certificate.empty() ? "certificate" : "certificate_key";
    return Status::Error(Code::kInvalidArgument, at(given) + "needs " + missing + " too");
  }
  if (c.session_lifetime < c.session_idle) {
    return Status::Error(Code::kInvalidArgument,
                         at("session_lifetime") + "must not be shorter than session_idle");
  }
  if (c.max_request_line > c.max_header_section || c.max_header_line > c.max_header_section) {
    return Status::Error(
        Code::kInvalidArgument,
        at("max_header_section") + "must be at least max_request_line and max_header_line");
  }
  if (c.admin_enabled && c.admin_listen.port != 0) {
    for (const ListenAddress& a : c.listen) {
      if (a.address == c.admin_listen.address && a.port == c.admin_listen.port) {
        return Status::Error(Code::kInvalidArgument,
                             at("admin_listen") + "is also a listen address");
      }
    }
  }
  return Status::Ok();
}

}  // namespace

std::string ListenAddress::HostPort() const {
  if (address.find(':') != std::string::npos) return "[" + address + "]:" + std::to_string(port);
  return address + ":" + std::to_string(port);
}

bool Config::Validate() const {
  if (listen.empty()) return false;
  if (certificate.empty() != certificate_key.empty()) return false;
  if (session_lifetime < session_idle) return false;
  if (alias_ttl < kSecond || alias_ttl > 600 * kSecond) return false;
  if (max_request_line > max_header_section || max_header_line > max_header_section) return false;
  if (public_origin.empty()) return false;
  return max_sessions > 0 && max_aliases > 0 && max_pending_aliases > 0 && max_connections > 0 &&
         max_handshakes > 0 && max_pipelined > 0;
}

namespace {

Status ParseText(std::string_view text, std::string_view origin, Config* config,
                 std::map<std::string, std::string>* where) {
  std::set<std::string> seen;
  Words words;
  size_t line_no = 0;
  while (!text.empty()) {
    size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    std::string place = std::string(origin) + ":" + std::to_string(line_no);
    std::string e = SplitLine(line, &words);
    if (!e.empty()) return Status::Error(Code::kInvalidArgument, place + ": " + e);
    if (words.empty()) continue;
    std::string name = words.front();
    words.erase(words.begin());
    Status s = ApplyDirective(place, name, words, &seen, where, config);
    if (!s.ok()) return s;
  }
  return Status::Ok();
}

Status ApplyOverridesAt(const std::vector<ConfigOverride>& overrides, Config* config,
                        std::map<std::string, std::string>* where) {
  std::set<std::string> seen;
  for (const ConfigOverride& o : overrides) {
    Status s = ApplyDirective("command line", o.directive, o.values, &seen, where, config);
    if (!s.ok()) return s;
  }
  return Status::Ok();
}

}  // namespace

Status ParseConfigText(std::string_view text, std::string_view origin, Config* config) {
  std::map<std::string, std::string> where;
  return ParseText(text, origin, config, &where);
}

Status ApplyOverrides(const std::vector<ConfigOverride>& overrides, Config* config) {
  std::map<std::string, std::string> where;
  return ApplyOverridesAt(overrides, config, &where);
}

Status LoadConfig(const std::string& path, const std::vector<ConfigOverride>& overrides,
                  Config* config) {
  Config c;
  std::map<std::string, std::string> where;
  if (!path.empty()) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return Status::Error(Code::kIoError, path + ": " + strerror(errno));
    std::ostringstream text;
    text << in.rdbuf();
    if (in.bad()) return Status::Error(Code::kIoError, path + ": read error");
    Status s = ParseText(text.str(), path, &c, &where);
    if (!s.ok()) return s;
    c.source_file = path;
  }
  Status s = ApplyOverridesAt(overrides, &c, &where);
  if (!s.ok()) return s;
  s = CheckConfig(c, where, path.empty() ? "defaults" : path);
  if (!s.ok()) return s;
  if (c.public_origin.empty()) {
    c.public_origin = OriginOf(c.listen.front());
    c.public_origin_derived = true;
  }
  c.places = std::move(where);
  *config = std::move(c);
  return Status::Ok();
}

Status ParseOverrides(const std::vector<std::string>& args,
                      std::vector<ConfigOverride>* overrides) {
  overrides->clear();
  for (const std::string& word : args) {
    if (word.starts_with("--")) {
      std::string name = word.substr(2);
      if (name.empty())
        return Status::Error(Code::kInvalidArgument, "command line: '--' without a directive");
      overrides->push_back({name, {}});
      continue;
    }
    if (overrides->empty()) {
      return Status::Error(Code::kInvalidArgument,
                           "command line: '" + word + "': expected --DIRECTIVE");
    }
    overrides->back().values.push_back(word);
  }
  for (const ConfigOverride& o : *overrides) {
    if (FindDirective(o.directive) == nullptr) {
      return Status::Error(Code::kInvalidArgument,
                           "command line: --" + o.directive + ": unknown directive");
    }
  }
  return Status::Ok();
}

std::string DirectiveHelp() {
  std::string out;
  for (const Directive& d : kDirectives) {
    std::string head = std::string("  ") + d.name + " " + d.usage;
    if (head.size() < 40)
      head.resize(40, ' ');
    else
      head += "\n" + std::string(40, ' ');
    out += head + d.help + (d.repeatable ? " (repeatable)" : "") + "\n";
  }
  return out;
}

}  // namespace amfgate
