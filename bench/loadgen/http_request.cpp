#include "http_request.h"

#include <charconv>

namespace amfgate::bench {
namespace {

// The value of attribute `name` inside one tag's text, raw (still escaped).
std::string_view Attribute(std::string_view tag, std::string_view name) {
  size_t pos = 0;
  while ((pos = tag.find(name, pos)) != std::string_view::npos) {
    const bool starts_word =
        pos > 0 && (tag[pos - 1] == ' ' || tag[pos - 1] == '\t' || tag[pos - 1] == '\n');
    size_t eq = pos + name.size();
    pos = eq;
    if (!starts_word || eq >= tag.size() || tag[eq] != '=') continue;
    size_t start = eq + 1;
    if (start >= tag.size()) return {};
    char quote = tag[start];
    if (quote == '"' || quote == '\'') {
      size_t end = tag.find(quote, start + 1);
      if (end == std::string_view::npos) return {};
      return tag.substr(start + 1, end - start - 1);
    }
    size_t end = tag.find_first_of(" \t\n>", start);
    return tag.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
  }
  return {};
}

// Calls f(tag_text) for every `<TAGNAME ...>` of the page.
template <typename F>
void ForEachTag(std::string_view html, std::string_view tag_name, F f) {
  size_t pos = 0;
  while ((pos = html.find('<', pos)) != std::string_view::npos) {
    size_t end = html.find('>', pos);
    if (end == std::string_view::npos) return;
    std::string_view tag = html.substr(pos + 1, end - pos - 1);
    pos = end + 1;
    if (tag.size() > tag_name.size() && tag.substr(0, tag_name.size()) == tag_name &&
        (tag[tag_name.size()] == ' ' || tag[tag_name.size()] == '\t' ||
         tag[tag_name.size()] == '\n')) {
      f(tag);
    }
  }
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
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

void PercentEncode(std::string* out, std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (char c : s) {
    const unsigned char u = static_cast<unsigned char>(c);
    if ((u >= 'A' && u <= 'Z') || (u >= 'a' && u <= 'z') || (u >= '0' && u <= '9') || u == '-' ||
        u == '_' || u == '.' || u == '~') {
      out->push_back(c);
    } else if (u == ' ') {
      out->push_back('+');
    } else {
      out->push_back('%');
      out->push_back(kHex[u >> 4]);
      out->push_back(kHex[u & 15]);
    }
  }
}

}  // namespace

void AppendRequest(std::string* out, const RequestHead& head, std::string_view body) {
  out->append(head.method);
  out->push_back(' ');
  out->append(head.path);
  out->append(" HTTP/1.1\r\nHost: ");
  out->append(head.host);
  out->append("\r\n");
  if (!head.cookie.empty()) {
    out->append("Cookie: ");
    out->append(head.cookie);
    out->append("\r\n");
  }
  if (!head.origin.empty()) {
    out->append("Origin: ");
    out->append(head.origin);
    out->append("\r\n");
  }
  if (!body.empty() || head.method == "POST") {
    if (!head.content_type.empty()) {
      out->append("Content-Type: ");
      out->append(head.content_type);
      out->append("\r\n");
    }
    char len[24];
    auto [end, ec] = std::to_chars(len, len + sizeof len, body.size());
    out->append("Content-Length: ");
    out->append(len, end);
    out->append("\r\n");
  }
  if (head.close) out->append("Connection: close\r\n");
  out->append("\r\n");
  out->append(body);
}

std::string FormEncode(const FormFields& fields) {
  std::string out;
  for (const auto& [name, value] : fields) {
    if (!out.empty()) out.push_back('&');
    PercentEncode(&out, name);
    out.push_back('=');
    PercentEncode(&out, value);
  }
  return out;
}

FormFields HiddenInputs(std::string_view html) {
  FormFields fields;
  ForEachTag(html, "input", [&](std::string_view tag) {
    if (Attribute(tag, "type") != "hidden") return;
    std::string_view name = Attribute(tag, "name");
    if (name.empty()) return;
    fields.emplace_back(HtmlUnescape(name), HtmlUnescape(Attribute(tag, "value")));
  });
  return fields;
}

std::string ParamValue(std::string_view html, std::string_view name) {
  std::string found;
  ForEachTag(html, "param", [&](std::string_view tag) {
    if (found.empty() && Attribute(tag, "name") == name)
      found = HtmlUnescape(Attribute(tag, "value"));
  });
  return found;
}

std::string QueryValue(std::string_view query, std::string_view key) {
  size_t start = 0;
  while (start <= query.size()) {
    size_t amp = query.find('&', start);
    if (amp == std::string_view::npos) amp = query.size();
    std::string_view item = query.substr(start, amp - start);
    start = amp + 1;
    size_t eq = item.find('=');
    if (item.substr(0, eq) != key) continue;
    std::string out;
    std::string_view raw = eq == std::string_view::npos ? std::string_view() : item.substr(eq + 1);
    for (size_t i = 0; i < raw.size(); ++i) {
      if (raw[i] == '+') {
        out.push_back(' ');
      } else if (raw[i] == '%' && i + 2 < raw.size() && HexDigit(raw[i + 1]) >= 0 &&
                 HexDigit(raw[i + 2]) >= 0) {
        out.push_back(static_cast<char>(HexDigit(raw[i + 1]) * 16 + HexDigit(raw[i + 2])));
        i += 2;
      } else {
        out.push_back(raw[i]);
      }
    }
    return out;
  }
  return {};
}

std::string HtmlUnescape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '&') {
      out.push_back(s[i]);
      continue;
    }
    size_t semi = s.find(';', i);
    if (semi == std::string_view::npos || semi - i > 10) {
      out.push_back('&');
      continue;
    }
    std::string_view entity = s.substr(i + 1, semi - i - 1);
    if (entity == "amp") {
      out.push_back('&');
    } else if (entity == "lt") {
      out.push_back('<');
    } else if (entity == "gt") {
      out.push_back('>');
    } else if (entity == "quot") {
      out.push_back('"');
    } else if (entity == "apos") {
      out.push_back('\'');
    } else if (entity.size() > 1 && entity[0] == '#') {
      uint32_t cp = 0;
      const bool hex = entity[1] == 'x' || entity[1] == 'X';
      std::string_view digits = entity.substr(hex ? 2 : 1);
      auto [p, ec] =
          std::from_chars(digits.data(), digits.data() + digits.size(), cp, hex ? 16 : 10);
      if (ec != std::errc() || p != digits.data() + digits.size() || cp > 0x10FFFF) {
        out.push_back('&');
        continue;
      }
      AppendUtf8(&out, cp);
    } else {
      out.push_back('&');
      continue;
    }
    i = semi;
  }
  return out;
}

}  // namespace amfgate::bench
