// The certificate a TLS listener presents when none is configured, and the
// fingerprint operators compare against.
//
// GenerateSelfSigned makes a fresh ECDSA P-256 key and a self-signed X.509 v3
// certificate for it, in memory only (never written to disk): subject
// "CN=localhost, O=amfgate self-signed", SANs localhost, 127.0.0.1 and ::1,
// valid from one day ago for 397 days, SHA-256 signature, not a CA. A new
// one is made at every start, so clients must pin it by fingerprint (or
// accept it for development). Start-up only: it reads the wall clock and
// costs one key generation and one signature.
#pragma once

#include <string>

#include <mbedtls/pk.h>
#include <mbedtls/x509_crt.h>

#include "core/status.h"

namespace amfgate {

using RandomFunction = int (*)(void*, unsigned char*, size_t);

// `crt` and `key` are initialised and empty; on success they hold the
// certificate and its private key.
Status GenerateSelfSigned(RandomFunction random, void* random_state, mbedtls_x509_crt* crt,
                          mbedtls_pk_context* key);

// "AB:CD:..." hex SHA-256 of the certificate's DER encoding.
std::string CertificateFingerprint(const mbedtls_x509_crt* crt);

}  // namespace amfgate
