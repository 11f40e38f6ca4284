#include "gateway/service.h"

#include <cstring>

#include "amf/same_bytes.h"
#include "gateway/gateway.h"

namespace amfgate {

amf::Value CallContext::String(std::string_view s) const {
  return amf::Value::String(arena_.CopyString(s), format_);
}

std::string_view CallContext::user() const {
  return exchange_ != nullptr ? exchange_->user() : std::string_view();
}

bool IsValidServiceName(std::string_view name) {
  if (name.empty() || name.size() > 256) return false;
  bool part_empty = true;
  bool has_dot = false;
  for (char c : name) {
    if (c == '.') {
      if (part_empty) return false;
      part_empty = true;
      has_dot = true;
      continue;
    }
    bool ok =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    if (!ok) return false;
    part_empty = false;
  }
  return has_dot && !part_empty;
}

Status ServiceRegistry::Register(std::string name, ServiceHandler handler, Access access) {
  if (!IsValidServiceName(name)) {
    return Status::Error(Code::kInvalidArgument,
                         "service name '" + name + "' is not service.method");
  }
  if (!handler) return Status::Error(Code::kInvalidArgument, "service " + name + " has no handler");
  if (Find(name) != nullptr) {
    return Status::Error(Code::kInvalidArgument, "service " + name + " is registered twice");
  }
  names_.push_back(std::move(name));
  entries_.push_back(Entry{std::move(handler), access});
  Reindex();
  return Status::Ok();
}

// Names are at most 256 bytes of [A-Za-z0-9_.]: the length and the bytes at
// both ends tell the registered names apart well enough for a table this
// small, at a fixed cost whatever the client sends.
uint64_t ServiceRegistry::Hash(std::string_view name) {
  uint64_t a = 0;
  uint64_t b = 0;
  size_t n = name.size();
  if (n >= 8) {
    std::memcpy(&a, name.data(), 8);
    std::memcpy(&b, name.data() + n - 8, 8);
  } else if (n >= 4) {
    uint32_t x;
    uint32_t y;
    std::memcpy(&x, name.data(), 4);
    std::memcpy(&y, name.data() + n - 4, 4);
    a = x;
    b = y;
  } else if (n > 0) {
    a = static_cast<unsigned char>(name[0]) | static_cast<unsigned char>(name[n / 2]) << 8 |
        static_cast<unsigned char>(name[n - 1]) << 16;
  }
  uint64_t h = (a ^ (b * 0x9E3779B97F4A7C15ull) ^ n) * 0xC2B2AE3D27D4EB4Full;
  return h ^ (h >> 29);
}

void ServiceRegistry::Reindex() {
  size_t capacity = 16;
  while (capacity < 2 * entries_.size()) capacity *= 2;
  index_.assign(capacity, kEmpty);
  for (uint32_t e = 0; e < entries_.size(); ++e) {
    size_t i = Hash(names_[e]) & (capacity - 1);
    while (index_[i] != kEmpty) i = (i + 1) & (capacity - 1);
    index_[i] = e;
  }
}

const ServiceRegistry::Entry* ServiceRegistry::Find(std::string_view name) const {
  if (index_.empty()) return nullptr;
  size_t mask = index_.size() - 1;
  for (size_t i = Hash(name) & mask;; i = (i + 1) & mask) {
    uint32_t e = index_[i];
    if (e == kEmpty) return nullptr;
    if (amf::SameBytes(names_[e], name)) return &entries_[e];
  }
}

bool ServiceRegistry::Validate() const {
  if (names_.size() != entries_.size() || 2 * entries_.size() > index_.size()) return false;
  for (size_t e = 0; e < entries_.size(); ++e) {
    if (!IsValidServiceName(names_[e]) || !entries_[e].handler || Find(names_[e]) != &entries_[e]) {
      return false;
    }
  }
  return true;
}

}  // namespace amfgate
