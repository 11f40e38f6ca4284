// What `amfgate -t` checks beyond the configuration's syntax.
//
// A configuration can parse and still fail at start: a certificate that is
// not PEM or does not match its key, a users file with a bad line, a missing
// document root or template directory. CheckConfigFiles loads each of these
// the way the server will (without binding any socket) and names the
// directive's line in the error, so `-t` after an edit says what a restart or
// SIGHUP would say. Cost: one certificate parse and key check, reading the
// users file and the templates; a cold path.
#pragma once

#include "core/config.h"
#include "core/status.h"

namespace amfgate {

Status CheckConfigFiles(const Config& config);

// Parses a PEM certificate chain and private key and checks that they belong
// together. Errors name the file and mbedTLS's reason.
Status CheckCertificatePair(const std::string& certificate, const std::string& key);

}  // namespace amfgate
