#include "amf/compare.h"

#include <algorithm>
#include <cstring>
#include <functional>
#include <unordered_set>
#include <vector>

namespace amfgate::amf {
namespace {

struct PairHash {
  size_t operator()(const std::pair<const void*, const void*>& p) const {
    return std::hash<const void*>()(p.first) * 31 + std::hash<const void*>()(p.second);
  }
};

// One step of the path from the root, kept as a stack while walking so that
// the path is formatted only when a difference is found.
struct Step {
  char kind;  // '[' element, '.' member, '{' dictionary entry, '#' external level, 's' sealed
  size_t index;
  std::string_view name;
};

class Comparer {
 public:
  // True when equal; otherwise what_ says what differs and path_ where.
  bool Same(const Value& a, const Value& b) {
    if (a.type() != b.type()) {
      return Differ(std::string("type ") + TypeName(a.type()) + " vs " + TypeName(b.type()));
    }
    if (a.format() != b.format()) return Differ("format");
    switch (a.type()) {
      case Type::kUndefined:
      case Type::kNull:
      case Type::kUnsupported:
        return true;
      case Type::kBoolean:
        return a.AsBool() == b.AsBool() || Differ("boolean");
      case Type::kInteger:
        return a.AsInteger() == b.AsInteger() || Differ("integer " + std::to_string(a.AsInteger()) +
                                                        " vs " + std::to_string(b.AsInteger()));
      case Type::kDouble:
        if (a.exact_double() != b.exact_double()) return Differ("double exactness");
        return SameBits(a.AsDouble(), b.AsDouble()) || Differ("double");
      case Type::kString:
        if (a.long_string() != b.long_string()) return Differ("long-string flag");
        return a.AsString() == b.AsString() ||
               Differ("string \"" + std::string(a.AsString()) + "\" vs \"" +
                      std::string(b.AsString()) + "\"");
      default:
        break;
    }
    // Nodes: a pair already under comparison is assumed equal.
    if (!seen_.insert({a.node(), b.node()}).second) return true;
    switch (a.type()) {
      case Type::kDate: {
        const Date& x = *a.AsDate();
        const Date& y = *b.AsDate();
        return (SameBits(x.millis, y.millis) && x.timezone == y.timezone) || Differ("date");
      }
      case Type::kXmlDocument:
      case Type::kXml:
      case Type::kByteArray:
        return a.AsBlob()->bytes == b.AsBlob()->bytes || Differ("bytes");
      case Type::kArray:
        return SameArray(*a.AsArray(), *b.AsArray());
      case Type::kObject:
        return SameObject(*a.AsObject(), *b.AsObject());
      case Type::kDictionary:
        return SameDictionary(*a.AsDictionary(), *b.AsDictionary());
      default:
        return SameVector(*a.AsVector(), *b.AsVector());
    }
  }

  std::string Report() const {
    std::string out = "$";
    for (const Step& s : path_) {
      switch (s.kind) {
        case '.':
          out += "." + std::string(s.name);
          break;
        case 's':
          out += ".(sealed " + std::to_string(s.index) + ")";
          break;
        case '#':
          out += ".(external " + std::to_string(s.index) + ")";
          break;
        case '{':
          out += "{" + std::to_string(s.index) + "}";
          break;
        default:
          out += "[" + std::to_string(s.index) + "]";
          break;
      }
    }
    return out + ": " + what_;
  }

 private:
  static bool SameBits(double x, double y) { return std::memcmp(&x, &y, sizeof x) == 0; }

  bool Differ(std::string what) {
    what_ = std::move(what);
    return false;
  }

  bool Child(Step step, const Value& a, const Value& b) {
    path_.push_back(step);
    if (!Same(a, b)) return false;  // keep the path for Report()
    path_.pop_back();
    return true;
  }

