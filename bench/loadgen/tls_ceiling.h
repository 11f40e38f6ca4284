// The TLS handshake ceiling: how many full handshakes per CPU-second the
// public-key work alone allows, measured with the very mbedTLS the server
// links.
//
// A full TLS handshake costs the server one ECDSA P-256 signature (the
// certificate proof) and one ECDHE (generate an ephemeral key, derive the
// shared secret); everything else is small next to those with mbedTLS. This
// measures each operation for a fixed CPU time, the signature through the pk
// layer and the key exchange through PSA (the paths mbedTLS 3.6's TLS code
// takes), and prints `BENCH` lines for each and for the ceiling
// 1 / (t_sign + t_ecdhe), for P-256 and for X25519 key exchange.
#pragma once

namespace amfgate::bench {

// Returns the process exit code (non-zero when mbedTLS fails).
int RunTlsCeiling(double seconds_per_operation);

}  // namespace amfgate::bench
