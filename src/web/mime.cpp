#include "web/mime.h"

#include <cctype>

namespace amfgate {

namespace {

struct MediaType {
  std::string_view extension;  // lower case, without the dot
  std::string_view type;
};

constexpr MediaType kTypes[] = {
    {"swf", "application/x-shockwave-flash"},
    {"wasm", "application/wasm"},
    {"js", "text/javascript; charset=utf-8"},
    {"mjs", "text/javascript; charset=utf-8"},
    {"map", "application/json; charset=utf-8"},
    {"json", "application/json; charset=utf-8"},
    {"html", "text/html; charset=utf-8"},
    {"htm", "text/html; charset=utf-8"},
    {"css", "text/css; charset=utf-8"},
    {"txt", "text/plain; charset=utf-8"},
    {"xml", "application/xml; charset=utf-8"},
    {"png", "image/png"},
    {"jpg", "image/jpeg"},
    {"jpeg", "image/jpeg"},
    {"gif", "image/gif"},
    {"webp", "image/webp"},
    {"svg", "image/svg+xml"},
    {"ico", "image/x-icon"},
    {"woff", "font/woff"},
    {"woff2", "font/woff2"},
    {"ttf", "font/ttf"},
    {"otf", "font/otf"},
    {"mp3", "audio/mpeg"},
    {"mp4", "video/mp4"},
    {"pdf", "application/pdf"},
    {"zip", "application/zip"},
};

bool EqualsLower(std::string_view text, std::string_view lower) {
  if (text.size() != lower.size()) return false;
  for (size_t i = 0; i < text.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(text[i])) != lower[i]) return false;
  }
  return true;
}

}  // namespace

std::string_view MediaTypeFor(std::string_view path) {
  size_t slash = path.rfind('/');
  std::string_view name = slash == std::string_view::npos ? path : path.substr(slash + 1);
  size_t dot = name.rfind('.');
  if (dot == std::string_view::npos || dot == 0) return kDefaultMediaType;
  std::string_view extension = name.substr(dot + 1);
  for (const MediaType& m : kTypes) {
    if (EqualsLower(extension, m.extension)) return m.type;
  }
  return kDefaultMediaType;
}

}  // namespace amfgate
