// libFuzzer target: net/tls.h PeekClientHello, the server's own read of a
// client's first TLS record (it picks the configuration before mbedTLS sees
// the bytes). On any input it must stay inside the bytes, report a record
// size only when the whole record is there, and answer every prefix of a
// record it accepts with "need more" or "malformed", never with an offer.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "net/tls.h"

using namespace amfgate;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  ClientHelloOffer offer;
  size_t record_size = 0;
  if (PeekClientHello(bytes, &offer, &record_size) != Code::kOk) return 0;
  if (record_size == 0 || record_size > size) std::abort();
  for (size_t cut = 0; cut < record_size; cut += 1 + cut / 16) {
    ClientHelloOffer partial;
    if (PeekClientHello(bytes.substr(0, cut), &partial) == Code::kOk) std::abort();
  }
  return 0;
}
