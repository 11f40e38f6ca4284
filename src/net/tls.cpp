#include "net/tls.h"

#include <mbedtls/error.h>
#include <psa/crypto.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <iterator>

#include "net/certificate.h"

namespace amfgate {
namespace {

// TLS 1.3 suites in the server's order of preference (tls.h says why).
constexpr int kTls13Preference[] = {
    MBEDTLS_TLS1_3_CHACHA20_POLY1305_SHA256,
    MBEDTLS_TLS1_3_AES_128_GCM_SHA256,
    MBEDTLS_TLS1_3_AES_256_GCM_SHA384,
};
constexpr size_t kTls13Suites = std::size(kTls13Preference);

// TLS 1.2, in the server's order (mbedTLS follows it): only ECDHE with an
// AEAD (no CBC, no static RSA, no finite-field DHE), cheapest AEAD first.
constexpr int kTls12Suites[] = {
    MBEDTLS_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
    MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
    MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
    MBEDTLS_TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
    MBEDTLS_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
    MBEDTLS_TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
};

// A zero-terminated suite list for mbedtls_ssl_conf_ciphersuites: every
// TLS 1.2 suite, and every TLS 1.3 suite or only `tls13_only`.
struct SuiteList {
  int ids[kTls13Suites + std::size(kTls12Suites) + 1];
};

constexpr SuiteList MakeSuites(int tls13_only) {
  SuiteList list{};
  size_t n = 0;
  for (int id : kTls13Preference) {
    if (tls13_only == 0 || id == tls13_only) list.ids[n++] = id;
  }
  for (int id : kTls12Suites) list.ids[n++] = id;
  list.ids[n] = 0;
  return list;
}

constexpr SuiteList kAllSuites = MakeSuites(0);
static_assert(kTls13Suites == 3, "one kOnlySuite entry per TLS 1.3 suite");
constexpr SuiteList kOnlySuite[kTls13Suites] = {
    MakeSuites(kTls13Preference[0]),
    MakeSuites(kTls13Preference[1]),
    MakeSuites(kTls13Preference[2]),
};

// Only HTTP/1.1 is spoken; saying so lets a client that offers h2 first
// settle on http/1.1 rather than guess.
const char* kAlpn[] = {"http/1.1", nullptr};

// TLS 1.2 takes the first of these the client supports; TLS 1.3 the first
// key share the client sent of a group listed here.
const uint16_t kGroups[] = {
    MBEDTLS_SSL_IANA_TLS_GROUP_SECP256R1,
    MBEDTLS_SSL_IANA_TLS_GROUP_X25519,
    MBEDTLS_SSL_IANA_TLS_GROUP_SECP384R1,
    MBEDTLS_SSL_IANA_TLS_GROUP_NONE,
};
// For a TLS 1.3 client that sent a P-256 share (among others).
const uint16_t kGroupsP256Share[] = {
    MBEDTLS_SSL_IANA_TLS_GROUP_SECP256R1,
    MBEDTLS_SSL_IANA_TLS_GROUP_NONE,
};

const uint16_t kSigAlgs[] = {
    MBEDTLS_TLS1_3_SIG_ECDSA_SECP256R1_SHA256,
    MBEDTLS_TLS1_3_SIG_ECDSA_SECP384R1_SHA384,
    MBEDTLS_TLS1_3_SIG_RSA_PSS_RSAE_SHA256,
    MBEDTLS_TLS1_3_SIG_RSA_PSS_RSAE_SHA384,
    MBEDTLS_TLS1_3_SIG_RSA_PKCS1_SHA256,
    MBEDTLS_TLS1_3_SIG_RSA_PKCS1_SHA384,
    MBEDTLS_TLS1_3_SIG_NONE,
};

// RFC 8446 numbers the ClientHello parser needs.
constexpr uint8_t kRecordAlert = 21;
constexpr uint8_t kRecordHandshake = 22;
constexpr uint8_t kClientHello = 1;
constexpr size_t kRecordHeader = 5;
constexpr size_t kMaxRecordPayload = 16384;  // TLSPlaintext.length at most 2^14
constexpr uint16_t kExtSupportedVersions = 43;
constexpr uint16_t kExtKeyShare = 51;
constexpr uint16_t kExtPreSharedKey = 41;
constexpr uint16_t kExtPskModes = 45;
constexpr uint8_t kPskKe = 0;
constexpr uint8_t kPskDheKe = 1;
constexpr uint16_t kVersionTls13 = 0x0304;

// A bounds-checked big-endian reader: every read fails, rather than reading
// past the end, when too few bytes remain.
class Reader {
 public:
  explicit Reader(std::string_view bytes) : bytes_(bytes) {}
  bool empty() const { return bytes_.empty(); }
  bool U8(uint8_t* v) {
    if (bytes_.empty()) return false;
    *v = static_cast<uint8_t>(bytes_[0]);
    bytes_.remove_prefix(1);
    return true;
  }
  bool U16(uint16_t* v) {
    if (bytes_.size() < 2) return false;
    *v = static_cast<uint16_t>(static_cast<uint8_t>(bytes_[0]) << 8 |
                               static_cast<uint8_t>(bytes_[1]));
    bytes_.remove_prefix(2);
    return true;
  }
  bool U24(uint32_t* v) {
    if (bytes_.size() < 3) return false;
    *v = static_cast<uint32_t>(static_cast<uint8_t>(bytes_[0])) << 16 |
         static_cast<uint32_t>(static_cast<uint8_t>(bytes_[1])) << 8 |
         static_cast<uint8_t>(bytes_[2]);
    bytes_.remove_prefix(3);
    return true;
  }
  // Moves the next `n` bytes into `part`.
  bool Take(size_t n, Reader* part) {
    if (bytes_.size() < n) return false;
    *part = Reader(bytes_.substr(0, n));
    bytes_.remove_prefix(n);
    return true;
  }
  bool Skip(size_t n) {
    Reader ignored({});
    return Take(n, &ignored);
  }
  // A vector with a one- or two-byte length prefix.
  bool Vector8(Reader* part) {
    uint8_t n;
    return U8(&n) && Take(n, part);
  }
  bool Vector16(Reader* part) {
    uint16_t n;
    return U16(&n) && Take(n, part);
  }

