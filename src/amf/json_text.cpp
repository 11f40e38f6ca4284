#include "amf/json_text.h"

#include <charconv>
#include <cmath>
#include <cstring>
#include <system_error>

namespace amfgate::json {

const char* TypeName(Type type) {
  switch (type) {
    case Type::kNull:
      return "null";
    case Type::kBool:
      return "boolean";
    case Type::kNumber:
      return "number";
    case Type::kString:
      return "string";
    case Type::kArray:
      return "array";
    case Type::kObject:
      return "object";
  }
  return "value";
}

Value Value::Bool(bool b) {
  Value v(Type::kBool);
  v.boolean_ = b;
  return v;
}

Value Value::Int(int64_t n) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, n);
  return Number(std::string(buf, r.ptr));
}

Value Value::Double(double d) { return Number(FormatDouble(d)); }

Value Value::Number(std::string token) {
  Value v(Type::kNumber);
  v.text_ = std::move(token);
  return v;
}

Value Value::String(std::string_view utf8) {
  Value v(Type::kString);
  v.text_.assign(utf8);
  return v;
}

Value& Value::Push(Value v) {
  items_.push_back(std::move(v));
  return items_.back();
}

Value& Value::Add(std::string_view key, Value v) {
  members_.push_back(Member{std::string(key), std::move(v)});
  return members_.back().value;
}

const Value* Value::Find(std::string_view key) const {
  for (const Member& m : members_) {
    if (m.key == key) return &m.value;
  }
  return nullptr;
}

bool Value::operator==(const Value& other) const {
  return type_ == other.type_ && boolean_ == other.boolean_ && text_ == other.text_ &&
         items_ == other.items_ && members_ == other.members_;
}

// ---------------------------------------------------------------------------
// UTF-8

namespace {

// Decodes one UTF-8 sequence at s[i]; returns its length, or 0 if it is not
// valid UTF-8 (overlong forms, surrogates and values above U+10FFFF included).
size_t DecodeUtf8(std::string_view s, size_t i, uint32_t* cp) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data()) + i;
  size_t left = s.size() - i;
  unsigned char c = p[0];
  if (c < 0x80) {
    *cp = c;
    return 1;
  }
  size_t n;
  uint32_t v, min;
  if ((c & 0xE0) == 0xC0) {
    n = 2, v = c & 0x1F, min = 0x80;
  } else if ((c & 0xF0) == 0xE0) {
    n = 3, v = c & 0x0F, min = 0x800;
  } else if ((c & 0xF8) == 0xF0) {
    n = 4, v = c & 0x07, min = 0x10000;
  } else {
    return 0;
  }
  if (left < n) return 0;
  for (size_t k = 1; k < n; ++k) {
    if ((p[k] & 0xC0) != 0x80) return 0;
    v = (v << 6) | (p[k] & 0x3F);
  }
  if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) return 0;
  *cp = v;
  return n;
}

void AppendUtf8(std::string* out, uint32_t cp) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

}  // namespace

