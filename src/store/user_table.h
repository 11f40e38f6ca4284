// UserTable: interns user names so that a session holds a 4-byte UserId
// instead of a string.
//
// Names come from the users file (a page session is only created after a
// password check), so the table is as small as that file; names are never
// removed, which keeps every UserId and every returned string_view valid for
// the table's life, across configuration reloads. Intern costs one hash of
// the name and allocates only the first time a name is seen; Name is an
// array index.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace amfgate {

class UserTable {
 public:
  static constexpr size_t kMaxNameLength = 256;
  static constexpr uint32_t kNoUser = 0xFFFFFFFF;

  // kNoUser for an empty or over-long name.
  uint32_t Intern(std::string_view name);
  // The id of a name already interned, or kNoUser.
  uint32_t Find(std::string_view name) const;
  // Empty for an unknown id. Inline: every session lookup's view calls it.
  std::string_view Name(uint32_t id) const {
    return id < names_.size() ? std::string_view(*names_[id]) : std::string_view();
  }
  uint32_t size() const { return static_cast<uint32_t>(names_.size()); }

  bool Validate() const;

 private:
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
  };
  // Each name is held once, by a unique_ptr whose string never moves, so the
  // map's keys can be views of it.
  std::vector<std::unique_ptr<const std::string>> names_;
  std::unordered_map<std::string_view, uint32_t, Hash, std::equal_to<>> ids_;
};

}  // namespace amfgate
