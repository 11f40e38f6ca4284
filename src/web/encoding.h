// Text encodings the web layer needs, in one place: base64 (the users file,
// the Flex login command), base64url without padding (tokens, cookie names),
// HTML escaping (every template value), URL form encoding (flashvars) and
// form decoding (POST bodies), and cookie header parsing.
//
// All functions are pure and allocate only their result. Decoders reject
// anything that is not canonical rather than guessing.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace amfgate {

std::string Base64Encode(std::string_view bytes);
// Standard alphabet with padding, strictly (core/base64.h): nullopt on any
// other character or length, and on non-zero bits under the padding.
std::optional<std::string> Base64Decode(std::string_view text);

std::string Base64UrlEncode(std::string_view bytes);  // no padding

// Escapes & < > " ' so the result is safe in element content and in quoted
// attribute values.
std::string HtmlEscape(std::string_view text);
void AppendHtmlEscaped(std::string_view text, std::string* out);

// application/x-www-form-urlencoded: unreserved characters as they are,
// space as '+', everything else %XX.
std::string FormEncode(std::string_view text);

// Parses an application/x-www-form-urlencoded body into (name, value) pairs in
// order. nullopt when a %-escape is broken.
std::optional<std::vector<std::pair<std::string, std::string>>> ParseForm(std::string_view body);

// Finds the first field named `name`; nullptr if absent.
const std::string* FindField(const std::vector<std::pair<std::string, std::string>>& fields,
                             std::string_view name);

// The value of cookie `name` in a Cookie header ("a=1; b=2"), or nullopt.
// Views into `header`.
std::optional<std::string_view> FindCookie(std::string_view header, std::string_view name);

}  // namespace amfgate
