// Internal to amf/json.cpp and amf/json_build*.cpp: the reference tables
// both directions replay, and small helpers they share. Not a public API.
//
// The tables mirror the encoders' (value.h): AMF0 objects and arrays by node
// identity; AMF3 strings by content (never the empty string), AMF3 objects by
// node identity, AMF3 traits by content. One MessageTables is one message: a
// header, a body, or a bare value.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "amf/json_text.h"
#include "amf/ref_table.h"
#include "amf/value.h"

namespace amfgate::amf::json_internal {

// Traits match by content, the same rule the encoders' tables use
// (ref_table.h); these adapt it to std::unordered_map.
struct TraitsHash {
  size_t operator()(const Traits* t) const { return TraitsKeyOps::Hash(t); }
};
struct TraitsEqual {
  bool operator()(const Traits* a, const Traits* b) const { return TraitsKeyOps::Equal(a, b); }
};

// One table: entries in wire order, found by key (content or identity).
template <typename K, typename Hash = std::hash<K>, typename Eq = std::equal_to<K>>
class RefTable {
 public:
  std::optional<uint32_t> Find(const K& key) const {
    auto it = index_.find(key);
    if (it == index_.end()) return std::nullopt;
    return it->second;
  }
  // Adds the key if it is new; returns whether it was.
  bool Add(const K& key) {
    if (index_.count(key)) return false;
    index_.emplace(key, static_cast<uint32_t>(entries_.size()));
    entries_.push_back(key);
    return true;
  }
  size_t size() const { return entries_.size(); }
  const K& at(size_t i) const { return entries_[i]; }
  void Clear() {
    index_.clear();
    entries_.clear();
  }

 private:
  std::unordered_map<K, uint32_t, Hash, Eq> index_;
  std::vector<K> entries_;
};

// AMF0 references are U16 indices: the encoder stops adding entries there
// (later nodes are written inline, never referenced).
constexpr size_t kAmf0TableEntries = 0x10000;

// The tables of one message: AMF0 objects, and the AMF3 tables shared by the
// values switched to AMF3 inside it.
struct MessageTables {
  RefTable<const void*> amf0_objects;
  RefTable<std::string_view> strings;
  RefTable<const void*> objects;
  RefTable<const Traits*, TraitsHash, TraitsEqual> traits;
  std::vector<Value> amf0_values;  // by index, for the parser's {"$ref": n}
  std::vector<Value> amf3_values;

  void Clear() { *this = MessageTables(); }
};

// Doubles that JSON cannot hold are strings.
inline json::Value DoubleToJson(double d) {
  if (std::isfinite(d)) return json::Value::Double(d);
  if (std::isinf(d)) return json::Value::String(d > 0 ? "Infinity" : "-Infinity");
  uint64_t bits;
  std::memcpy(&bits, &d, sizeof bits);
  if (bits == 0x7FF8000000000000ull) return json::Value::String("NaN");
  char buf[24];
  std::snprintf(buf, sizeof buf, "NaN:%016llx", static_cast<unsigned long long>(bits));
  return json::Value::String(buf);
}

inline std::string Hex(std::span<const uint8_t> bytes) {
  static const char kHex[] = "0123456789abcdef";
  std::string s;
  s.reserve(bytes.size() * 2);
  for (uint8_t b : bytes) {
    s.push_back(kHex[b >> 4]);
    s.push_back(kHex[b & 0xF]);
  }
  return s;
}

inline std::span<const uint8_t> AsBytes(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

}  // namespace amfgate::amf::json_internal
