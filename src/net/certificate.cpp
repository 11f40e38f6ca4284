#include "net/certificate.h"

#include <cstdio>
#include <cstring>
#include <ctime>

#include <mbedtls/ecp.h>
#include <mbedtls/sha256.h>
#include <mbedtls/x509.h>

namespace amfgate {
namespace {

// Owns an mbedtls_x509write_cert for the duration of one generation.
class CertWriter {
 public:
  CertWriter() { mbedtls_x509write_crt_init(&w_); }
  ~CertWriter() { mbedtls_x509write_crt_free(&w_); }
  CertWriter(const CertWriter&) = delete;
  CertWriter& operator=(const CertWriter&) = delete;
  mbedtls_x509write_cert* get() { return &w_; }

 private:
  mbedtls_x509write_cert w_;
};

std::string X509Time(time_t t) {
  struct tm tm;
  gmtime_r(&t, &tm);
  char buf[16];
  strftime(buf, sizeof(buf), "%Y%m%d%H%M%S", &tm);
  return buf;
}

Status Fail(const char* step, int ret) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), " (-0x%04x)", static_cast<unsigned>(-ret));
  return Status::Error(Code::kInternal, std::string("self-signed certificate: ") + step + buf);
}

}  // namespace

Status GenerateSelfSigned(RandomFunction random, void* random_state, mbedtls_x509_crt* crt,
                          mbedtls_pk_context* key) {
  int ret = mbedtls_pk_setup(key, mbedtls_pk_info_from_type(MBEDTLS_PK_ECKEY));
  if (ret != 0) return Fail("key setup", ret);
  ret = mbedtls_ecp_gen_key(MBEDTLS_ECP_DP_SECP256R1, mbedtls_pk_ec(*key), random, random_state);
  if (ret != 0) return Fail("key generation", ret);

  CertWriter writer;
  mbedtls_x509write_cert* w = writer.get();
  mbedtls_x509write_crt_set_version(w, MBEDTLS_X509_CRT_VERSION_3);
  mbedtls_x509write_crt_set_md_alg(w, MBEDTLS_MD_SHA256);
  mbedtls_x509write_crt_set_subject_key(w, key);
  mbedtls_x509write_crt_set_issuer_key(w, key);

  unsigned char serial[16];
  ret = random(random_state, serial, sizeof(serial));
  if (ret != 0) return Fail("serial", ret);
  serial[0] &= 0x7f;  // a positive INTEGER
  serial[0] |= 0x01;  // and no leading zero byte
  if ((ret = mbedtls_x509write_crt_set_serial_raw(w, serial, sizeof(serial))) != 0) return Fail("serial", ret);

  const char* name = "CN=localhost,O=amfgate self-signed";
  if ((ret = mbedtls_x509write_crt_set_subject_name(w, name)) != 0) return Fail("subject", ret);
  if ((ret = mbedtls_x509write_crt_set_issuer_name(w, name)) != 0) return Fail("issuer", ret);
  time_t now = time(nullptr);
  std::string not_before = X509Time(now - 24 * 3600);
  std::string not_after = X509Time(now + 397LL * 24 * 3600);
  if ((ret = mbedtls_x509write_crt_set_validity(w, not_before.c_str(), not_after.c_str())) != 0) {
    return Fail("validity", ret);
  }
  if ((ret = mbedtls_x509write_crt_set_basic_constraints(w, 0, -1)) != 0) return Fail("constraints", ret);
  if ((ret = mbedtls_x509write_crt_set_key_usage(w, MBEDTLS_X509_KU_DIGITAL_SIGNATURE)) != 0) {
    return Fail("key usage", ret);
  }
  if ((ret = mbedtls_x509write_crt_set_subject_key_identifier(w)) != 0) return Fail("key id", ret);

  static const unsigned char kLocalhost[] = "localhost";
  static const unsigned char kLoopback4[4] = {127, 0, 0, 1};
  static const unsigned char kLoopback6[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
  mbedtls_x509_san_list san[3];
  std::memset(san, 0, sizeof(san));
  san[0].node.type = MBEDTLS_X509_SAN_DNS_NAME;
  san[0].node.san.unstructured_name = {MBEDTLS_ASN1_IA5_STRING, sizeof(kLocalhost) - 1,
                                       const_cast<unsigned char*>(kLocalhost)};
  san[0].next = &san[1];
  san[1].node.type = MBEDTLS_X509_SAN_IP_ADDRESS;
  san[1].node.san.unstructured_name = {MBEDTLS_ASN1_OCTET_STRING, sizeof(kLoopback4),
                                       const_cast<unsigned char*>(kLoopback4)};
  san[1].next = &san[2];
  san[2].node.type = MBEDTLS_X509_SAN_IP_ADDRESS;
  san[2].node.san.unstructured_name = {MBEDTLS_ASN1_OCTET_STRING, sizeof(kLoopback6),
                                       const_cast<unsigned char*>(kLoopback6)};
  san[2].next = nullptr;
  if ((ret = mbedtls_x509write_crt_set_subject_alternative_name(w, san)) != 0) return Fail("names", ret);

  unsigned char der[2048];
  int len = mbedtls_x509write_crt_der(w, der, sizeof(der), random, random_state);
  if (len < 0) return Fail("signing", len);
  // The DER is written at the end of the buffer.
  ret = mbedtls_x509_crt_parse_der(crt, der + sizeof(der) - len, static_cast<size_t>(len));
  if (ret != 0) return Fail("parsing the result", ret);
  return Status::Ok();
}

std::string CertificateFingerprint(const mbedtls_x509_crt* crt) {
  unsigned char digest[32];
  mbedtls_sha256(crt->raw.p, crt->raw.len, digest, 0);
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(sizeof(digest) * 3);
  for (size_t i = 0; i < sizeof(digest); ++i) {
    if (i > 0) out.push_back(':');
    out.push_back(kHex[digest[i] >> 4]);
    out.push_back(kHex[digest[i] & 15]);
  }
  return out;
}

}  // namespace amfgate
