// Configuration: every directive of the configuration file, with its default.
//
// A Config is plain data, built once at start-up (and again on SIGHUP) by
// LoadConfig from an optional file and the command line's `--DIRECTIVE VALUE...`
// overrides, then read by every module. The defaults start a working server
// with no file at all: TLS on 127.0.0.1:8443 with a generated self-signed
// certificate, a demo user, the admin endpoints on 127.0.0.1:8444.
//
// File syntax: one directive a line, words separated by spaces or tabs, `#`
// starts a comment, a word may be double-quoted ("a b", with \" and \\ inside).
// Units are part of each directive: SECONDS accepts a decimal number with an
// optional suffix ms, s, m or h (`0.5`, `250ms`, `30s`, `2h`); BYTES an integer
// with an optional suffix k, m or g (powers of 1024). A directive marked
// repeatable may appear several times and builds a list; any other directive
// may appear once. Errors are Status values whose message names the place:
// `conf/x.conf:12: alias_ttl: must be between 1 and 600`, or
// `command line: --alias_ttl: ...` for an override.
//
// Durations are stored as Duration (nanoseconds, core/clock.h); sizes in
// bytes; counts as plain integers. A limit of 0 means "no limit" only where
// the field's comment says so.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/log.h"
#include "core/status.h"

namespace amfgate {

struct ListenAddress {
  std::string address;  // numeric IPv4 or IPv6 address, without brackets
  uint16_t port = 0;    // 0: an ephemeral port chosen by the kernel
  bool tls = true;
  // "127.0.0.1:8443" or "[::1]:8443".
  std::string HostPort() const;
};

enum class AliasDelivery : unsigned char { kCookie, kFlashvars };

// Token bucket: `rate` tokens per second refill, at most `burst` stored.
struct RateLimit {
  double rate = 0;
  uint32_t burst = 0;
};

struct Config {
  // --- listeners
  std::vector<ListenAddress> listen = {{"127.0.0.1", 8443, true}};  // listen ADDR:PORT tls|plain (repeatable)
  bool admin_enabled = true;                      // admin_listen ADDR:PORT | off
  ListenAddress admin_listen = {"127.0.0.1", 8444, false};
  // public_origin URL: scheme://host[:port] of the site as browsers see it.
  // Empty in the file means "derive from the first listener", which LoadConfig
  // fills in, so after loading it is never empty.
  std::string public_origin;
  bool public_origin_derived = false;  // true when LoadConfig derived it (the app fixes port 0 after binding)

  // --- TLS
  std::string certificate;      // PEM file; empty: generate a self-signed ECDSA P-256 certificate
  std::string certificate_key;  // PEM file; required when certificate is set
  Duration ticket_lifetime = 3600 * kSecond;  // ticket_lifetime SECONDS (60..86400); key rotation period too
  Duration handshake_timeout = 10 * kSecond;  // handshake_timeout SECONDS
  uint32_t max_handshakes = 256;               // max_handshakes N: TLS handshakes in progress at once

  // --- content
  std::string users_file;                          // users_file FILE; empty: a demo user
  std::string docroot = "conf/docroot";            // docroot DIR
  std::string template_dir = "conf/templates";     // template_dir DIR
  std::string gateway_path = "/gateway";           // gateway_path PATH

  // --- sessions and aliases (SPEC section 2)
  Duration alias_ttl = 30 * kSecond;               // alias_ttl SECONDS (1..600)
  AliasDelivery alias_delivery = AliasDelivery::kCookie;  // alias_delivery cookie|flashvars
  Duration session_idle = 1800 * kSecond;          // session_idle SECONDS
  Duration session_lifetime = 43200 * kSecond;     // session_lifetime SECONDS (>= session_idle)
  uint64_t max_sessions = 1000000;                 // max_sessions N
  uint64_t max_aliases = 1000000;                  // max_aliases N
  uint32_t max_pending_aliases = 8;                // max_pending_aliases N (per page session)
  bool gateway_password_login = false;             // gateway_password_login on|off
  std::vector<std::string> allow_origin;           // allow_origin URL (repeatable)