 private:
  std::string_view bytes_;
};

bool ReadSupportedVersions(Reader ext, ClientHelloOffer* offer) {
  Reader versions({});
  if (!ext.Vector8(&versions) || !ext.empty()) return false;
  uint16_t version;
  while (versions.U16(&version)) {
    if (version == kVersionTls13) offer->tls13 = true;
  }
  return versions.empty();
}

bool ReadKeyShares(Reader ext, ClientHelloOffer* offer) {
  Reader shares({});
  if (!ext.Vector16(&shares) || !ext.empty()) return false;
  while (!shares.empty()) {
    uint16_t group;
    Reader key({});
    if (!shares.U16(&group) || !shares.Vector16(&key)) return false;
    if (group == MBEDTLS_SSL_IANA_TLS_GROUP_SECP256R1) offer->p256_share = true;
  }
  return true;
}

// psk_key_exchange_modes: true when it lists psk_ke and not psk_dhe_ke.
bool ReadPskModes(Reader ext, bool* psk_ke_only) {
  Reader modes({});
  if (!ext.Vector8(&modes) || !ext.empty()) return false;
  bool psk_ke = false, psk_dhe_ke = false;
  uint8_t mode;
  while (modes.U8(&mode)) {
    psk_ke |= mode == kPskKe;
    psk_dhe_ke |= mode == kPskDheKe;
  }
  *psk_ke_only = psk_ke && !psk_dhe_ke;
  return true;
}

// Splits off the next record of `bytes`: its type and payload.
bool NextRecord(std::string_view* bytes, uint8_t* type, std::string_view* payload) {
  Reader header(*bytes);
  uint8_t major, minor;
  uint16_t length;
  if (!header.U8(type) || !header.U8(&major) || !header.U8(&minor) || !header.U16(&length) ||
      bytes->size() < kRecordHeader + length) {
    return false;
  }
  *payload = bytes->substr(kRecordHeader, length);
  bytes->remove_prefix(kRecordHeader + length);
  return true;
}

// True when `bytes` is a sequence of whole alert records (or nothing).
bool OnlyAlerts(std::string_view bytes) {
  uint8_t type;
  std::string_view payload;
  while (NextRecord(&bytes, &type, &payload)) {
    if (type != kRecordAlert) return false;
  }
  return bytes.empty();
}

// What the server's own first flight says about resumption. The ServerHello
// is the first record mbedTLS writes after a ClientHello: in TLS 1.3 it
// carries pre_shared_key exactly when a ticket was accepted, and in TLS 1.2
// a resumed server follows it with ChangeCipherSpec and Finished in the same
// flight (a full one sends its certificate and waits). A ticket that decrypts
// is not yet a resumption: TLS 1.3 still drops it when its age or modes do
// not fit.
enum class Flight { kUndecided, kFull, kResumed };

constexpr uint8_t kRecordChangeCipherSpec = 20;
constexpr uint8_t kServerHello = 2;
// HelloRetryRequest is a ServerHello with this random (RFC 8446, 4.1.3).
constexpr unsigned char kHelloRetryRandom[32] = {
    0xCF, 0x21, 0xAD, 0x74, 0xE5, 0x9A, 0x61, 0x11, 0xBE, 0x1D, 0x8C, 0x02, 0x1E, 0x65, 0xB8, 0x91,
    0xC2, 0xA2, 0x11, 0x16, 0x7A, 0xBB, 0x8C, 0x5E, 0x07, 0x9E, 0x09, 0xE2, 0xC8, 0xA8, 0x33, 0x9C};

// The TLS 1.3 verdict of a ServerHello's extensions: resumed when it holds
// pre_shared_key; kUndecided when it is not a TLS 1.3 ServerHello.
Flight Tls13Verdict(Reader extensions) {
  bool tls13 = false, psk = false;
  while (!extensions.empty()) {
    uint16_t type, version;
    Reader ext({});
    if (!extensions.U16(&type) || !extensions.Vector16(&ext)) return Flight::kUndecided;
    if (type == kExtSupportedVersions) tls13 = ext.U16(&version) && version == kVersionTls13;
    psk |= type == kExtPreSharedKey;
  }
  if (!tls13) return Flight::kUndecided;
  return psk ? Flight::kResumed : Flight::kFull;
}

Flight ClassifyServerFlight(std::string_view flight) {
  uint8_t type;
  std::string_view payload;
  if (!NextRecord(&flight, &type, &payload) || type != kRecordHandshake) return Flight::kUndecided;
  Reader record(payload), hello({}), session_id({}), extensions({});
  uint8_t message;
  uint32_t length;
  if (!record.U8(&message) || message != kServerHello || !record.U24(&length) ||
      !record.Take(length, &hello) || payload.size() < 6 + 32) {
    return Flight::kUndecided;
  }
  if (std::memcmp(payload.data() + 6, kHelloRetryRandom, 32) == 0) return Flight::kUndecided;
  // legacy_version, random, session id, suite, compression, extensions.
  if (hello.Skip(2 + 32) && hello.Vector8(&session_id) && hello.Skip(3) &&
      hello.Vector16(&extensions)) {
    if (Flight tls13 = Tls13Verdict(extensions); tls13 != Flight::kUndecided) return tls13;
  }
  while (NextRecord(&flight, &type, &payload)) {
    if (type == kRecordChangeCipherSpec) return Flight::kResumed;
  }
  return Flight::kFull;
}

}  // namespace

std::string MbedtlsError(int ret) {
  char text[128];
  mbedtls_strerror(ret, text, sizeof(text));
  char code[24];
  std::snprintf(code, sizeof(code), " (-0x%04x)", static_cast<unsigned>(-ret));
  return std::string(text) + code;
}

Code PeekClientHello(std::string_view bytes, ClientHelloOffer* offer, size_t* record_size) {
  *offer = ClientHelloOffer{};
  if (record_size != nullptr) *record_size = 0;
  if (bytes.size() < kRecordHeader) return Code::kAgain;
  Reader header(bytes.substr(0, kRecordHeader));
  uint8_t type, major, minor;
  uint16_t length;
  if (!header.U8(&type) || !header.U8(&major) || !header.U8(&minor) || !header.U16(&length))
    return Code::kMalformed;
  if (type != kRecordHandshake || major != 3 || length == 0 || length > kMaxRecordPayload)
    return Code::kMalformed;
  if (record_size != nullptr) *record_size = kRecordHeader + length;
  if (bytes.size() < kRecordHeader + length) return Code::kAgain;

  Reader record(bytes.substr(kRecordHeader, length));
  uint8_t message;
  uint32_t message_length;
  Reader hello({});
  if (!record.U8(&message) || message != kClientHello || !record.U24(&message_length) ||
      !record.Take(message_length, &hello)) {
    return Code::kMalformed;  // not a ClientHello, or one spread over several records
  }
  Reader session_id({}), suites({}), compression({});
  // legacy_version and random, then the vectors.
  if (!hello.Skip(2 + 32) || !hello.Vector8(&session_id) || !hello.Vector16(&suites) ||
      !hello.Vector8(&compression)) {
    return Code::kMalformed;
  }
  uint16_t suite;
  while (suites.U16(&suite)) {
    for (size_t i = 0; i < kTls13Suites; ++i) {
      if (suite == kTls13Preference[i]) offer->tls13_suites |= static_cast<uint8_t>(1u << i);
    }
  }
  if (!suites.empty()) return Code::kMalformed;
  if (hello.empty()) return Code::kOk;  // no extensions: an old TLS 1.2 client
  Reader extensions({});
  if (!hello.Vector16(&extensions) || !hello.empty()) return Code::kMalformed;
  bool pre_shared_key = false, psk_ke_only = false;
  while (!extensions.empty()) {
    uint16_t ext_type;
    Reader ext({});
    if (!extensions.U16(&ext_type) || !extensions.Vector16(&ext)) return Code::kMalformed;
    if (ext_type == kExtSupportedVersions && !ReadSupportedVersions(ext, offer))
      return Code::kMalformed;
    if (ext_type == kExtKeyShare && !ReadKeyShares(ext, offer)) return Code::kMalformed;
    if (ext_type == kExtPskModes && !ReadPskModes(ext, &psk_ke_only)) return Code::kMalformed;
    pre_shared_key |= ext_type == kExtPreSharedKey;
  }
  offer->pre_shared_key = offer->tls13 && pre_shared_key;
  offer->psk_ke_only = offer->pre_shared_key && psk_ke_only;
  return Code::kOk;
}

TlsRandom::TlsRandom() {
  mbedtls_entropy_init(&entropy_);
  mbedtls_ctr_drbg_init(&drbg_);
}

TlsRandom::~TlsRandom() {
  mbedtls_ctr_drbg_free(&drbg_);
  mbedtls_entropy_free(&entropy_);
}

Status TlsRandom::Seed(std::string_view personalization) {
  int ret = mbedtls_ctr_drbg_seed(&drbg_, mbedtls_entropy_func, &entropy_,
                                  reinterpret_cast<const unsigned char*>(personalization.data()),
                                  personalization.size());
  if (ret != 0)
    return Status::Error(Code::kInternal, "seeding the TLS random generator: " + MbedtlsError(ret));
  return Status::Ok();
}

int TlsRandom::Random(void* self, unsigned char* out, size_t len) {
  return mbedtls_ctr_drbg_random(static_cast<TlsRandom*>(self)->drbg(), out, len);
}

TicketKeys::TicketKeys() { mbedtls_ssl_ticket_init(&ticket_); }
TicketKeys::~TicketKeys() { mbedtls_ssl_ticket_free(&ticket_); }

Status TicketKeys::Setup(TlsRandom* random, Duration lifetime) {
  uint32_t seconds = static_cast<uint32_t>(std::max<Duration>(lifetime / kSecond, 1));
  int ret = mbedtls_ssl_ticket_setup(&ticket_, TlsRandom::Random, random,
                                     MBEDTLS_CIPHER_AES_256_GCM, seconds);
  if (ret != 0) return Status::Error(Code::kInternal, "session ticket keys: " + MbedtlsError(ret));
  return Status::Ok();
}

TlsContext::TlsContext() {
  for (mbedtls_ssl_config& config : configs_) mbedtls_ssl_config_init(&config);
  mbedtls_x509_crt_init(&chain_);
  mbedtls_pk_init(&key_);
}

TlsContext::~TlsContext() {
  for (mbedtls_ssl_config& config : configs_) mbedtls_ssl_config_free(&config);
  mbedtls_x509_crt_free(&chain_);
  mbedtls_pk_free(&key_);
}

Status TlsContext::Init(const std::string& certificate_file, const std::string& key_file,
                        TlsRandom* random, TicketKeys* tickets) {
  // TLS 1.3 in mbedTLS 3.6 runs its key schedule through PSA.
  psa_status_t psa = psa_crypto_init();
  if (psa != PSA_SUCCESS) {
    return Status::Error(Code::kInternal,
                         "psa_crypto_init failed: " + std::to_string(static_cast<int>(psa)));
  }
  int ret;
  if (certificate_file.empty() && key_file.empty()) {
    Status s = GenerateSelfSigned(TlsRandom::Random, random, &chain_, &key_);
    if (!s.ok()) return s;
    self_signed_ = true;
  } else {
    if (certificate_file.empty() || key_file.empty()) {
      return Status::Error(Code::kInvalidArgument, "certificate and certificate_key go together");
    }
    if ((ret = mbedtls_x509_crt_parse_file(&chain_, certificate_file.c_str())) != 0) {
      return Status::Error(Code::kInvalidArgument, certificate_file + ": " + MbedtlsError(ret));
    }
    ret = mbedtls_pk_parse_keyfile(&key_, key_file.c_str(), nullptr, TlsRandom::Random, random);
    if (ret != 0) return Status::Error(Code::kInvalidArgument, key_file + ": " + MbedtlsError(ret));
    if (!mbedtls_pk_can_do(&key_, MBEDTLS_PK_ECDSA) && !mbedtls_pk_can_do(&key_, MBEDTLS_PK_RSA)) {
      return Status::Error(Code::kInvalidArgument, key_file + ": neither an ECDSA nor an RSA key");
    }
    ret = mbedtls_pk_check_pair(&chain_.pk, &key_, TlsRandom::Random, random);
    if (ret != 0) {
      return Status::Error(Code::kInvalidArgument, key_file + ": does not match " +
                                                       certificate_file + ": " + MbedtlsError(ret));
    }
  }
  fingerprint_ = CertificateFingerprint(&chain_);

  static_assert(kConfigs == 3 + 2 * kTls13Suites);
  constexpr int kAllModes = MBEDTLS_SSL_TLS1_3_KEY_EXCHANGE_MODE_ALL;
  Status s = Configure(&configs_[0], kAllSuites.ids, kGroups, kAllModes, random, tickets);
  for (size_t i = 0; i < kTls13Suites && s.ok(); ++i) {
    s = Configure(&configs_[1 + 2 * i], kOnlySuite[i].ids, kGroups, kAllModes, random, tickets);
    if (s.ok()) {
      s = Configure(&configs_[2 + 2 * i], kOnlySuite[i].ids, kGroupsP256Share, kAllModes, random,
                    tickets);
    }
  }
  // Every suite: a ticket resumes with the suite it was issued for.
  if (s.ok()) {
    s = Configure(&configs_[kPskOnly], kAllSuites.ids, kGroups,
                  MBEDTLS_SSL_TLS1_3_KEY_EXCHANGE_MODE_PSK, random, tickets);
  }
  if (s.ok()) {
    s = Configure(&configs_[kNoResumption], kAllSuites.ids, kGroups,
                  MBEDTLS_SSL_TLS1_3_KEY_EXCHANGE_MODE_EPHEMERAL, random, tickets);
  }
  return s;
}

Status TlsContext::Configure(mbedtls_ssl_config* config, const int* suites, const uint16_t* groups,
                             int tls13_modes, TlsRandom* random, TicketKeys* tickets) {
  int ret = mbedtls_ssl_config_defaults(config, MBEDTLS_SSL_IS_SERVER, MBEDTLS_SSL_TRANSPORT_STREAM,
                                        MBEDTLS_SSL_PRESET_DEFAULT);
  if (ret != 0) return Status::Error(Code::kInternal, "TLS configuration: " + MbedtlsError(ret));
  mbedtls_ssl_conf_rng(config, TlsRandom::Random, random);
  mbedtls_ssl_conf_min_tls_version(config, MBEDTLS_SSL_VERSION_TLS1_2);
  mbedtls_ssl_conf_max_tls_version(config, MBEDTLS_SSL_VERSION_TLS1_3);
  mbedtls_ssl_conf_ciphersuites(config, suites);
  mbedtls_ssl_conf_preference_order(config, MBEDTLS_SSL_SRV_CIPHERSUITE_ORDER_SERVER);
  mbedtls_ssl_conf_groups(config, groups);
  mbedtls_ssl_conf_sig_algs(config, kSigAlgs);
  mbedtls_ssl_conf_renegotiation(config, MBEDTLS_SSL_RENEGOTIATION_DISABLED);
  mbedtls_ssl_conf_authmode(config, MBEDTLS_SSL_VERIFY_NONE);
  mbedtls_ssl_conf_tls13_key_exchange_modes(config, tls13_modes);
  mbedtls_ssl_conf_session_tickets_cb(config, mbedtls_ssl_ticket_write, mbedtls_ssl_ticket_parse,
                                      tickets->get());
  // One ticket per TLS 1.3 handshake: each costs a ticket encryption and a
  // key derivation, and a client resumes with one at a time.
  mbedtls_ssl_conf_new_session_tickets(config, 1);
  if ((ret = mbedtls_ssl_conf_alpn_protocols(config, kAlpn)) != 0) {
    return Status::Error(Code::kInternal, "TLS ALPN: " + MbedtlsError(ret));
  }
  if ((ret = mbedtls_ssl_conf_own_cert(config, &chain_, &key_)) != 0) {
    return Status::Error(Code::kInternal, "TLS certificate: " + MbedtlsError(ret));
  }
  return Status::Ok();
}

const mbedtls_ssl_config* TlsContext::config(const ClientHelloOffer* offer) const {
  if (offer == nullptr || !offer->tls13) return &configs_[0];
  if (offer->psk_ke_only) return &configs_[kPskOnly];
  // A ticket can only be used with a suite of its own hash, which only
  // decrypting it tells: every suite stays on offer, or a ticket from the
  // client's second-favourite suite would fail the handshake (mbedTLS sends
  // decrypt_error) instead of resuming.
  if (offer->pre_shared_key) return &configs_[0];
  for (size_t i = 0; i < kTls13Suites; ++i) {
    if (offer->tls13_suites & (1u << i)) return &configs_[(offer->p256_share ? 2 : 1) + 2 * i];
  }
  return &configs_[0];
}

TlsSession::TlsSession(TlsContext* context, BufferPool* pool)
    : context_(context), cipher_in_(pool) {
  mbedtls_ssl_init(&ssl_);
}

TlsSession::~TlsSession() { mbedtls_ssl_free(&ssl_); }

int TlsSession::first_byte() {
  if (first_byte_ < 0 && !cipher_in_.empty())
    first_byte_ = static_cast<unsigned char>(cipher_in_.Live()[0]);
  return first_byte_;
}

int TlsSession::Send(void* self, const unsigned char* buf, size_t len) {
  static_cast<TlsSession*>(self)->out_->append(reinterpret_cast<const char*>(buf), len);
  return static_cast<int>(len);
}

int TlsSession::Recv(void* self, unsigned char* buf, size_t len) {
  TlsSession* s = static_cast<TlsSession*>(self);
  if (!s->replay_.empty()) {
    size_t n = std::min(len, s->replay_.size());
    std::memcpy(buf, s->replay_.data(), n);
    s->replay_.erase(0, n);
    return static_cast<int>(n);
  }
  size_t n = std::min(len, s->cipher_in_.size());
  if (n == 0) return MBEDTLS_ERR_SSL_WANT_READ;
  std::memcpy(buf, s->cipher_in_.Live().data(), n);
  s->cipher_in_.Consume(n);
  s->cipher_in_.ReleaseIfEmpty();
  return static_cast<int>(n);
}

Code TlsSession::SetUp() {
  ClientHelloOffer offer;
  size_t record_size = 0;
  Code peek = PeekClientHello(cipher_in_.Live(), &offer, &record_size);
  if (peek == Code::kAgain) {
    // Room for the whole first record: at most 16 KiB and its header, past
    // the pool's block only for an unusually large ClientHello.
    if (record_size > 0) cipher_in_.Reserve(record_size);
    return Code::kAgain;
  }
  if (peek == Code::kOk && offer.pre_shared_key) {
    kept_hello_.assign(cipher_in_.Live(), 0, record_size);
  }
  return Start(context_->config(peek == Code::kOk ? &offer : nullptr));
}

Code TlsSession::Start(const mbedtls_ssl_config* config) {
  int ret = mbedtls_ssl_setup(&ssl_, config);
  if (ret != 0) {
    last_error_ = ret;
    return Code::kMalformed;
  }
  mbedtls_ssl_set_bio(&ssl_, this, Send, Recv, nullptr);
  set_up_ = true;
  return Code::kOk;
}

bool TlsSession::RetryAsFullHandshake(size_t out_mark) {
  ClientHelloOffer offer;
  if (!OnlyAlerts(std::string_view(*out_).substr(out_mark)) ||
      PeekClientHello(kept_hello_, &offer) != Code::kOk) {
    return false;
  }
  out_->resize(out_mark);
  // A psk_ke-only attempt had a configuration of its own: the usual one
  // serves the fallback, and its ticket can resume later. Any other attempt
  // had every suite already.
  const mbedtls_ssl_config* config = context_->no_resumption_config();
  if (offer.psk_ke_only) {
    offer.psk_ke_only = false;
    offer.pre_shared_key = false;
    config = context_->config(&offer);
  }
  mbedtls_ssl_free(&ssl_);
  mbedtls_ssl_init(&ssl_);
  replay_ = std::move(kept_hello_);
  kept_hello_.clear();
  return Start(config) == Code::kOk;
}

Code TlsSession::Handshake() {
  if (handshake_done_) return Code::kOk;
  first_byte();
  if (!set_up_) {
    if (Code c = SetUp(); c != Code::kOk) return c;
  }
  size_t out_mark = out_->size();
  int ret = mbedtls_ssl_handshake(&ssl_);
  if (!kept_hello_.empty()) {
    // The attempt to resume has read its whole ClientHello (SetUp waited
    // for it) and either answered it or failed on it.
    bool failed = ret != 0 && ret != MBEDTLS_ERR_SSL_WANT_READ && ret != MBEDTLS_ERR_SSL_WANT_WRITE;
    if (failed && RetryAsFullHandshake(out_mark)) ret = mbedtls_ssl_handshake(&ssl_);
    kept_hello_.clear();
    kept_hello_.shrink_to_fit();
  }
  if (!flight_read_) {
    Flight flight = ClassifyServerFlight(std::string_view(*out_).substr(out_mark));
    flight_read_ = flight != Flight::kUndecided;
    resumed_ = flight == Flight::kResumed;
  }
  if (ret == 0) {
    handshake_done_ = true;
    return Code::kOk;
  }
  if (ret == MBEDTLS_ERR_SSL_WANT_READ || ret == MBEDTLS_ERR_SSL_WANT_WRITE) return Code::kAgain;
  last_error_ = ret;
  return Code::kMalformed;
}

Result<size_t> TlsSession::Read(std::span<char> into) {
  // With nothing buffered anywhere mbedTLS could only answer WANT_READ; the
  // transport asks once more after every record, so skip that call.
  if (!HasBufferedInput()) return Failure{Code::kAgain, "need more ciphertext", 0};
  int ret = mbedtls_ssl_read(&ssl_, reinterpret_cast<unsigned char*>(into.data()), into.size());
  if (ret > 0) return static_cast<size_t>(ret);
  if (ret == MBEDTLS_ERR_SSL_WANT_READ || ret == MBEDTLS_ERR_SSL_WANT_WRITE) {
    return Failure{Code::kAgain, "need more ciphertext", 0};
  }
  if (ret == MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY || ret == 0)
    return Failure{Code::kClosed, "close_notify", 0};
  last_error_ = ret;
  return Failure{Code::kMalformed, "TLS record error", 0};
}

bool TlsSession::HasBufferedInput() const {
  return !cipher_in_.empty() || mbedtls_ssl_get_bytes_avail(&ssl_) > 0 ||
         mbedtls_ssl_check_pending(&ssl_);
}

Code TlsSession::Write(std::string_view plain) {
  while (!plain.empty()) {
    int ret = mbedtls_ssl_write(&ssl_, reinterpret_cast<const unsigned char*>(plain.data()),
                                plain.size());
    if (ret <= 0) {
      last_error_ = ret;
      return Code::kMalformed;
    }
    plain.remove_prefix(static_cast<size_t>(ret));
  }
  return Code::kOk;
}

void TlsSession::CloseNotify() { mbedtls_ssl_close_notify(&ssl_); }

}  // namespace amfgate
