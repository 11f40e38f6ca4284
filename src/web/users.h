// The users file and password verification.
//
// One user a line, `name:pbkdf2-sha256:ITERATIONS:SALT_B64:HASH_B64`, where the
// hash is PBKDF2-HMAC-SHA256(password, salt, iterations) truncated to 32
// bytes and both byte strings are standard base64. Blank lines and lines that
// start with '#' are comments. The iteration count is recorded per line, so an
// operator can raise it for new passwords without invalidating old ones.
//
// Cost: Verify runs PBKDF2 once, about 1.1 us per iteration with mbedTLS on
// this class of machine (20,000 iterations, the default, is ~22 ms). It runs
// on the loop thread, so password login is rate-limited by its caller. An
// unknown name is checked against a dummy record with the highest iteration
// count in the table, so it costs what a wrong password costs, and the final
// comparison is constant-time (mbedtls_ct_memcmp).
//
// A UserDb is a value: loading builds a new one and the caller swaps it in
// (SIGHUP keeps the old table when the new file fails to load).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/status.h"

namespace amfgate {

constexpr uint32_t kDefaultPbkdf2Iterations = 20000;
constexpr uint32_t kMinPbkdf2Iterations = 1000;
constexpr uint32_t kMaxPbkdf2Iterations = 10000000;
constexpr size_t kPasswordHashBytes = 32;
constexpr size_t kPasswordSaltBytes = 16;
constexpr size_t kMaxUserNameBytes = 64;
constexpr size_t kMaxPasswordBytes = 1024;

struct UserRecord {
  std::string name;
  uint32_t iterations = kDefaultPbkdf2Iterations;
  std::string salt;  // raw bytes
  std::string hash;  // raw bytes, kPasswordHashBytes long

  // Derives the record for `password` with the given salt and cost.
  static UserRecord Make(std::string_view name, std::string_view password, uint32_t iterations,
                         std::string_view salt);
  // Parses one non-comment line of the users file.
  static Result<UserRecord> Parse(std::string_view line);
  // The line as the users file stores it (no newline).
  std::string Format() const;
  bool Validate() const;
};

// Names are 1..64 bytes of [A-Za-z0-9._@+-]: printable in logs and pages, and
// never containing the file's ':' separator.
bool IsValidUserName(std::string_view name);

// Fills `out` from a CTR_DRBG seeded from the OS entropy source. Cold path
// (salts, the demo password): each call seeds its own generator.
Status FillRandom(std::span<uint8_t> out);

class UserDb {
 public:
  UserDb();

  // Reads a users file; the error names the file and line.
  static Status Load(const std::string& path, UserDb* out);

  // Adds or replaces a user.
  void Put(UserRecord record);
  bool Contains(std::string_view name) const { return users_.count(std::string(name)) != 0; }
  size_t size() const { return users_.size(); }

  // True when `password` is `name`'s. Same work whether or not the user
  // exists; comparison in constant time.
  bool Verify(std::string_view name, std::string_view password) const;

  bool Validate() const;

 private:
  std::unordered_map<std::string, UserRecord> users_;
  UserRecord dummy_;  // verified against when the name is unknown
};

// The demo user of a server started without a users file: name "demo" and a
// fresh random password (16 base64url characters) that the caller prints.
struct DemoUser {
  UserRecord record;
  std::string password;
};
Result<DemoUser> MakeDemoUser();

}  // namespace amfgate
