#include "core/log.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>

namespace amfgate {

namespace {

constexpr size_t kMaxMessage = 4096;
constexpr char kHex[] = "0123456789abcdef";

// Writes all of `data`, retrying on EINTR and short writes. A log that cannot
// be written is dropped: logging must never stop the server.
void WriteAll(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return;
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
}

Status OpenForAppend(const std::string& path, int* fd) {
  int f = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
  if (f < 0) return Status::Error(Code::kIoError, path + ": " + strerror(errno));
  *fd = f;
  return Status::Ok();
}

void CloseIfFile(int fd) {
  if (fd > 2) ::close(fd);
}

}  // namespace

const char* LogLevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug:
      return "debug";
    case LogLevel::kInfo:
      return "info";
    case LogLevel::kNotice:
      return "notice";
    case LogLevel::kWarn:
      return "warn";
    case LogLevel::kError:
      return "error";
  }
  return "?";
}

bool ParseLogLevel(std::string_view text, LogLevel* level) {
  if (text == "debug")
    *level = LogLevel::kDebug;
  else if (text == "info")
    *level = LogLevel::kInfo;
  else if (text == "notice")
    *level = LogLevel::kNotice;
  else if (text == "warn" || text == "warning")
    *level = LogLevel::kWarn;
  else if (text == "error")
    *level = LogLevel::kError;
  else
    return false;
  return true;
}

void AppendEscaped(std::string* out, std::string_view text, EscapeQuotes quotes) {
  for (unsigned char c : text) {
    if (c == '\\') {
      out->append("\\\\");
    } else if (c < 0x20 || c >= 0x7f || (c == '"' && quotes == EscapeQuotes::kYes)) {
      const char esc[4] = {'\\', 'x', kHex[c >> 4], kHex[c & 15]};
      out->append(esc, 4);
    } else {
      out->push_back(static_cast<char>(c));
    }
  }
}

std::string EscapeForLog(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  AppendEscaped(&out, text);
  return out;
}

std::string EscapeForTerminal(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  AppendEscaped(&out, text, EscapeQuotes::kNo);
  return out;
}

Logger::Logger() = default;

Logger::~Logger() {
  FlushAccess();
  CloseIfFile(error_fd_);
  CloseIfFile(access_fd_);
}

Status Logger::OpenErrorLog(const std::string& path) {
  int fd = 2;
  if (!path.empty() && path != "-") {
    Status s = OpenForAppend(path, &fd);
    if (!s.ok()) return s;
  }
  CloseIfFile(error_fd_);
  error_fd_ = fd;
  error_path_ = path == "-" ? std::string() : path;
  return Status::Ok();
}

Status Logger::OpenAccessLog(const std::string& path) {
  FlushAccess();
  int fd = -1;
  if (path == "-") {
    fd = 2;
  } else if (!path.empty() && path != "off") {
    Status s = OpenForAppend(path, &fd);
    if (!s.ok()) return s;
  }
  CloseIfFile(access_fd_);
  access_fd_ = fd;
  access_path_ = (path == "off") ? std::string() : path;
  return Status::Ok();
}

Status Logger::Reopen() {
  Status first;
  if (!error_path_.empty()) {
    Status s = OpenErrorLog(error_path_);
    if (!s.ok()) first = s;
  }
  if (!access_path_.empty() && access_path_ != "-") {
    Status s = OpenAccessLog(access_path_);
    if (!s.ok() && first.ok()) first = s;
  }
  return first;
}

void Logger::AppendTimestamp(std::string* out) {
  timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  // Formatting the date costs more than the rest of an access line; it
  // changes once a second, so the formatted second is kept.
  if (ts.tv_sec != stamp_second_) {
    tm parts;
    gmtime_r(&ts.tv_sec, &parts);
    char buf[32];
    size_t n = strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &parts);
    stamp_text_.assign(buf, n);
    stamp_second_ = ts.tv_sec;
  }
  out->append(stamp_text_);
  char millis[24];
  snprintf(millis, sizeof millis, ".%03ldZ", ts.tv_nsec / 1000000);
  out->append(millis);
}

