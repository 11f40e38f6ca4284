// The TLS handshake ceiling: how many full handshakes per CPU-second the
// public-key work alone allows, measured with the very mbedTLS the server
// links.
//
// A full TLS handshake costs the server one ECDSA P-256 signature (the
// certificate proof) and one ECDHE (generate an ephemeral key, derive the
// shared secret); everything else is small next to those with mbedTLS. The
// ceiling times the two together, one after the other as one operation, for
// `seconds` of CPU, the signature through the pk layer and the key exchange
// through PSA (the paths mbedTLS 3.6's TLS code takes); then each part alone
// for a quarter of that, and X25519's exchange, for the figures beside it. Prints
// `BENCH` lines for each.
#pragma once

namespace amfgate::bench {

// Returns the process exit code (non-zero when mbedTLS fails).
int RunTlsCeiling(double seconds);

}  // namespace amfgate::bench
