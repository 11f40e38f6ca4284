// AMF decoding for the load generator's response checks.
//
// Reads a remoting packet (version, headers, bodies) and decodes each body's
// value, AMF0 with switches to AMF3, into a ValueArena. Every length and count
// is checked against the bytes that remain before anything is read or
// allocated; nesting is capped; references must point at values already
// decoded. AMF3 reference tables are kept per header and per body. The
// length field of headers and bodies is not trusted (clients and servers
// send 0 or 0xFFFFFFFF): values are parsed from the bytes.
//
// Failures come back as a static reason; views in a Packet point into the
// bytes given to ReadPacket and live as long as they do.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "amf_value.h"
#include "core/status.h"

namespace amfgate::bench {

struct Body {
  std::string_view target;
  std::string_view response;
  std::string_view raw;  // the encoded value, for byte-for-byte comparison
  const Value* value = nullptr;
};

struct Packet {
  uint16_t version = 0;
  uint16_t header_count = 0;
  std::vector<Body> bodies;
};

// Decodes `bytes` into *out; on failure *reason says why.
Code ReadPacket(std::string_view bytes, ValueArena* arena, Packet* out, const char** reason);

// Whether a body is a fault (`.../onStatus`), and its code and description
// (AMF0 `code`/`description`, Flex `faultCode`/`faultString`), when present.
bool IsFault(const Body& body);
std::string_view FaultCode(const Body& body);

}  // namespace amfgate::bench
