// The AMF value model: one tree (or graph) type for AMF0 and AMF3.
//
// A Value is a 16-byte handle: a Type, the Format it was (or is to be)
// written in, a few flags, and either an inline scalar (boolean, integer,
// double, string view) or a pointer to a node (Object, Array, Date, Blob,
// Vector, Dictionary) in an Arena. Values are trivially copyable; copying a
// Value never copies its node.
//
// Lossless by design, so that a packet written by Flash or PyAMF decodes and
// re-encodes to the same bytes: a Value records integer vs double, AMF0 short
// vs long string, strict vs ECMA array (and the ECMA count as sent), the class
// name and sealed/dynamic traits of an object with its member order, the
// payload of an externalizable object, a Vector's fixed flag and type name, a
// Dictionary's weak-keys flag, XML vs XMLDocument, undefined vs null, and the
// Format of every value (an AMF3 value inside an AMF0 stream was switched to
// with the 0x11 marker and is written the same way again).
//
// Identity is meaning: a decoded reference yields a Value pointing at the
// SAME node as the value it refers to (shared, never copied), and encoders
// emit a reference whenever they meet a node they have already written in
// the current message. Graphs may therefore be shared and, in AMF3 (and AMF0
// objects), cyclic: an object may contain a reference to itself or to an
// ancestor still being decoded. The decoder accepts such cycles; the encoders
// terminate on them (every container node is in an identity table before its
// children are written); anything that walks a Value graph must do the same
// (see compare.h, and keep a visited set in dump tools).
//
// What is not recorded, because Flash and PyAMF never write it and the
// specifications give it no meaning: non-minimal U29 encodings, a string or
// traits written inline again where a reference was possible (re-encoding
// writes the reference), the insignificant header bits of externalizable
// traits and of AMF3 Date headers. Such input decodes to the
// same Value and re-encodes in the canonical form.
//
// Lifetimes: nodes live in the Arena that created them; decoded strings,
// names, XML text, ByteArray bytes and flag bytes are views into the decoder's
// input buffer. Both the arena and the input must outlive every Value.
//
// Builders (the Make* functions) allocate in an arena and are how services
// construct results. A built number (Value::Number) lets the AMF3 encoder
// choose an integer when the number is integral and fits in 29 bits, as Flash
// does; a decoded double (Value::Double) always stays a double.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "amf/arena.h"

namespace amfgate::amf {

enum class Type : uint8_t {
  kUndefined,
  kNull,
  kBoolean,
  kInteger,      // AMF3 integer: signed 29-bit
  kDouble,       // AMF0 number, AMF3 double
  kString,       // AMF0 string / long string, AMF3 string
  kDate,         // node: Date
  kXmlDocument,  // node: Blob. AMF0 xml-document (0x0F), AMF3 XMLDocument (0x07)
  kXml,          // node: Blob. AMF3 XML (E4X, 0x0B)
  kByteArray,    // node: Blob. AMF3 ByteArray (0x0C)
  kArray,        // node: Array. AMF0 strict/ECMA array, AMF3 array
  kObject,       // node: Object. AMF0 anonymous/typed object, AMF3 object
  kVectorInt,    // node: Vector
  kVectorUint,
  kVectorDouble,
  kVectorObject,
  kDictionary,   // node: Dictionary
  kUnsupported,  // AMF0 unsupported-marker (0x0D); written as undefined in AMF3
};

const char* TypeName(Type type);

// The encoding a value was read from, or is to be written in. In an AMF0
// stream a kAmf3 value is preceded by the avmplus switch (0x11); inside AMF3
// everything is AMF3 whatever its Format says.
enum class Format : uint8_t { kAmf0, kAmf3 };

inline constexpr int32_t kMinInteger = -(1 << 28);
inline constexpr int32_t kMaxInteger = (1 << 28) - 1;

struct Object;
struct Array;
struct Date;
struct Blob;
struct Vector;
struct Dictionary;

class Value {
 public:
  constexpr Value() : type_(Type::kUndefined), format_(Format::kAmf0), flags_(0), size_(0), u_() {}

