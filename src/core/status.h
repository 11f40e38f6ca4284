// Errors as values.
//
// Cold paths (configuration, certificates, listening sockets) return a Status:
// a code plus a human message that names the place (file and line, offset).
// Hot paths return a bare Code, or Result<T> (a value or a Code with a short
// static reason), so that no string is built per request. Exceptions are used
// only at start-up, never past it.
#pragma once

#include <cstddef>
#include <string>
#include <utility>
#include <variant>

namespace amfgate {

enum class Code : unsigned char {
  kOk = 0,
  kAgain,      // need more bytes / would block (nginx's NGX_AGAIN)
  kMalformed,  // the input breaks the format
  kTooLarge,   // a configured limit was hit
  kClosed,     // the peer or the object is gone
  kNotFound,
  kBusy,    // a cap was reached; retry later
  kDenied,  // refused by policy (auth, rate limit, origin)
  kIoError,
  kInvalidArgument,
  kInternal,
};

const char* CodeName(Code code);

class [[nodiscard]] Status {
 public:
  Status() = default;
  static Status Ok() { return Status(); }
  static Status Error(Code code, std::string message) { return Status(code, std::move(message)); }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }
  std::string ToString() const;

 private:
  Status(Code code, std::string message) : code_(code), message_(std::move(message)) {}
  Code code_ = Code::kOk;
  std::string message_;
};

// Why a hot-path operation failed: a code, a static reason (never built per
// call) and, for decoders, the byte offset where it was noticed.
struct Failure {
  Code code = Code::kInternal;
  const char* reason = "";
  size_t offset = 0;
};

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Failure failure) : v_(failure) {}   // NOLINT: implicit by design

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const Failure& failure() const { return std::get<1>(v_); }
  Code code() const { return ok() ? Code::kOk : failure().code; }

 private:
  std::variant<T, Failure> v_;
};

}  // namespace amfgate
