// Fuzzes token parsing and every lookup that takes a token from the network:
// LookupSession (both kinds), RedeemAlias (with a verifier) and Tag.
//
// The first input byte picks a mode: the rest is either the token text as
// is, or a patch applied to one of the harness's real tokens (a page session,
// a gateway session, a pending alias with a challenge, a spent alias), so the
// fuzzer also explores texts that share a real token's selector or secret.
// Whatever the text, a lookup may succeed only for the exact real token, a
// parsed token must re-encode to the same text, all decoders agree, and the
// store stays valid.
#include <mbedtls/sha256.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include "store/random.h"
#include "store/session_store.h"
#include "store/token.h"

using namespace amfgate;

namespace {

constexpr MonoTime kNow = 1000 * kSecond;

void Require(bool condition) {
  if (!condition) std::abort();
}

struct Harness {
  std::unique_ptr<Random> random;
  std::unique_ptr<SessionStore> store;
  std::string tokens[4];  // page, gateway, pending alias, spent alias
  uint64_t runs = 0;

  Harness() {
    Require(Random::Open("amfgate fuzz_token", &random).ok());
    StoreLimits limits;
    limits.alias_ttl = 600 * kSecond;
    limits.max_sessions = 1000;
    limits.max_aliases = 1000;
    Require(SessionStore::Open(limits, *random, kNow, &store).ok());
    Result<NewSession> page = store->CreatePageSession("fuzz", kNow);
    Require(page.ok());
    Result<NewAlias> spent = store->MintAlias(page->view.handle, kNow);
    Require(spent.ok());
    Redemption gateway = store->RedeemAlias(spent->token.view(), kNow);
    Require(gateway.ok());
    AliasChallenge challenge;
    Require(mbedtls_sha256(reinterpret_cast<const unsigned char*>("verifier"), 8, challenge.data(),
                           0) == 0);
    Result<NewAlias> pending = store->MintAlias(page->view.handle, kNow, &challenge);
    Require(pending.ok());
    tokens[0] = std::string(page->token.view());
    tokens[1] = std::string(gateway.session.token.view());
    tokens[2] = std::string(pending->token.view());
    tokens[3] = std::string(spent->token.view());
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static Harness h;
  if (size == 0) return 0;
  const uint8_t mode = data[0];
  std::string_view rest(reinterpret_cast<const char*>(data + 1), size - 1);
  std::string text;
  if (mode & 0x80) {
    // Patch a real token: pairs of (position, byte) from the rest.
    text = h.tokens[mode & 3];
    for (size_t i = 0; i + 1 < rest.size(); i += 2) {
      text[static_cast<uint8_t>(rest[i]) % text.size()] = rest[i + 1];
    }
  } else {
    text = std::string(rest);
  }

  Result<Token> token = ParseToken(text);
  // Every decoder this processor runs agrees exactly with the one chosen.
  for (TokenDecoder decoder : {TokenDecoder::kPortable, TokenDecoder::kAvx2, TokenDecoder::kVbmi}) {
    if (!HaveTokenDecoder(decoder)) continue;
    Result<Token> other = ParseTokenWith(decoder, text);
    Require(other.code() == token.code());
    Require(!token.ok() || other->bytes == token->bytes);
  }
  if (token.ok()) {
    Require(text.size() == kTokenTextLength);
    Require(EncodeToken(*token).view() == text);
  } else {
    Require(token.code() == Code::kMalformed);
  }

  Result<SessionView> page = h.store->LookupSession(text, SessionKind::kPage, kNow);
  Require(!page.ok() || text == h.tokens[0]);
  Require(page.ok() || text != h.tokens[0]);
  Result<SessionView> gateway = h.store->LookupSession(text, SessionKind::kGateway, kNow);
  Require(!gateway.ok() || text == h.tokens[1]);
  if (!token.ok()) Require(page.code() == Code::kMalformed && gateway.code() == Code::kMalformed);

  // Redeeming the real pending alias with a wrong verifier would consume it;
  // the harness keeps its tokens, so only other texts are redeemed.
  if (text != h.tokens[2] && text != h.tokens[3]) {
    Redemption r = h.store->RedeemAlias(text, kNow, rest.substr(0, rest.size() / 2));
    Require(!r.ok());
    Require(r.denial == (token.ok() ? Denial::kUnknown : Denial::kMalformed));
  }
  Require(h.store->Tag(text).view().size() == 16);
  if (++h.runs % 4096 == 0) Require(h.store->Validate());
  return 0;
}
