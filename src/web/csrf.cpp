#include "web/csrf.h"

#include <mbedtls/md.h>

#include "web/encoding.h"

extern "C" {
#include <mbedtls/constant_time.h>
}

namespace amfgate {

std::string CsrfKey::Token(std::string_view purpose, std::string_view binding) const {
  std::string input;
  input.reserve(purpose.size() + 1 + binding.size());
  input += purpose;
  input += '\0';
  input += binding;
  unsigned char mac[32];
  mbedtls_md_hmac(mbedtls_md_info_from_type(MBEDTLS_MD_SHA256), key_.data(), key_.size(),
                  reinterpret_cast<const unsigned char*>(input.data()), input.size(), mac);
  return Base64UrlEncode(std::string_view(reinterpret_cast<const char*>(mac), sizeof(mac)));
}

bool CsrfKey::Check(std::string_view purpose, std::string_view binding,
                    std::string_view presented) const {
  if (binding.empty()) return false;
  std::string expected = Token(purpose, binding);
  if (presented.size() != expected.size()) return false;
  return mbedtls_ct_memcmp(expected.data(), presented.data(), expected.size()) == 0;
}

}  // namespace amfgate
