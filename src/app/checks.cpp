#include "app/checks.h"

#include <mbedtls/error.h>
#include <mbedtls/pk.h>
#include <mbedtls/x509_crt.h>
#include <psa/crypto.h>

#include <memory>

#include "store/random.h"
#include "web/static_files.h"
#include "web/template.h"
#include "web/users.h"

namespace amfgate {

namespace {

std::string MbedtlsError(int rc) {
  char text[160];
  mbedtls_strerror(rc, text, sizeof text);
  return text;
}

// Owners of the two mbedTLS contexts this check needs.
struct Certificate {
  Certificate() { mbedtls_x509_crt_init(&crt); }
  ~Certificate() { mbedtls_x509_crt_free(&crt); }
  Certificate(const Certificate&) = delete;
  Certificate& operator=(const Certificate&) = delete;
  mbedtls_x509_crt crt;
};

struct PrivateKey {
  PrivateKey() { mbedtls_pk_init(&pk); }
  ~PrivateKey() { mbedtls_pk_free(&pk); }
  PrivateKey(const PrivateKey&) = delete;
  PrivateKey& operator=(const PrivateKey&) = delete;
  mbedtls_pk_context pk;
};

// mbedTLS's random callback over a Random (RSA blinding in the key check).
int RandomCallback(void* random, unsigned char* out, size_t length) {
  return static_cast<Random*>(random)->RandomBytes({out, length}) == Code::kOk ? 0 : -1;
}

}  // namespace

Status CheckCertificatePair(const std::string& certificate, const std::string& key) {
  if (psa_crypto_init() != PSA_SUCCESS)
    return Status::Error(Code::kInternal, "PSA crypto initialisation failed");
  std::unique_ptr<Random> random;
  Status s = Random::Open("amfgate config check", &random);
  if (!s.ok()) return s;
  Certificate cert;
  int rc = mbedtls_x509_crt_parse_file(&cert.crt, certificate.c_str());
  if (rc != 0) return Status::Error(Code::kInvalidArgument, certificate + ": " + MbedtlsError(rc));
  PrivateKey pk;
  rc = mbedtls_pk_parse_keyfile(&pk.pk, key.c_str(), nullptr, RandomCallback, random.get());
  if (rc != 0) return Status::Error(Code::kInvalidArgument, key + ": " + MbedtlsError(rc));
  rc = mbedtls_pk_check_pair(&cert.crt.pk, &pk.pk, RandomCallback, random.get());
  if (rc != 0) {
    return Status::Error(Code::kInvalidArgument,
                         key + ": does not match the certificate " + certificate);
  }
  return Status::Ok();
}

Status CheckConfigFiles(const Config& config) {
  if (!config.certificate.empty()) {
    Status s = CheckCertificatePair(config.certificate, config.certificate_key);
    if (!s.ok()) return Status::Error(s.code(), config.PlaceOf("certificate") + s.message());
  }
  if (!config.users_file.empty()) {
    UserDb users;
    Status s = UserDb::Load(config.users_file, &users);
    if (!s.ok()) return Status::Error(s.code(), config.PlaceOf("users_file") + s.message());
  }
  StaticFiles files;
  Status s = files.Open(config.docroot);
  if (!s.ok()) return Status::Error(s.code(), config.PlaceOf("docroot") + s.message());
  TemplateSet templates;
  s = templates.Load(config.template_dir);
  if (!s.ok()) return Status::Error(s.code(), config.PlaceOf("template_dir") + s.message());
  return Status::Ok();
}

}  // namespace amfgate
