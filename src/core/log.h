// Error log and access log.
//
// A Logger owns two sinks: the error log (levelled lines, stderr or a file)
// and the access log (one line per request, a file or off). Every formatted
// line is escaped before it is written: bytes below 0x20, 0x7f and above, the
// backslash and the double quote become \xHH (backslash as \\), so a client
// cannot forge a log line or smuggle terminal escapes through a path, a header
// or a user name. Callers never pass tokens, cookies or bodies: the logger
// writes what it is given, it does not know what is secret. Name a token by
// the store's short keyed hash (TokenTag) instead.
//
// Error-log lines are written at once with one write(2) each (they are rare).
// Access-log lines are buffered and written when the buffer passes
// kAccessFlushBytes or when the owner calls FlushAccess() (the app does so
// once per loop iteration), so a busy server costs one write per wake-up, not
// per request. Reopen() re-opens both files by path (log rotation on SIGHUP);
// if a file cannot be opened the old descriptor is kept and a Status says why.
//
// Line formats (times are wall-clock UTC; deadlines never use wall time):
//   error:   2024-05-01T12:00:00.123Z [warn] message
//   access:  2024-05-01T12:00:00.123Z 127.0.0.1:50312 https "GET /app HTTP/1.1" 200 1534 0.000211
// The access log records the path without its query string (a query may carry
// a token) and the duration in seconds.
//
// Threading: one loop thread uses the logger; the process-wide default logger
// (DefaultLogger) exists so that deep code can log without plumbing, like
// nginx's cycle log. Tests build their own Logger or capture the default one.
#pragma once

#include <cstdarg>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/status.h"

namespace amfgate {

enum class LogLevel : unsigned char { kDebug = 0, kInfo, kNotice, kWarn, kError };

const char* LogLevelName(LogLevel level);
// Accepts debug, info, notice, warn (or warning), error.
bool ParseLogLevel(std::string_view text, LogLevel* level);

// Whether `"` is escaped too: log lines quote fields, so there it must be;
// a message for a person on a terminal keeps its quotes readable.
enum class EscapeQuotes : bool { kNo, kYes };

// Appends `text` to `out` with the escaping described above. The one escaping
// function of the program: the logs and every message written to a terminal
// (start-up errors, `-t`, the banner, the command-line tools) go through it,
// so no configuration value or argument reaches a terminal raw.
void AppendEscaped(std::string* out, std::string_view text,
                   EscapeQuotes quotes = EscapeQuotes::kYes);
std::string EscapeForLog(std::string_view text);
// The same escaping with the double quote kept, for messages on stdout/stderr.
std::string EscapeForTerminal(std::string_view text);

// What the network layer knows about one finished request.
struct AccessEntry {
  std::string_view peer;  // "127.0.0.1:50312" or "[::1]:50312"
  bool tls = false;
  std::string_view method;
  std::string_view target;   // the request target; the query string is cut off
  std::string_view version;  // "HTTP/1.1"
  int status = 0;
  uint64_t bytes_sent = 0;  // response bytes, head and body
  Duration duration = 0;    // from the first byte of the request to the last of the response
};

class Logger {
 public:
  static constexpr size_t kAccessFlushBytes = 32 * 1024;

  Logger();  // error log to stderr at level info, access log off
  ~Logger();
  Logger(const Logger&) = delete;
  Logger& operator=(const Logger&) = delete;

  // "-" or "" is stderr. On failure the current sink stays.
  Status OpenErrorLog(const std::string& path);
  // "off" or "" switches the access log off; "-" is stderr.
  Status OpenAccessLog(const std::string& path);
  // Re-opens both files by their paths (after rotation). Keeps a sink whose
  // file cannot be opened and reports it.
  Status Reopen();

  void set_level(LogLevel level) { level_ = level; }
  LogLevel level() const { return level_; }
  bool Enabled(LogLevel level) const { return level >= level_; }
  bool access_enabled() const { return access_fd_ >= 0 || capture_; }

  // printf-style; the whole formatted line is escaped, so every value that
  // went into it is. A message longer than 4 KiB is cut (and says so).
  void Write(LogLevel level, const char* format, ...) __attribute__((format(printf, 3, 4)));
  void WriteV(LogLevel level, const char* format, va_list args);

  // A security event at level warn: "security event=NAME detail...". For
  // alarms such as the replay of a redeemed alias or a rate-limit storm.
  void Security(const char* event, const char* format, ...) __attribute__((format(printf, 3, 4)));
  void SecurityV(const char* event, const char* format, va_list args);

  void Access(const AccessEntry& entry);
  void FlushAccess();

  // Tests: every finished line (without its newline) goes to `capture`
  // instead of the sinks. kind is 'E' for the error log, 'A' for access.
  using Capture = std::function<void(char kind, std::string_view line)>;
  void SetCapture(Capture capture) { capture_ = std::move(capture); }

 private:
  void Emit(char kind, std::string_view line);
  // "2024-05-01T12:00:00.123Z": wall clock, UTC, millisecond precision.
  void AppendTimestamp(std::string* out);

  LogLevel level_ = LogLevel::kInfo;
  int error_fd_ = 2;
  std::string error_path_;  // empty: stderr
  int access_fd_ = -1;
  std::string access_path_;  // empty: off; "-": stderr
  std::string access_buffer_;
  std::string access_line_;
  int64_t stamp_second_ = -1;
  std::string stamp_text_;  // the formatted stamp_second_, without fraction
  Capture capture_;
};

// The process-wide logger used by the helpers below.
Logger& DefaultLogger();

void LogDebug(const char* format, ...) __attribute__((format(printf, 1, 2)));
void LogInfo(const char* format, ...) __attribute__((format(printf, 1, 2)));
void LogNotice(const char* format, ...) __attribute__((format(printf, 1, 2)));
void LogWarn(const char* format, ...) __attribute__((format(printf, 1, 2)));
void LogError(const char* format, ...) __attribute__((format(printf, 1, 2)));
void LogSecurity(const char* event, const char* format, ...) __attribute__((format(printf, 2, 3)));
inline void LogAccess(const AccessEntry& entry) { DefaultLogger().Access(entry); }
inline bool LogEnabled(LogLevel level) { return DefaultLogger().Enabled(level); }

}  // namespace amfgate
