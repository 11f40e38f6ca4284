// Strict decoding of standard base64 (RFC 4648 section 4, with padding),
// the one decoder every base64 input goes through, so that they all accept
// the same texts: the web layer's Base64Decode (the users file) and the Flex
// login command's credentials (amf/flex.cpp, which decodes into an arena
// instead of a std::string).
//
// Strict means canonical, the choice RFC 4648 section 3.5 leaves to the
// decoder: the length is a multiple of 4; every character is in the
// alphabet, except one or two '=' that close the last group; and the bits
// the padding drops are zero. Each byte string then has exactly one text, so
// no two spellings of one credential or one salt exist.
//
// Pure, linear in the text; it allocates nothing (the caller owns `out`).
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

namespace amfgate {

// Room DecodeBase64Strict needs for a text of `text_size` characters.
constexpr size_t Base64DecodedCapacity(size_t text_size) { return text_size / 4 * 3; }

// Writes the bytes `text` stands for to `out`, which has room for
// Base64DecodedCapacity(text.size()) bytes; returns how many it wrote, or
// nullopt (with `out` in any state) when `text` is not strict base64.
std::optional<size_t> DecodeBase64Strict(std::string_view text, char* out);

}  // namespace amfgate
