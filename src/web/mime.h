// Media types of static files, by file-name extension.
//
// A fixed table of the types amfgate serves from its document root: the SWF,
// Ruffle's JavaScript and WebAssembly, pages, styles, images, fonts, and the
// cross-domain policy. The lookup is case-insensitive on the extension and
// costs one short scan; an unknown extension is application/octet-stream,
// which browsers download rather than render (with nosniff, which the server
// always sends, they do not guess either). Text types carry charset=utf-8.
#pragma once

#include <string_view>

namespace amfgate {

inline constexpr std::string_view kDefaultMediaType = "application/octet-stream";

// The type for `path` (only its final extension counts), never empty.
std::string_view MediaTypeFor(std::string_view path);

}  // namespace amfgate
