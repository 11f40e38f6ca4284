#include "web/users.h"

#include <mbedtls/ctr_drbg.h>
#include <mbedtls/entropy.h>
#include <mbedtls/pkcs5.h>

// constant_time.h, alone among mbedTLS 3.6 headers, lacks C linkage guards.
extern "C" {
#include <mbedtls/constant_time.h>
}

#include <charconv>
#include <fstream>

#include "web/encoding.h"

namespace amfgate {

namespace {

constexpr std::string_view kScheme = "pbkdf2-sha256";

std::string Derive(std::string_view password, std::string_view salt, uint32_t iterations) {
  std::string out(kPasswordHashBytes, '\0');
  // PBKDF2-HMAC-SHA256 fails only on invalid arguments, which Make's callers
  // rule out (lengths are bounded, the digest is compiled in).
  mbedtls_pkcs5_pbkdf2_hmac_ext(
      MBEDTLS_MD_SHA256, reinterpret_cast<const unsigned char*>(password.data()), password.size(),
      reinterpret_cast<const unsigned char*>(salt.data()), salt.size(), iterations,
      kPasswordHashBytes, reinterpret_cast<unsigned char*>(out.data()));
  return out;
}

// Splits on ':' into exactly `n` fields.
bool SplitFields(std::string_view line, std::string_view* fields, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    size_t colon = line.find(':');
    if (i + 1 == n) {
      if (colon != std::string_view::npos) return false;
      fields[i] = line;
      return true;
    }
    if (colon == std::string_view::npos) return false;
    fields[i] = line.substr(0, colon);
    line.remove_prefix(colon + 1);
  }
  return false;
}

class Drbg {
 public:
  Drbg() {
    mbedtls_entropy_init(&entropy_);
    mbedtls_ctr_drbg_init(&drbg_);
  }
  ~Drbg() {
    mbedtls_ctr_drbg_free(&drbg_);
    mbedtls_entropy_free(&entropy_);
  }
  Drbg(const Drbg&) = delete;
  Drbg& operator=(const Drbg&) = delete;

  int Seed() {
    static constexpr unsigned char kPersonalization[] = "amfgate users salt";
    return mbedtls_ctr_drbg_seed(&drbg_, mbedtls_entropy_func, &entropy_, kPersonalization,
                                 sizeof(kPersonalization) - 1);
  }
  int Fill(std::span<uint8_t> out) {
    return mbedtls_ctr_drbg_random(&drbg_, out.data(), out.size());
  }

 private:
  mbedtls_entropy_context entropy_;
  mbedtls_ctr_drbg_context drbg_;
};

}  // namespace

bool IsValidUserName(std::string_view name) {
  if (name.empty() || name.size() > kMaxUserNameBytes) return false;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '@' || c == '+' || c == '-';
    if (!ok) return false;
  }
  return true;
}

Status FillRandom(std::span<uint8_t> out) {
  Drbg drbg;
  if (drbg.Seed() != 0)
    return Status::Error(Code::kInternal, "seeding CTR_DRBG from the OS failed");
  if (drbg.Fill(out) != 0) return Status::Error(Code::kInternal, "CTR_DRBG failed");
  return Status::Ok();
}

UserRecord UserRecord::Make(std::string_view name, std::string_view password, uint32_t iterations,
                            std::string_view salt) {
  UserRecord r;
  r.name = std::string(name);
  r.iterations = iterations;
  r.salt = std::string(salt);
  r.hash = Derive(password.substr(0, kMaxPasswordBytes), salt, iterations);
  return r;
}

