#include "store/user_table.h"

namespace amfgate {

uint32_t UserTable::Intern(std::string_view name) {
  if (name.empty() || name.size() > kMaxNameLength) return kNoUser;
  auto it = ids_.find(name);
  if (it != ids_.end()) return it->second;
  const uint32_t id = static_cast<uint32_t>(names_.size());
  names_.push_back(std::make_unique<const std::string>(name));
  ids_.emplace(std::string_view(*names_.back()), id);
  return id;
}

uint32_t UserTable::Find(std::string_view name) const {
  auto it = ids_.find(name);
  return it == ids_.end() ? kNoUser : it->second;
}

bool UserTable::Validate() const {
  if (ids_.size() != names_.size()) return false;
  for (uint32_t id = 0; id < names_.size(); ++id) {
    auto it = ids_.find(std::string_view(*names_[id]));
    if (it == ids_.end() || it->second != id || it->first.data() != names_[id]->data())
      return false;
  }
  return true;
}

}  // namespace amfgate