void Logger::Emit(char kind, std::string_view line) {
  if (capture_) {
    capture_(kind, line);
    return;
  }
  // The line arrives without its newline so that captures see clean lines.
  if (kind == 'A') {
    if (access_fd_ < 0) return;
    access_buffer_.append(line);
    access_buffer_.push_back('\n');
    if (access_buffer_.size() >= kAccessFlushBytes) FlushAccess();
    return;
  }
  std::string with_newline;
  with_newline.reserve(line.size() + 1);
  with_newline.append(line);
  with_newline.push_back('\n');
  WriteAll(error_fd_, with_newline);
}

void Logger::FlushAccess() {
  if (access_buffer_.empty()) return;
  if (access_fd_ >= 0) WriteAll(access_fd_, access_buffer_);
  access_buffer_.clear();
}

void Logger::WriteV(LogLevel level, const char* format, va_list args) {
  if (!Enabled(level)) return;
  char message[kMaxMessage];
  int n = vsnprintf(message, sizeof message, format, args);
  if (n < 0) return;
  size_t length =
      static_cast<size_t>(n) < sizeof message ? static_cast<size_t>(n) : sizeof message - 1;
  std::string line;
  line.reserve(length + 48);
  AppendTimestamp(&line);
  line.append(" [");
  line.append(LogLevelName(level));
  line.append("] ");
  AppendEscaped(&line, std::string_view(message, length));
  if (length < static_cast<size_t>(n)) line.append(" (truncated)");
  Emit('E', line);
}

void Logger::Write(LogLevel level, const char* format, ...) {
  va_list args;
  va_start(args, format);
  WriteV(level, format, args);
  va_end(args);
}

void Logger::SecurityV(const char* event, const char* format, va_list args) {
  if (!Enabled(LogLevel::kWarn)) return;
  char detail[kMaxMessage];
  int n = vsnprintf(detail, sizeof detail, format, args);
  if (n < 0) return;
  Write(LogLevel::kWarn, "security event=%s %s", event, detail);
}

void Logger::Security(const char* event, const char* format, ...) {
  va_list args;
  va_start(args, format);
  SecurityV(event, format, args);
  va_end(args);
}

void Logger::Access(const AccessEntry& entry) {
  if (!access_enabled()) return;
  std::string_view target = entry.target;
  size_t query = target.find('?');
  if (query != std::string_view::npos) target = target.substr(0, query);

  std::string& line = access_line_;  // reused: no allocation per request once warm
  line.clear();
  AppendTimestamp(&line);
  line.push_back(' ');
  AppendEscaped(&line, entry.peer);
  line.append(entry.tls ? " https \"" : " http \"");
  AppendEscaped(&line, entry.method);
  line.push_back(' ');
  AppendEscaped(&line, target);
  line.push_back(' ');
  AppendEscaped(&line, entry.version);
  char tail[96];
  long long micros = entry.duration / kMicrosecond;
  snprintf(tail, sizeof tail, "\" %d %llu %lld.%06lld", entry.status,
           static_cast<unsigned long long>(entry.bytes_sent), micros / 1000000, micros % 1000000);
  line.append(tail);
  Emit('A', line);
}

Logger& DefaultLogger() {
  static Logger logger;
  return logger;
}

#define AMFGATE_LOG_AT(level)                  \
  va_list args;                                \
  va_start(args, format);                      \
  DefaultLogger().WriteV(level, format, args); \
  va_end(args)

void LogDebug(const char* format, ...) { AMFGATE_LOG_AT(LogLevel::kDebug); }
void LogInfo(const char* format, ...) { AMFGATE_LOG_AT(LogLevel::kInfo); }
void LogNotice(const char* format, ...) { AMFGATE_LOG_AT(LogLevel::kNotice); }
void LogWarn(const char* format, ...) { AMFGATE_LOG_AT(LogLevel::kWarn); }
void LogError(const char* format, ...) { AMFGATE_LOG_AT(LogLevel::kError); }

#undef AMFGATE_LOG_AT

void LogSecurity(const char* event, const char* format, ...) {
  va_list args;
  va_start(args, format);
  DefaultLogger().SecurityV(event, format, args);
  va_end(args);
}

}  // namespace amfgate
