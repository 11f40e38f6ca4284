// A seeded generator of AMF values in the form the decoders produce them, so
// that encode -> decode must give back a structurally equal value: doubles
// are exact doubles, AMF3 integers are in range, AMF0-only and AMF3-only
// types appear in their own format, names are non-empty UTF-8. Composite
// values are sometimes reused (shared nodes, written as references), and
// strings come from a small pool so that AMF3 string references occur.
#pragma once

#include <cstring>
#include <random>
#include <string_view>
#include <vector>

#include "amf/arena.h"
#include "amf/value.h"

namespace amfgate::amf::testing {

class RandomValues {
 public:
  RandomValues(uint64_t seed, Arena& arena) : rng_(seed), arena_(arena) {}

  // A fresh message's value: a top-level AMF0 or AMF3 value.
  Value Next(Format f) {
    pool0_.clear();
    pool3_.clear();
    return Gen(f, 0);
  }

 private:
  static constexpr uint32_t kMaxDepth = 5;

  uint32_t Pick(uint32_t n) { return static_cast<uint32_t>(rng_() % n); }
  bool Chance(uint32_t percent) { return Pick(100) < percent; }

  std::string_view Str(bool nonempty) {
    static constexpr std::string_view kPool[] = {"",
                                                 "a",
                                                 "b",
                                                 "name",
                                                 "value",
                                                 "h\xC3\xA9llo",
                                                 "\xE2\x82\xAC",
                                                 "\xF0\x9F\x98\x80",
                                                 "flex.messaging.messages.RemotingMessage",
                                                 "x y z",
                                                 "0",
                                                 "1",
                                                 "self",
                                                 "DSId"};
    for (;;) {
      if (Chance(10)) {
        // A fresh random ASCII string, so not every string is a reference.
        size_t n = 1 + Pick(12);
        char* p = arena_.AllocateArray<char>(n);
        for (size_t i = 0; i < n; ++i) p[i] = static_cast<char>('a' + Pick(26));
        return {p, n};
      }
      std::string_view s = kPool[Pick(std::size(kPool))];
      if (!nonempty || !s.empty()) return s;
    }
  }

  double Dbl() {
    switch (Pick(6)) {
      case 0:
        return 0.5 * static_cast<int>(Pick(2000)) - 500;
      case 1:
        return static_cast<double>(rng_()) / 3.0;
      case 2:
        return -0.0;
      case 3: {
        uint64_t bits = rng_();
        double d;
        std::memcpy(&d, &bits, sizeof d);
        return d;  // any bit pattern, NaNs included
      }
      case 4:
        return 1e300;
      default:
        return static_cast<double>(Pick(1000));
    }
  }

  template <typename T>
  std::span<T> Span(size_t n) {
    return {arena_.AllocateArray<T>(n), n};
  }

  std::span<Member> Members(Format f, uint32_t depth, bool amf0_names) {
    auto m = Span<Member>(Pick(4));
    for (Member& x : m) {
      x.name = Str(true);
      x.value = Gen(f, depth + 1);
    }
    (void)amf0_names;
    return m;
  }

  std::span<Value> Values(Format f, uint32_t depth, size_t n) {
    auto v = Span<Value>(n);
    for (Value& x : v) x = Gen(f, depth + 1);
    return v;
  }

  Value Remember(Value v) {
    (v.format() == Format::kAmf0 ? pool0_ : pool3_).push_back(v);
    return v;
  }

  Value Gen(Format f, uint32_t depth) {
    // Inside AMF0 a value may switch to AMF3.
    if (f == Format::kAmf0 && Chance(15)) return Gen(Format::kAmf3, depth);
    std::vector<Value>& pool = f == Format::kAmf0 ? pool0_ : pool3_;
    if (!pool.empty() && Chance(8)) return pool[Pick(pool.size())];
    bool leaf = depth >= kMaxDepth || Chance(55);
    return f == Format::kAmf0 ? Gen0(depth, leaf) : Gen3(depth, leaf);
  }

  Value Gen0(uint32_t depth, bool leaf) {
    constexpr Format f = Format::kAmf0;
    switch (Pick(leaf ? 8 : 12)) {
      case 0:
        return Value::Null(f);
      case 1:
        return Value::Undefined(f);
      case 2:
        return Value::Unsupported();
      case 3:
        return Value::Boolean(Chance(50), f);
      case 4:
        return Value::Double(Dbl(), f);
      case 5:
        return Chance(20) ? Value::LongString(Str(false)) : Value::String(Str(false), f);
      case 6:
        return MakeBlob(arena_, Type::kXmlDocument, "<a b=\"c\"/>", f);
      case 7: {
        Date* d = arena_.New<Date>();
        d->millis = Dbl();
        d->timezone = static_cast<int16_t>(Pick(65536));
        return Value::Of(d, f);
      }
      case 8:
      case 9: {
        Object* o = arena_.New<Object>();
        if (Chance(40)) {
          Traits* t = arena_.New<Traits>();
          t->class_name = Str(true);
          t->dynamic = true;
          o->traits = t;
        }
        Value v = Remember(Value::Of(o, f));
        o->dynamic = Members(f, depth, true);
        return v;
      }
      case 10: {
        Array* a = arena_.New<Array>();
        a->ecma = true;
        a->ecma_count = Chance(50) ? Pick(5) : static_cast<uint32_t>(rng_());
        Value v = Remember(Value::Of(a, f));
        a->assoc = Members(f, depth, true);
        return v;
      }
      default: {
        Array* a = arena_.New<Array>();
        Value v = Remember(Value::Of(a, f));
        a->dense = Values(f, depth, Pick(5));
        return v;
      }
    }
  }