Result<UserRecord> UserRecord::Parse(std::string_view line) {
  std::string_view f[5];
  if (!SplitFields(line, f, 5))
    return Failure{Code::kMalformed, "expected name:pbkdf2-sha256:ITERATIONS:SALT:HASH"};
  if (!IsValidUserName(f[0])) return Failure{Code::kMalformed, "invalid user name"};
  if (f[1] != kScheme) return Failure{Code::kMalformed, "unknown hash scheme (want pbkdf2-sha256)"};
  uint32_t iterations = 0;
  auto [end, ec] = std::from_chars(f[2].data(), f[2].data() + f[2].size(), iterations);
  if (ec != std::errc() || end != f[2].data() + f[2].size() || iterations < kMinPbkdf2Iterations ||
      iterations > kMaxPbkdf2Iterations) {
    return Failure{Code::kMalformed, "iteration count out of range"};
  }
  auto salt = Base64Decode(f[3]);
  if (!salt || salt->size() < 8 || salt->size() > 64) return Failure{Code::kMalformed, "bad salt"};
  auto hash = Base64Decode(f[4]);
  if (!hash || hash->size() != kPasswordHashBytes) return Failure{Code::kMalformed, "bad hash"};
  UserRecord r;
  r.name = std::string(f[0]);
  r.iterations = iterations;
  r.salt = std::move(*salt);
  r.hash = std::move(*hash);
  return r;
}

std::string UserRecord::Format() const {
  std::string out = name;
  out += ':';
  out += kScheme;
  out += ':';
  out += std::to_string(iterations);
  out += ':';
  out += Base64Encode(salt);
  out += ':';
  out += Base64Encode(hash);
  return out;
}

bool UserRecord::Validate() const {
  return IsValidUserName(name) && iterations >= kMinPbkdf2Iterations &&
         iterations <= kMaxPbkdf2Iterations && !salt.empty() && hash.size() == kPasswordHashBytes;
}

UserDb::UserDb() {
  // The dummy's salt and hash are fixed: nobody knows a password for it that
  // matters, because Verify never returns true for an unknown name.
  dummy_ = UserRecord::Make("dummy", "dummy", kDefaultPbkdf2Iterations, "amfgate-dummy-salt");
}

Status UserDb::Load(const std::string& path, UserDb* out) {
  std::ifstream in(path);
  if (!in) return Status::Error(Code::kIoError, path + ": cannot open users file");
  UserDb db;
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line[0] == '#') continue;
    auto rec = UserRecord::Parse(line);
    if (!rec.ok()) {
      return Status::Error(Code::kMalformed,
                           path + ":" + std::to_string(number) + ": " + rec.failure().reason);
    }
    if (db.Contains(rec->name)) {
      return Status::Error(Code::kMalformed,
                           path + ":" + std::to_string(number) + ": user listed twice");
    }
    db.Put(std::move(rec.value()));
  }
  *out = std::move(db);
  return Status::Ok();
}

void UserDb::Put(UserRecord record) {
  // The dummy costs as much as the most expensive real record, so an unknown
  // name is never the fast path.
  if (record.iterations > dummy_.iterations) {
    dummy_ = UserRecord::Make("dummy", "dummy", record.iterations, "amfgate-dummy-salt");
  }
  std::string name = record.name;
  users_[name] = std::move(record);
}

bool UserDb::Verify(std::string_view name, std::string_view password) const {
  auto it = users_.find(std::string(name));
  bool known = it != users_.end();
  const UserRecord& r = known ? it->second : dummy_;
  // An unknown user pays for the dummy's derivation at the dummy's cost,
  // which is at least every real record's.
  std::string derived = Derive(password.substr(0, kMaxPasswordBytes), r.salt, r.iterations);
  bool equal = mbedtls_ct_memcmp(derived.data(), r.hash.data(), kPasswordHashBytes) == 0;
  return equal && known && password.size() <= kMaxPasswordBytes;
}

bool UserDb::Validate() const {
  for (const auto& [name, rec] : users_) {
    if (name != rec.name || !rec.Validate() || rec.iterations > dummy_.iterations) return false;
  }
  return dummy_.hash.size() == kPasswordHashBytes;
}

Result<DemoUser> MakeDemoUser() {
  uint8_t bytes[12 + kPasswordSaltBytes];
  if (!FillRandom(bytes).ok()) return Failure{Code::kInternal, "no entropy for the demo user"};
  DemoUser demo;
  demo.password = Base64UrlEncode(std::string_view(reinterpret_cast<char*>(bytes), 12));
  demo.record =
      UserRecord::Make("demo", demo.password, kDefaultPbkdf2Iterations,
                       std::string_view(reinterpret_cast<char*>(bytes + 12), kPasswordSaltBytes));
  return demo;
}

}  // namespace amfgate
