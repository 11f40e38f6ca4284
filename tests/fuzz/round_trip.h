// The check fuzz_amf0, fuzz_amf3 and fuzz_packet share: decoding untrusted
// bytes either fails at an offset inside the input, or gives something that
// validates, encodes, decodes again to an equal thing, and encodes to the
// same bytes a second time (encode o decode is a fixed point after one
// step). A broken invariant is a FUZZ_CHECK failure, which libFuzzer reports
// as a crash with the input saved.
//
// One arena serves every input of the process and is reset before each, so
// a run allocates nothing that outlives it (libFuzzer suspects a leak in any
// run that mallocs more than it frees).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "amf/arena.h"
#include "fuzz_check.h"

namespace amfgate::fuzz {

// decode(std::string_view, Arena&) -> Result<T> (T has Validate()),
// encode(const T&, Arena&, std::string*) -> Result<size_t>,
// same(const T&, const T&) -> bool.
template <typename Decode, typename Encode, typename Same>
void CheckRoundTrip(const uint8_t* data, size_t size, Decode decode, Encode encode, Same same) {
  static Arena arena;
  arena.Reset();
  std::string_view input(reinterpret_cast<const char*>(data), size);
  auto first = decode(input, arena);
  if (!first.ok()) {
    FUZZ_CHECK(first.failure().offset <= size);
    return;
  }
  FUZZ_CHECK(first->Validate());
  std::string once;
  FUZZ_CHECK(encode(*first, arena, &once).ok());
  auto back = decode(once, arena);
  FUZZ_CHECK(back.ok() && same(*first, *back));
  std::string twice;
  FUZZ_CHECK(encode(*back, arena, &twice).ok() && twice == once);
}

}  // namespace amfgate::fuzz