  // Rate limits: redeem_rate_per_address RATE BURST, redeem_rate_total RATE BURST,
  // login_rate_per_address RATE BURST, login_rate_total RATE BURST.
  RateLimit redeem_rate_per_address = {20, 40};
  RateLimit redeem_rate_total = {20000, 40000};
  RateLimit login_rate_per_address = {1, 10};
  RateLimit login_rate_total = {100, 200};

  // --- HTTP limits (SPEC section 4)
  uint64_t max_body = 1024 * 1024;          // max_body BYTES
  uint32_t max_request_line = 8192;         // max_request_line BYTES
  uint32_t max_header_line = 8192;          // max_header_line BYTES
  uint32_t max_header_section = 32768;      // max_header_section BYTES (request line and headers)
  uint32_t max_headers = 64;                // max_headers N
  Duration head_timeout = 10 * kSecond;     // head_timeout SECONDS: first byte to end of head
  Duration body_timeout = 30 * kSecond;     // body_timeout SECONDS: end of head to end of body
  Duration idle_timeout = 75 * kSecond;     // idle_timeout SECONDS: keep-alive between requests
  Duration write_timeout = 30 * kSecond;    // write_timeout SECONDS: a write making no progress
  uint32_t max_requests_per_connection = 10000;  // max_requests_per_connection N (0: no limit)
  uint32_t max_pipelined = 16;              // max_pipelined N: queued requests before reading pauses
  uint64_t max_write_queue = 1024 * 1024;   // max_write_queue BYTES: unsent bytes before the connection closes
  uint32_t max_connections = 10000;         // max_connections N

  // --- operations
  LogLevel log_level = LogLevel::kInfo;     // log_level debug|info|notice|warn|error
  std::string error_log = "-";              // error_log FILE ("-": stderr)
  std::string access_log = "off";           // access_log FILE|off ("-": stderr)
  Duration drain_timeout = 10 * kSecond;    // drain_timeout SECONDS: SIGTERM/SIGINT grace period

  // Where the configuration came from ("" when built-in defaults only); kept
  // so that SIGHUP reloads the same file with the same overrides.
  std::string source_file;
  // Where each directive was last given ("conf/x.conf:12" or "command line"),
  // so that later checks (certificate files, docroot) can name the line.
  std::map<std::string, std::string> places;
  // "conf/x.conf:12: certificate: " for `directive`, or "NAME: " when it was
  // never given (a default).
  std::string PlaceOf(std::string_view directive) const;

  // Cross-field invariants (certificate and key together, session_lifetime >=
  // session_idle, at least one listener, ...). LoadConfig checks the same and
  // says why; this is for tests and debug assertions.
  bool Validate() const;
};

// One `--DIRECTIVE VALUE...` from the command line, kept so that SIGHUP can
// apply the same overrides to the re-read file.
struct ConfigOverride {
  std::string directive;
  std::vector<std::string> values;
};

// Parses configuration text. `origin` names it in error messages (a file
// path). Starts from *config as it is (normally a default Config).
Status ParseConfigText(std::string_view text, std::string_view origin, Config* config);

// Applies command-line overrides on top of *config: each overrides the file's
// value; a repeatable directive given once or more replaces the file's list.
Status ApplyOverrides(const std::vector<ConfigOverride>& overrides, Config* config);

// The whole load: defaults, then the file (if `path` is not empty), then the
// overrides, then the derived fields (public_origin) and cross-field checks.
// On error *config is left unchanged.
Status LoadConfig(const std::string& path, const std::vector<ConfigOverride>& overrides, Config* config);

// Splits `--DIRECTIVE VALUE...` words (values are the words up to the next
// word starting with "--"). `args` excludes the program name and the options
// main handles itself (-c, -t).
Status ParseOverrides(const std::vector<std::string>& args, std::vector<ConfigOverride>* overrides);

// The origin a listener is reached at: "https://127.0.0.1:8443" (the default
// port of the scheme omitted, a wildcard address replaced by loopback).
std::string OriginOf(const ListenAddress& listen);

// The list of directives with a one-line description each, for --help.
std::string DirectiveHelp();

}  // namespace amfgate