  bool SameMembers(std::span<const Member> x, std::span<const Member> y) {
    if (x.size() != y.size()) return Differ("member count");
    for (size_t i = 0; i < x.size(); ++i) {
      if (x[i].name != y[i].name) {
        return Differ("member name \"" + std::string(x[i].name) + "\" vs \"" +
                      std::string(y[i].name) + "\"");
      }
      if (!Child({'.', i, x[i].name}, x[i].value, y[i].value)) return false;
    }
    return true;
  }

  bool SameValues(char kind, std::span<const Value> x, std::span<const Value> y) {
    if (x.size() != y.size()) return Differ("element count");
    for (size_t i = 0; i < x.size(); ++i) {
      if (!Child({kind, i, {}}, x[i], y[i])) return false;
    }
    return true;
  }

  bool SameArray(const Array& x, const Array& y) {
    if (x.ecma != y.ecma || x.ecma_count != y.ecma_count) return Differ("array kind or count");
    return SameMembers(x.assoc, y.assoc) && SameValues('[', x.dense, y.dense);
  }

  bool SameObject(const Object& x, const Object& y) {
    const Traits& s = *x.traits;
    const Traits& t = *y.traits;
    if (s.class_name != t.class_name || s.dynamic != t.dynamic ||
        s.externalizable != t.externalizable ||
        !std::equal(s.sealed_names.begin(), s.sealed_names.end(), t.sealed_names.begin(),
                    t.sealed_names.end())) {
      return Differ("traits");
    }
    if ((x.external == nullptr) != (y.external == nullptr)) return Differ("external payload");
    if (x.external == nullptr) {
      return SameValues('s', x.sealed, y.sealed) && SameMembers(x.dynamic, y.dynamic);
    }
    const External& e = *x.external;
    const External& f = *y.external;
    if (e.cls != f.cls || e.level_count != f.level_count) return Differ("external class");
    if (!Child({'#', 0, {}}, e.value, f.value)) return false;
    for (uint8_t l = 0; l < e.level_count; ++l) {
      if (!std::equal(e.levels[l].flags.begin(), e.levels[l].flags.end(), f.levels[l].flags.begin(),
                      f.levels[l].flags.end())) {
        return Differ("external flags");
      }
      path_.push_back({'#', l, {}});
      if (!SameValues('[', e.levels[l].values, f.levels[l].values)) return false;
      path_.pop_back();
    }
    return true;
  }

  bool SameDictionary(const Dictionary& x, const Dictionary& y) {
    if (x.weak_keys != y.weak_keys || x.entries.size() != y.entries.size()) {
      return Differ("dictionary weak keys or size");
    }
    for (size_t i = 0; i < x.entries.size(); ++i) {
      if (!Child({'{', i, {}}, x.entries[i].key, y.entries[i].key) ||
          !Child({'{', i, {}}, x.entries[i].value, y.entries[i].value)) {
        return false;
      }
    }
    return true;
  }

  bool SameVector(const Vector& x, const Vector& y) {
    if (x.fixed != y.fixed || x.type_name != y.type_name)
      return Differ("vector fixed flag or type");
    bool items = std::equal(x.ints.begin(), x.ints.end(), y.ints.begin(), y.ints.end()) &&
                 std::equal(x.uints.begin(), x.uints.end(), y.uints.begin(), y.uints.end()) &&
                 std::equal(x.doubles.begin(), x.doubles.end(), y.doubles.begin(), y.doubles.end(),
                            [](double p, double q) { return SameBits(p, q); });
    return (items || Differ("vector items")) && SameValues('[', x.objects, y.objects);
  }

  std::unordered_set<std::pair<const void*, const void*>, PairHash> seen_;
  std::vector<Step> path_;
  std::string what_;
};

}  // namespace

bool StructurallyEqual(const Value& a, const Value& b) {
  Comparer c;
  return c.Same(a, b);
}

std::string FirstDifference(const Value& a, const Value& b) {
  Comparer c;
  return c.Same(a, b) ? std::string() : c.Report();
}

}  // namespace amfgate::amf
