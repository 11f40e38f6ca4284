// UTF-8 validation for every string the AMF decoders accept.
//
// Strict RFC 3629: no overlong forms, no surrogate code points (U+D800 to
// U+DFFF, which Flash writes for lone UTF-16 surrogates and Java's modified
// UTF-8 for pairs), nothing above U+10FFFF. ASCII is checked eight bytes at a
// time, so the common case costs about a load and a mask per eight bytes.
#pragma once

#include <cstddef>
#include <string_view>

namespace amfgate::amf {

bool IsValidUtf8(std::string_view s);

}  // namespace amfgate::amf
