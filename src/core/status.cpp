#include "core/status.h"

namespace amfgate {

const char* CodeName(Code code) {
  switch (code) {
    case Code::kOk:
      return "ok";
    case Code::kAgain:
      return "again";
    case Code::kMalformed:
      return "malformed";
    case Code::kTooLarge:
      return "too large";
    case Code::kClosed:
      return "closed";
    case Code::kNotFound:
      return "not found";
    case Code::kBusy:
      return "busy";
    case Code::kDenied:
      return "denied";
    case Code::kIoError:
      return "i/o error";
    case Code::kInvalidArgument:
      return "invalid argument";
    case Code::kInternal:
      return "internal error";
  }
  return "unknown";
}

std::string Status::ToString() const {
  if (ok()) return "ok";
  return message_.empty() ? CodeName(code_) : message_;
}

}  // namespace amfgate
