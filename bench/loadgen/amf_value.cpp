#include "amf_value.h"

#include <cmath>
#include <cstdio>
#include <cstring>

namespace amfgate::bench {
namespace {

constexpr int kMaxCompareDepth = 64;

bool SameNumber(double a, double b) {
  if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b);
  return std::memcmp(&a, &b, sizeof a) == 0 || a == b;
}

bool EqualAt(const Value& a, const Value& b, int depth);

bool SameMembers(const Value& a, const Value& b, int depth) {
  if (a.members.size() != b.members.size()) return false;
  for (const auto& [name, value] : a.members) {
    const Value* other = Member(b, name);
    if (other == nullptr || !EqualAt(*value, *other, depth + 1)) return false;
  }
  return true;
}

bool EqualAt(const Value& a, const Value& b, int depth) {
  if (depth > kMaxCompareDepth) return false;
  if (&a == &b) return true;
  if (a.kind != b.kind) return false;
  switch (a.kind) {
    case Kind::kUndefined:
    case Kind::kNull:
      return true;
    case Kind::kBool:
      return a.boolean == b.boolean;
    case Kind::kInt:
      return a.integer == b.integer;
    case Kind::kDouble:
    case Kind::kDate:
      return SameNumber(a.number, b.number);
    case Kind::kString:
    case Kind::kXml:
    case Kind::kByteArray:
      return a.text == b.text;
    case Kind::kArray:
      if (a.items.size() != b.items.size()) return false;
      for (size_t i = 0; i < a.items.size(); ++i) {
        if (!EqualAt(*a.items[i], *b.items[i], depth + 1)) return false;
      }
      return SameMembers(a, b, depth);
    case Kind::kObject:
      return a.class_name == b.class_name && SameMembers(a, b, depth);
  }
  return false;
}

void DescribeInto(const Value& v, std::string* out, size_t limit, int depth) {
  if (out->size() > limit) return;
  if (depth > 8) {
    *out += "...";
    return;
  }
  char buf[64];
  switch (v.kind) {
    case Kind::kUndefined:
      *out += "undefined";
      return;
    case Kind::kNull:
      *out += "null";
      return;
    case Kind::kBool:
      *out += v.boolean ? "true" : "false";
      return;
    case Kind::kInt:
      std::snprintf(buf, sizeof buf, "%d", v.integer);
      *out += buf;
      return;
    case Kind::kDouble:
      std::snprintf(buf, sizeof buf, "%.17g", v.number);
      *out += buf;
      return;
    case Kind::kDate:
      std::snprintf(buf, sizeof buf, "date(%.17g)", v.number);
      *out += buf;
      return;
    case Kind::kString:
    case Kind::kXml:
      *out += '"';
      *out += v.text.substr(0, limit);
      *out += '"';
      return;
    case Kind::kByteArray:
      std::snprintf(buf, sizeof buf, "bytes(%zu)", v.text.size());
      *out += buf;
      return;
    case Kind::kArray:
    case Kind::kObject:
      if (!v.class_name.empty()) *out += v.class_name;
      *out += v.kind == Kind::kArray ? "[" : "{";
      for (size_t i = 0; i < v.items.size(); ++i) {
        if (i) *out += ", ";
        DescribeInto(*v.items[i], out, limit, depth + 1);
        if (out->size() > limit) break;
      }
      for (size_t i = 0; i < v.members.size(); ++i) {
        if (i || !v.items.empty()) *out += ", ";
        *out += v.members[i].first;
        *out += ": ";
        DescribeInto(*v.members[i].second, out, limit, depth + 1);
        if (out->size() > limit) break;
      }
      *out += v.kind == Kind::kArray ? "]" : "}";
      return;
  }
}

}  // namespace

Value* ValueArena::New(Kind kind) {
  Value& v = nodes_.emplace_back();
  v.kind = kind;
  return &v;
}

Value* ValueArena::String(std::string_view s) {
  Value* v = New(Kind::kString);
  v->text.assign(s);
  return v;
}

Value* ValueArena::Int(int32_t i) {
  Value* v = New(Kind::kInt);
  v->integer = i;
  return v;
}

Value* ValueArena::Double(double d) {
  Value* v = New(Kind::kDouble);
  v->number = d;
  return v;
}

Value* ValueArena::Bool(bool b) {
  Value* v = New(Kind::kBool);
  v->boolean = b;
  return v;
}

const Value* Member(const Value& v, std::string_view name) {
  for (const auto& [n, value] : v.members) {
    if (n == name) return value;
  }
  return nullptr;
}

bool Equal(const Value& a, const Value& b) { return EqualAt(a, b, 0); }

std::string Describe(const Value& v, size_t limit) {
  std::string out;
  DescribeInto(v, &out, limit, 0);
  if (out.size() > limit) {
    out.resize(limit);
    out += "...";
  }
  return out;
}

}  // namespace amfgate::bench
