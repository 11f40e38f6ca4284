#include "amf/compare.h"

#include <cstring>
#include <functional>
#include <unordered_set>

namespace amfgate::amf {
namespace {

struct PairHash {
  size_t operator()(const std::pair<const void*, const void*>& p) const {
    return std::hash<const void*>()(p.first) * 31 + std::hash<const void*>()(p.second);
  }
};

class Comparer {
 public:
  // Returns "" when equal, else a description prefixed by the path.
  std::string Diff(const Value& a, const Value& b, const std::string& path) {
    if (a.type() != b.type()) return path + ": type " + TypeName(a.type()) + " vs " + TypeName(b.type());
    if (a.format() != b.format()) return path + ": format differs";
    switch (a.type()) {
      case Type::kUndefined:
      case Type::kNull:
      case Type::kUnsupported: return "";
      case Type::kBoolean: return a.AsBool() == b.AsBool() ? "" : path + ": boolean differs";
      case Type::kInteger:
        return a.AsInteger() == b.AsInteger()
                   ? ""
                   : path + ": integer " + std::to_string(a.AsInteger()) + " vs " +
                         std::to_string(b.AsInteger());
      case Type::kDouble:
        if (a.exact_double() != b.exact_double()) return path + ": exactness differs";
        return SameBits(a.AsDouble(), b.AsDouble()) ? "" : path + ": double differs";
      case Type::kString:
        if (a.long_string() != b.long_string()) return path + ": long-string flag differs";
        return a.AsString() == b.AsString()
                   ? ""
                   : path + ": string \"" + std::string(a.AsString()) + "\" vs \"" +
                         std::string(b.AsString()) + "\"";
      default: break;
    }
    // Nodes: a pair already under comparison is assumed equal.
    if (!seen_.insert({a.node(), b.node()}).second) return "";
    switch (a.type()) {
      case Type::kDate: {
        const Date& x = *a.AsDate();
        const Date& y = *b.AsDate();
        return SameBits(x.millis, y.millis) && x.timezone == y.timezone ? "" : path + ": date differs";
      }
      case Type::kXmlDocument:
      case Type::kXml:
      case Type::kByteArray:
        return a.AsBlob()->bytes == b.AsBlob()->bytes ? "" : path + ": bytes differ";
      case Type::kArray: return DiffArray(*a.AsArray(), *b.AsArray(), path);
      case Type::kObject: return DiffObject(*a.AsObject(), *b.AsObject(), path);
      case Type::kDictionary: {
        const Dictionary& x = *a.AsDictionary();
        const Dictionary& y = *b.AsDictionary();
        if (x.weak_keys != y.weak_keys || x.entries.size() != y.entries.size()) {
          return path + ": dictionary shape differs";
        }
        for (size_t i = 0; i < x.entries.size(); ++i) {
          std::string p = path + "{" + std::to_string(i) + "}";
          std::string d = Diff(x.entries[i].key, y.entries[i].key, p + ".key");
          if (d.empty()) d = Diff(x.entries[i].value, y.entries[i].value, p);
          if (!d.empty()) return d;
        }
        return "";
      }
      default: return DiffVector(*a.AsVector(), *b.AsVector(), path);
    }
  }

 private:
  static bool SameBits(double x, double y) { return std::memcmp(&x, &y, sizeof x) == 0; }

  std::string DiffMembers(std::span<const Member> x, std::span<const Member> y,
                          const std::string& path) {
    if (x.size() != y.size()) return path + ": member count differs";
    for (size_t i = 0; i < x.size(); ++i) {
      if (x[i].name != y[i].name) {
        return path + ": member name \"" + std::string(x[i].name) + "\" vs \"" +
               std::string(y[i].name) + "\"";
      }
      std::string d = Diff(x[i].value, y[i].value, path + "." + std::string(x[i].name));
      if (!d.empty()) return d;
    }
    return "";
  }

  std::string DiffValues(std::span<const Value> x, std::span<const Value> y,
                         const std::string& path) {
    if (x.size() != y.size()) return path + ": element count differs";
    for (size_t i = 0; i < x.size(); ++i) {
      std::string d = Diff(x[i], y[i], path + "[" + std::to_string(i) + "]");
      if (!d.empty()) return d;
    }
    return "";
  }

  std::string DiffArray(const Array& x, const Array& y, const std::string& path) {
    if (x.ecma != y.ecma || x.ecma_count != y.ecma_count) return path + ": array kind differs";
    std::string d = DiffMembers(x.assoc, y.assoc, path);
    return d.empty() ? DiffValues(x.dense, y.dense, path) : d;
  }

  std::string DiffObject(const Object& x, const Object& y, const std::string& path) {
    const Traits& s = *x.traits;
    const Traits& t = *y.traits;
    if (s.class_name != t.class_name || s.dynamic != t.dynamic ||
        s.externalizable != t.externalizable || s.sealed_names.size() != t.sealed_names.size()) {
      return path + ": traits differ";
    }
    for (size_t i = 0; i < s.sealed_names.size(); ++i) {
      if (s.sealed_names[i] != t.sealed_names[i]) return path + ": sealed names differ";
    }
    if ((x.external == nullptr) != (y.external == nullptr)) return path + ": external differs";
    if (x.external != nullptr) {
      const External& e = *x.external;
      const External& f = *y.external;
      if (e.cls != f.cls || e.level_count != f.level_count) return path + ": external differs";
      std::string d = Diff(e.value, f.value, path + "#");
      for (uint8_t l = 0; d.empty() && l < e.level_count; ++l) {
        if (!std::equal(e.levels[l].flags.begin(), e.levels[l].flags.end(),
                        f.levels[l].flags.begin(), f.levels[l].flags.end())) {
          return path + ": external flags differ";
        }
        d = DiffValues(e.levels[l].values, f.levels[l].values, path + "#" + std::to_string(l));
      }
      return d;
    }
    std::string d = DiffValues(x.sealed, y.sealed, path + "(sealed)");
    return d.empty() ? DiffMembers(x.dynamic, y.dynamic, path) : d;
  }

  std::string DiffVector(const Vector& x, const Vector& y, const std::string& path) {
    if (x.fixed != y.fixed || x.type_name != y.type_name) return path + ": vector flags differ";
    if (!std::equal(x.ints.begin(), x.ints.end(), y.ints.begin(), y.ints.end()) ||
        !std::equal(x.uints.begin(), x.uints.end(), y.uints.begin(), y.uints.end()) ||
        x.doubles.size() != y.doubles.size()) {
      return path + ": vector items differ";
    }
    for (size_t i = 0; i < x.doubles.size(); ++i) {
      if (!SameBits(x.doubles[i], y.doubles[i])) return path + ": vector items differ";
    }
    return DiffValues(x.objects, y.objects, path);
  }

  std::unordered_set<std::pair<const void*, const void*>, PairHash> seen_;
};

}  // namespace

bool StructurallyEqual(const Value& a, const Value& b) { return FirstDifference(a, b).empty(); }

std::string FirstDifference(const Value& a, const Value& b) {
  Comparer c;
  return c.Diff(a, b, "$");
}

}  // namespace amfgate::amf