  Value Gen3(uint32_t depth, bool leaf) {
    constexpr Format f = Format::kAmf3;
    switch (Pick(leaf ? 11 : 18)) {
      case 0:
        return Value::Null(f);
      case 1:
        return Value::Undefined(f);
      case 2:
        return Value::Boolean(Chance(50), f);
      case 3: {
        int32_t range = kMaxInteger - kMinInteger + 1;
        int32_t i = Chance(50)
                        ? static_cast<int32_t>(Pick(300)) - 150
                        : kMinInteger + static_cast<int32_t>(Pick(static_cast<uint32_t>(range)));
        return Value::Integer(i, f);
      }
      case 4:
        return Value::Double(Dbl(), f);
      case 5:
      case 6:
        return Value::String(Str(false), f);
      case 7:
        return Remember(MakeBlob(arena_, Chance(50) ? Type::kXml : Type::kXmlDocument, "<x/>", f));
      case 8: {
        auto bytes = Span<char>(Pick(8));
        for (char& c : bytes) c = static_cast<char>(Pick(256));
        return Remember(MakeBlob(arena_, Type::kByteArray, {bytes.data(), bytes.size()}, f));
      }
      case 9:
        return Remember(MakeDate(arena_, Dbl(), f));
      case 10: {
        Vector* vec = arena_.New<Vector>();
        vec->fixed = Chance(50);
        Type t;
        switch (Pick(3)) {
          case 0:
            t = Type::kVectorInt;
            vec->ints = Span<int32_t>(Pick(4));
            for (int32_t& x : vec->ints) x = static_cast<int32_t>(rng_());
            break;
          case 1:
            t = Type::kVectorUint;
            vec->uints = Span<uint32_t>(Pick(4));
            for (uint32_t& x : vec->uints) x = static_cast<uint32_t>(rng_());
            break;
          default:
            t = Type::kVectorDouble;
            vec->doubles = Span<double>(Pick(4));
            for (double& x : vec->doubles) x = Dbl();
            break;
        }
        return Remember(Value::Of(t, vec, f));
      }
      case 11:
      case 12: {
        Array* a = arena_.New<Array>();
        Value v = Remember(Value::Of(a, f));
        a->assoc = Chance(30) ? Members(f, depth, false) : std::span<Member>();
        a->dense = Values(f, depth, Pick(5));
        return v;
      }
      case 13:
      case 14: {
        Object* o = arena_.New<Object>();
        Value v = Remember(Value::Of(o, f));
        Traits* t = arena_.New<Traits>();
        if (Chance(50)) t->class_name = Str(true);
        t->dynamic = Chance(60);
        auto names = Span<std::string_view>(Pick(3));
        for (std::string_view& n : names) n = Str(true);
        t->sealed_names = names;
        o->traits = t;
        o->sealed = Values(f, depth, names.size());
        if (t->dynamic) o->dynamic = Members(f, depth, false);
        return v;
      }
      case 15: {
        Vector* vec = arena_.New<Vector>();
        vec->fixed = Chance(50);
        vec->type_name = Str(false);
        Value v = Remember(Value::Of(Type::kVectorObject, vec, f));
        vec->objects = Values(f, depth, Pick(4));
        return v;
      }
      case 16: {
        Dictionary* d = arena_.New<Dictionary>();
        d->weak_keys = Chance(50);
        Value v = Remember(Value::Of(d, f));
        d->entries = Span<DictionaryEntry>(Pick(3));
        for (DictionaryEntry& e : d->entries) {
          e.key = Gen(f, depth + 1);
          e.value = Gen(f, depth + 1);
        }
        return v;
      }
      default:
        return External3(depth);
    }
  }

  Value External3(uint32_t depth) {
    constexpr Format f = Format::kAmf3;
    External* ext = arena_.New<External>();
    Traits* t = arena_.New<Traits>();
    t->externalizable = true;
    Object* o = arena_.New<Object>();
    o->traits = t;
    o->external = ext;
    Value v = Remember(Value::Of(o, f));
    switch (Pick(5)) {
      case 0:
        ext->cls = ExternalClass::kArrayCollection;
        break;
      case 1:
        ext->cls = ExternalClass::kObjectProxy;
        break;
      case 2:
        ext->cls = ExternalClass::kAsyncMessageSmall;
        ext->level_count = 2;
        break;
      case 3:
        ext->cls = ExternalClass::kAcknowledgeMessageSmall;
        ext->level_count = 3;
        break;
      default:
        ext->cls = ExternalClass::kCommandMessageSmall;
        ext->level_count = 3;
        break;
    }
    t->class_name = ExternalClassName(ext->cls);
    if (ext->level_count == 0) {
      ext->value = Gen(f, depth + 1);
      return v;
    }
    for (uint8_t l = 0; l < ext->level_count; ++l) {
      auto flags = Span<uint8_t>(1 + Pick(2));
      size_t announced = 0;
      for (size_t i = 0; i < flags.size(); ++i) {
        bool last = i + 1 == flags.size();
        flags[i] = static_cast<uint8_t>((rng_() & 0x7F) | (last ? 0 : 0x80));
        uint8_t mask = (l == 0 && i == 0) ? 0x7F : 0x3F;
        announced += __builtin_popcount(flags[i] & mask);
      }
      ext->levels[l].flags = flags;
      ext->levels[l].values = Values(f, depth, announced);
    }
    return v;
  }

  std::mt19937_64 rng_;
  Arena& arena_;
  std::vector<Value> pool0_;
  std::vector<Value> pool3_;
};

}  // namespace amfgate::amf::testing
