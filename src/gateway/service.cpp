#include "gateway/service.h"

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
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    if (!ok) return false;
    part_empty = false;
  }
  return has_dot && !part_empty;
}

Status ServiceRegistry::Register(std::string name, ServiceHandler handler, Access access) {
  if (!IsValidServiceName(name)) {
    return Status::Error(Code::kInvalidArgument, "service name '" + name + "' is not service.method");
  }
  if (!handler) return Status::Error(Code::kInvalidArgument, "service " + name + " has no handler");
  if (entries_.count(name) != 0) {
    return Status::Error(Code::kInvalidArgument, "service " + name + " is registered twice");
  }
  entries_.emplace(std::move(name), Entry{std::move(handler), access});
  return Status::Ok();
}

const ServiceRegistry::Entry* ServiceRegistry::Find(std::string_view name) const {
  auto it = entries_.find(name);
  return it == entries_.end() ? nullptr : &it->second;
}

bool ServiceRegistry::Validate() const {
  for (const auto& [name, entry] : entries_) {
    if (!IsValidServiceName(name) || !entry.handler) return false;
  }
  return true;
}

}  // namespace amfgate