  static constexpr Value Undefined(Format f = Format::kAmf0) { return Value(Type::kUndefined, f); }
  static constexpr Value Null(Format f = Format::kAmf0) { return Value(Type::kNull, f); }
  static constexpr Value Unsupported() { return Value(Type::kUnsupported, Format::kAmf0); }
  static Value Boolean(bool b, Format f = Format::kAmf0) {
    Value v(Type::kBoolean, f);
    v.u_.b = b;
    return v;
  }
  // An AMF3 integer (kMinInteger..kMaxInteger); in AMF0 it is written as a
  // number, and outside the range the AMF3 encoder writes a double.
  static Value Integer(int32_t i, Format f = Format::kAmf3) {
    Value v(Type::kInteger, f);
    v.u_.i = i;
    return v;
  }
  // A number whose AMF3 form the encoder chooses (integer when it can).
  static Value Number(double d, Format f = Format::kAmf0) {
    Value v(Type::kDouble, f);
    v.u_.d = d;
    return v;
  }
  // A double that stays a double (what decoders produce).
  static Value Double(double d, Format f = Format::kAmf0) {
    Value v = Number(d, f);
    v.flags_ |= kFlagExactDouble;
    return v;
  }
  // `s` is not copied; it must outlive the value (see Arena::CopyString).
  static Value String(std::string_view s, Format f = Format::kAmf0) {
    Value v(Type::kString, f);
    v.u_.s = s.data();
    v.size_ = static_cast<uint32_t>(s.size());
    return v;
  }
  // An AMF0 string written with the long-string marker (0x0C) even if short.
  static Value LongString(std::string_view s) {
    Value v = String(s, Format::kAmf0);
    v.flags_ |= kFlagLongString;
    return v;
  }

  static Value Of(const Object* node, Format f) { return Value(Type::kObject, f, node); }
  static Value Of(const Array* node, Format f) { return Value(Type::kArray, f, node); }
  static Value Of(const Date* node, Format f) { return Value(Type::kDate, f, node); }
  static Value Of(const Dictionary* node, Format f) { return Value(Type::kDictionary, f, node); }
  // type: kXmlDocument, kXml or kByteArray.
  static Value Of(Type type, const Blob* node, Format f) { return Value(type, f, node); }
  // type: kVectorInt, kVectorUint, kVectorDouble or kVectorObject.
  static Value Of(Type type, const Vector* node, Format f) { return Value(type, f, node); }

  Type type() const { return type_; }
  Format format() const { return format_; }
  Value WithFormat(Format f) const {
    Value v = *this;
    v.format_ = f;
    return v;
  }

  bool is_undefined() const { return type_ == Type::kUndefined; }
  bool is_null() const { return type_ == Type::kNull; }
  bool is_number() const { return type_ == Type::kInteger || type_ == Type::kDouble; }
  bool is_string() const { return type_ == Type::kString; }
  bool is_node() const { return type_ >= Type::kDate && type_ <= Type::kDictionary; }
  bool is_vector() const { return type_ >= Type::kVectorInt && type_ <= Type::kVectorObject; }
  // A double that the encoder must keep a double (decoded, or Value::Double).
  bool exact_double() const { return (flags_ & kFlagExactDouble) != 0; }
  bool long_string() const { return (flags_ & kFlagLongString) != 0; }

  // Accessors return a neutral value (false, 0, "", nullptr) for other types.
  bool AsBool() const { return type_ == Type::kBoolean && u_.b; }
  int32_t AsInteger() const { return type_ == Type::kInteger ? u_.i : 0; }
  double AsDouble() const { return type_ == Type::kDouble ? u_.d : 0.0; }
  // Integer or double, as a double.
  double AsNumber() const {
    return type_ == Type::kInteger ? u_.i : type_ == Type::kDouble ? u_.d : 0.0;
  }
  std::string_view AsString() const {
    return type_ == Type::kString ? std::string_view(u_.s, size_) : std::string_view();
  }
  const Object* AsObject() const { return Node<Object>(Type::kObject); }
  const Array* AsArray() const { return Node<Array>(Type::kArray); }
  const Date* AsDate() const { return Node<Date>(Type::kDate); }
  const Dictionary* AsDictionary() const { return Node<Dictionary>(Type::kDictionary); }
  // For kXmlDocument, kXml and kByteArray.
  const Blob* AsBlob() const {
    return (type_ == Type::kXmlDocument || type_ == Type::kXml || type_ == Type::kByteArray)
               ? static_cast<const Blob*>(u_.node)
               : nullptr;
  }
  const Vector* AsVector() const {
    return is_vector() ? static_cast<const Vector*>(u_.node) : nullptr;
  }
  // The node's address, for identity tables; nullptr for scalars.
  const void* node() const { return is_node() ? u_.node : nullptr; }

  // Checks this value's own invariants and its node's (not the children's:
  // graphs may be cyclic and shared).
  bool Validate() const;

 private:
  static constexpr uint8_t kFlagExactDouble = 1;
  static constexpr uint8_t kFlagLongString = 2;

  constexpr Value(Type t, Format f) : type_(t), format_(f), flags_(0), size_(0), u_() {}
  Value(Type t, Format f, const void* node) : type_(t), format_(f), flags_(0), size_(0) {
    u_.node = node;
  }
  template <typename T>
  const T* Node(Type t) const {
    return type_ == t ? static_cast<const T*>(u_.node) : nullptr;
  }