bool IsValidUtf8(std::string_view s) {
  uint32_t cp;
  for (size_t i = 0; i < s.size();) {
    size_t n = DecodeUtf8(s, i, &cp);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

// ---------------------------------------------------------------------------
// Numbers

std::string FormatDouble(double d) {
  char buf[40];
  auto r = std::to_chars(buf, buf + sizeof buf, d);
  std::string s(buf, r.ptr);
  if (s.find_first_of(".eE") == std::string::npos) s += ".0";
  return s;
}

bool TokenToDouble(std::string_view token, double* out) {
  double d = 0;
  auto r = std::from_chars(token.data(), token.data() + token.size(), d);
  if (r.ec != std::errc() || r.ptr != token.data() + token.size()) return false;
  *out = d;
  return true;
}

bool TokenToInt64(std::string_view token, int64_t* out) {
  int64_t n = 0;
  auto r = std::from_chars(token.data(), token.data() + token.size(), n);
  if (r.ec != std::errc() || r.ptr != token.data() + token.size()) return false;
  *out = n;
  return true;
}

// ---------------------------------------------------------------------------
// Parser

class Parser {
 public:
  Parser(std::string_view text, size_t max_depth) : s_(text), max_depth_(max_depth) {}

  Status Run(Value* out) {
    SkipSpace();
    if (!ParseValue(out, 0)) return Error();
    SkipSpace();
    if (pos_ != s_.size()) {
      Fail("unexpected text after the JSON value");
      return Error();
    }
    return Status::Ok();
  }

 private:
  bool Fail(const char* reason) {
    if (reason_ == nullptr) {
      reason_ = reason;
      error_pos_ = pos_;
    }
    return false;
  }

  Status Error() const {
    size_t line = 1, col = 1;
    for (size_t i = 0; i < error_pos_ && i < s_.size(); ++i) {
      if (s_[i] == '\n') {
        ++line;
        col = 1;
      } else {
        ++col;
      }
    }
    return Status::Error(Code::kMalformed, "line " + std::to_string(line) + ", column " +
                                               std::to_string(col) + ": " + reason_);
  }

  void Mark(Value* v) {
    v->line_ = line_;
    v->column_ = pos_ - line_start_ + 1;
  }

  void SkipSpace() {
    while (pos_ < s_.size()) {
      char c = s_[pos_];
      if (c == '\n') {
        ++line_;
        line_start_ = pos_ + 1;
      } else if (c != ' ' && c != '\t' && c != '\r') {
        return;
      }
      ++pos_;
    }
  }

  bool Literal(std::string_view word) {
    if (s_.substr(pos_, word.size()) != word) return Fail("unknown literal");
    pos_ += word.size();
    return true;
  }

  bool ParseValue(Value* out, size_t depth) {
    if (pos_ >= s_.size()) return Fail("unexpected end of input, expected a value");
    Mark(out);
    char c = s_[pos_];
    switch (c) {
      case '{':
        return ParseObject(out, depth + 1);
      case '[':
        return ParseArray(out, depth + 1);
      case '"':
        out->type_ = Type::kString;
        return ParseString(&out->text_);
      case 't':
        out->type_ = Type::kBool;
        out->boolean_ = true;
        return Literal("true");
      case 'f':
        out->type_ = Type::kBool;
        out->boolean_ = false;
        return Literal("false");
      case 'n':
        out->type_ = Type::kNull;
        return Literal("null");
      default:
        if (c == '-' || (c >= '0' && c <= '9')) return ParseNumber(out);
        return Fail("expected a value");
    }
  }

  bool ParseObject(Value* out, size_t depth) {
    if (depth > max_depth_) return Fail("nesting too deep");
    out->type_ = Type::kObject;
    ++pos_;  // '{'
    SkipSpace();
    if (pos_ < s_.size() && s_[pos_] == '}') {
      ++pos_;
      return true;
    }
    for (;;) {
      SkipSpace();
      if (pos_ >= s_.size() || s_[pos_] != '"') return Fail("expected a member name in quotes");
      Member& m = out->members_.emplace_back();
      if (!ParseString(&m.key)) return false;
      SkipSpace();
      if (pos_ >= s_.size() || s_[pos_] != ':') return Fail("expected ':' after a member name");
      ++pos_;
      SkipSpace();
      if (!ParseValue(&m.value, depth)) return false;
      SkipSpace();
      if (pos_ >= s_.size()) return Fail("unexpected end of input in an object");
      if (s_[pos_] == ',') {
        ++pos_;
        continue;
      }
      if (s_[pos_] == '}') {
        ++pos_;
        return true;
      }
      return Fail("expected ',' or '}' in an object");
    }
  }

  bool ParseArray(Value* out, size_t depth) {
    if (depth > max_depth_) return Fail("nesting too deep");
    out->type_ = Type::kArray;
    ++pos_;  // '['
    SkipSpace();
    if (pos_ < s_.size() && s_[pos_] == ']') {
      ++pos_;
      return true;
    }
    for (;;) {
      SkipSpace();
      if (!ParseValue(&out->items_.emplace_back(), depth)) return false;
      SkipSpace();
      if (pos_ >= s_.size()) return Fail("unexpected end of input in an array");
      if (s_[pos_] == ',') {
        ++pos_;
        continue;
      }
      if (s_[pos_] == ']') {
        ++pos_;
        return true;
      }
      return Fail("expected ',' or ']' in an array");
    }
  }

  bool Digits() {
    size_t start = pos_;
    while (pos_ < s_.size() && s_[pos_] >= '0' && s_[pos_] <= '9') ++pos_;
    return pos_ > start;
  }

  bool ParseNumber(Value* out) {
    size_t start = pos_;
    if (s_[pos_] == '-') ++pos_;
    if (pos_ < s_.size() && s_[pos_] == '0') {
      ++pos_;
      if (pos_ < s_.size() && s_[pos_] >= '0' && s_[pos_] <= '9') {
        return Fail("a number may not have leading zeros");
      }
    } else if (!Digits()) {
      return Fail("expected digits in a number");
    }
    if (pos_ < s_.size() && s_[pos_] == '.') {
      ++pos_;
      if (!Digits()) return Fail("expected digits after '.'");
    }
    if (pos_ < s_.size() && (s_[pos_] == 'e' || s_[pos_] == 'E')) {
      ++pos_;
      if (pos_ < s_.size() && (s_[pos_] == '+' || s_[pos_] == '-')) ++pos_;
      if (!Digits()) return Fail("expected digits in an exponent");
    }
    out->type_ = Type::kNumber;
    out->text_.assign(s_.substr(start, pos_ - start));
    return true;
  }

  bool Hex4(uint32_t* v) {
    if (s_.size() - pos_ < 4) return Fail("expected four hex digits after \\u");
    uint32_t x = 0;
    for (int k = 0; k < 4; ++k) {
      char c = s_[pos_ + k];
      x <<= 4;
      if (c >= '0' && c <= '9') {
        x |= c - '0';
      } else if (c >= 'a' && c <= 'f') {
        x |= c - 'a' + 10;
      } else if (c >= 'A' && c <= 'F') {
        x |= c - 'A' + 10;
      } else {
        return Fail("expected four hex digits after \\u");
      }
    }
    pos_ += 4;
    *v = x;
    return true;
  }

  bool ParseEscape(std::string* out) {
    if (pos_ >= s_.size()) return Fail("unterminated string");
    char c = s_[pos_++];
    switch (c) {
      case '"':
        out->push_back('"');
        return true;
      case '\\':
        out->push_back('\\');
        return true;
      case '/':
        out->push_back('/');
        return true;
      case 'b':
        out->push_back('\b');
        return true;
      case 'f':
        out->push_back('\f');
        return true;
      case 'n':
        out->push_back('\n');
        return true;
      case 'r':
        out->push_back('\r');
        return true;
      case 't':
        out->push_back('\t');
        return true;
      case 'u':
        break;
      default:
        --pos_;
        return Fail("unknown escape in a string");
    }
    uint32_t cp;
    if (!Hex4(&cp)) return false;
    if (cp >= 0xDC00 && cp <= 0xDFFF) return Fail("a low surrogate without a high one");
    if (cp >= 0xD800 && cp <= 0xDBFF) {
      if (s_.substr(pos_, 2) != "\\u") return Fail("a high surrogate without a low one");
      pos_ += 2;
      uint32_t lo;
      if (!Hex4(&lo)) return false;
      if (lo < 0xDC00 || lo > 0xDFFF) return Fail("a high surrogate without a low one");
      cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
    }
    AppendUtf8(out, cp);
    return true;
  }

  bool ParseString(std::string* out) {
    ++pos_;  // opening quote
    for (;;) {
      if (pos_ >= s_.size()) return Fail("unterminated string");
      unsigned char c = static_cast<unsigned char>(s_[pos_]);
      if (c == '"') {
        ++pos_;
        return true;
      }
      if (c == '\\') {
        ++pos_;
        if (!ParseEscape(out)) return false;
        continue;
      }
      if (c < 0x20) return Fail("a control character in a string must be escaped");
      uint32_t cp;
      size_t n = DecodeUtf8(s_, pos_, &cp);
      if (n == 0) return Fail("invalid UTF-8 in a string");
      out->append(s_.substr(pos_, n));
      pos_ += n;
    }
  }

  std::string_view s_;
  size_t max_depth_;
  size_t pos_ = 0;
  size_t line_ = 1;
  size_t line_start_ = 0;
  const char* reason_ = nullptr;
  size_t error_pos_ = 0;
};

Status Parse(std::string_view text, Value* out, size_t max_depth) {
  *out = Value();
  return Parser(text, max_depth).Run(out);
}

// ---------------------------------------------------------------------------
// Serializer

namespace {

constexpr size_t kInlineWidth = 72;

void AppendEscaped(std::string* out, std::string_view s) {
  static const char kHex[] = "0123456789abcdef";
  auto u16 = [&](uint32_t v) {
    out->append("\\u");
    for (int shift = 12; shift >= 0; shift -= 4) out->push_back(kHex[(v >> shift) & 0xF]);
  };
  out->push_back('"');
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c < 0x7F) {
      if (c == '"' || c == '\\') out->push_back('\\');
      out->push_back(static_cast<char>(c));
      ++i;
      continue;
    }
    switch (c) {
      case '\b':
        out->append("\\b");
        ++i;
        continue;
      case '\f':
        out->append("\\f");
        ++i;
        continue;
      case '\n':
        out->append("\\n");
        ++i;
        continue;
      case '\r':
        out->append("\\r");
        ++i;
        continue;
      case '\t':
        out->append("\\t");
        ++i;
        continue;
      default:
        break;
    }
    uint32_t cp;
    size_t n = DecodeUtf8(s, i, &cp);
    if (n == 0) {
      // Callers validate first (IsValidUtf8); a stray byte must still not
      // produce invalid JSON.
      cp = 0xFFFD;
      n = 1;
    }
    if (cp >= 0x10000) {
      cp -= 0x10000;
      u16(0xD800 + (cp >> 10));
      u16(0xDC00 + (cp & 0x3FF));
    } else {
      u16(cp);
    }
    i += n;
  }
  out->push_back('"');
}

bool IsScalar(const Value& v) { return !v.is(Type::kArray) && !v.is(Type::kObject); }

void WriteCompact(std::string* out, const Value& v) {
  switch (v.type()) {
    case Type::kNull:
      out->append("null");
      return;
    case Type::kBool:
      out->append(v.boolean() ? "true" : "false");
      return;
    case Type::kNumber:
      out->append(v.text());
      return;
    case Type::kString:
      AppendEscaped(out, v.text());
      return;
    case Type::kArray: {
      out->push_back('[');
      bool first = true;
      for (const Value& item : v.items()) {
        if (!first) out->append(", ");
        first = false;
        WriteCompact(out, item);
      }
      out->push_back(']');
      return;
    }
    case Type::kObject: {
      out->push_back('{');
      bool first = true;
      for (const Member& m : v.members()) {
        if (!first) out->append(", ");
        first = false;
        AppendEscaped(out, m.key);
        out->append(": ");
        WriteCompact(out, m.value);
      }
      out->push_back('}');
      return;
    }
  }
}

// A container is printed on one line when it holds only scalars and scalar-
// only containers (e.g. {"int": 5}, {"date": 1.0, "timezone": 0}) and is short.
bool FitsInline(const Value& v, size_t* width) {
  if (IsScalar(v)) {
    *width += v.is(Type::kString) ? v.text().size() + 2 : v.text().size() + 5;
    return *width <= kInlineWidth;
  }
  *width += 2;
  if (v.is(Type::kArray)) {
    for (const Value& item : v.items()) {
      if (!FitsInline(item, width)) return false;
      *width += 2;
    }
  } else {
    for (const Member& m : v.members()) {
      *width += m.key.size() + 4;
      if (!FitsInline(m.value, width)) return false;
    }
  }
  return *width <= kInlineWidth;
}

void WritePretty(std::string* out, const Value& v, size_t indent) {
  size_t width = indent;
  if (IsScalar(v) || FitsInline(v, &width)) {
    WriteCompact(out, v);
    return;
  }
  bool is_array = v.is(Type::kArray);
  out->push_back(is_array ? '[' : '{');
  size_t count = is_array ? v.items().size() : v.members().size();
  for (size_t i = 0; i < count; ++i) {
    out->push_back('\n');
    out->append(indent + 2, ' ');
    if (is_array) {
      WritePretty(out, v.items()[i], indent + 2);
    } else {
      AppendEscaped(out, v.members()[i].key);
      out->append(": ");
      WritePretty(out, v.members()[i].value, indent + 2);
    }
    if (i + 1 < count) out->push_back(',');
  }
  out->push_back('\n');
  out->append(indent, ' ');
  out->push_back(is_array ? ']' : '}');
}

}  // namespace

std::string Serialize(const Value& value, bool pretty) {
  std::string out;
  if (pretty) {
    WritePretty(&out, value, 0);
    out.push_back('\n');
  } else {
    WriteCompact(&out, value);
  }
  return out;
}

}  // namespace amfgate::json
