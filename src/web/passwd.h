// `amfgate passwd [-i ITERATIONS] FILE NAME`: adds or replaces NAME in a users
// file with a password read from standard input (one line; the trailing
// newline is not part of it). The salt is 16 random bytes from CTR_DRBG; the
// iteration count (default kDefaultPbkdf2Iterations) is written on the line.
//
// Other lines, comments included, are kept as they were. The new file is
// written next to the old one with mode 0600, synced, then renamed over it,
// so a reader sees the old file or the new one, never half of either.
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"

namespace amfgate {

// argv as main received it, either from the program name
// (`amfgate passwd FILE NAME`) or from the sub-command (`passwd FILE NAME`).
// Returns the process exit code; errors are one line on stderr.
int RunPasswd(int argc, char** argv);

// The library call behind it: sets NAME's password in FILE.
Status SetPassword(const std::string& path, std::string_view name, std::string_view password,
                   unsigned iterations);

}  // namespace amfgate