  Type type_;
  Format format_;
  uint8_t flags_;
  uint32_t size_;  // string length
  union Payload {
    constexpr Payload() : d(0) {}
    bool b;
    int32_t i;
    double d;
    const char* s;
    const void* node;
  } u_;
};
static_assert(sizeof(Value) == 16);

struct Member {
  std::string_view name;
  Value value;
};

// AMF3 traits (and the class name of an AMF0 typed object). Encoders share
// traits by content: two objects whose traits have the same class name, flags
// and sealed names get one traits entry, as Flash writes them.
struct Traits {
  std::string_view class_name;  // "" for an anonymous object
  std::span<const std::string_view> sealed_names;
  bool dynamic = false;
  bool externalizable = false;

  bool Validate() const;
};

// The anonymous dynamic traits of `{}`; the traits of every AMF0 anonymous
// object and of built anonymous objects.
extern const Traits kAnonymousTraits;

// The externalizable classes the codec knows (any other is a decode fault:
// its payload length cannot be known).
enum class ExternalClass : uint8_t {
  kArrayCollection,          // flex.messaging.io.ArrayCollection: one value
  kObjectProxy,              // flex.messaging.io.ObjectProxy: one value
  kAsyncMessageSmall,        // DSA: AbstractMessage + AsyncMessage levels
  kAcknowledgeMessageSmall,  // DSK: AbstractMessage + AsyncMessage + AcknowledgeMessage
  kCommandMessageSmall,      // DSC: AbstractMessage + AsyncMessage + CommandMessage
};

std::string_view ExternalClassName(ExternalClass c);

// One class level of a Flex small message: its flag bytes (each with the 0x80
// "another flag byte follows" bit as sent) and the values those flags
// announce, in stream order, including values for bits the codec does not
// name (kept so the bytes round-trip).
struct ExternalLevel {
  std::span<const uint8_t> flags;
  std::span<Value> values;
};

struct External {
  ExternalClass cls = ExternalClass::kArrayCollection;
  Value value;              // ArrayCollection / ObjectProxy payload
  uint8_t level_count = 0;  // 2 for DSA, 3 for DSK and DSC, 0 otherwise
  ExternalLevel levels[3];

  bool Validate() const;
};

struct Object {
  const Traits* traits = &kAnonymousTraits;
  std::span<Value> sealed;             // one per traits->sealed_names, same order
  std::span<Member> dynamic;           // in stream order (AMF0 object members live here)
  const External* external = nullptr;  // iff traits->externalizable

  // The first sealed or dynamic member called `name`, or nullptr.
  const Value* Find(std::string_view name) const;
  bool Validate() const;
};

struct Array {
  std::span<Value> dense;   // AMF0 strict array, AMF3 dense part
  std::span<Member> assoc;  // AMF0 ECMA array members, AMF3 associative part
  bool ecma = false;        // AMF0: written as an ECMA array (0x08)
  uint32_t ecma_count = 0;  // AMF0 ECMA array: the count field as sent (not trusted)

  bool Validate() const;
};

struct Date {
  double millis = 0;     // milliseconds since the Unix epoch, UTC
  int16_t timezone = 0;  // AMF0 only: the time-zone field as sent (should be 0)
};

// XML text (never parsed) or ByteArray bytes.
struct Blob {
  std::string_view bytes;
};

struct Vector {
  bool fixed = false;
  std::string_view type_name;  // kVectorObject: the element class name ("" or e.g. "Object")
  std::span<int32_t> ints;     // kVectorInt
  std::span<uint32_t> uints;   // kVectorUint
  std::span<double> doubles;   // kVectorDouble
  std::span<Value> objects;    // kVectorObject
  size_t size() const { return ints.size() + uints.size() + doubles.size() + objects.size(); }
};

struct DictionaryEntry {
  Value key;
  Value value;
};

struct Dictionary {
  bool weak_keys = false;
  std::span<DictionaryEntry> entries;
};

// ---- Builders. Everything is allocated in `arena`; string views are kept
// as given unless the function says it copies.

// An anonymous object: AMF0 0x03 or an AMF3 dynamic object with no sealed
// members. `members` is copied.
Value MakeObject(Arena& arena, std::span<const Member> members, Format f);
// A typed object: AMF0 typed object (class name + members) or an AMF3 object
// with sealed members `names`/`values` (same length) and no dynamic ones.
// `values` is copied; `class_name` and `names` are not (static arrays, or
// copy them into the arena first).
Value MakeTypedObject(Arena& arena, std::string_view class_name,
                      std::span<const std::string_view> names, std::span<const Value> values,
                      Format f);
// A dense (strict) array; `elements` is copied.
Value MakeArray(Arena& arena, std::span<const Value> elements, Format f);
// An AMF0 ECMA array (or AMF3 associative array); `members` is copied.
Value MakeEcmaArray(Arena& arena, std::span<const Member> members, Format f);
Value MakeDate(Arena& arena, double millis, Format f);
// kXmlDocument, kXml or kByteArray over `bytes` (not copied).
Value MakeBlob(Arena& arena, Type type, std::string_view bytes, Format f);

}  // namespace amfgate::amf
