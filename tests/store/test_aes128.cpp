#include <doctest/doctest.h>
#include <mbedtls/aes.h>

#include <array>
#include <cstdint>
#include <random>

#include "store/aes128.h"

using namespace amfgate;

TEST_CASE("AES-128 matches the FIPS-197 example") {
  // FIPS-197 appendix C.1.
  const std::array<uint8_t, 16> key = {0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07,
                                       0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f};
  const std::array<uint8_t, 16> plain = {0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77,
                                         0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff};
  const std::array<uint8_t, 16> cipher = {0x69, 0xc4, 0xe0, 0xd8, 0x6a, 0x7b, 0x04, 0x30,
                                          0xd8, 0xcd, 0xb7, 0x80, 0x70, 0xb4, 0xc5, 0x5a};
  Aes128 aes;
  REQUIRE(aes.SetKey(key));
  std::array<uint8_t, 16> out{};
  aes.Encrypt(plain.data(), out.data());
  CHECK(out == cipher);
}

TEST_CASE("AES-128 agrees with mbedTLS for random keys and blocks, in place too") {
  std::mt19937_64 rng(7);
  for (int trial = 0; trial < 1000; ++trial) {
    std::array<uint8_t, 16> key;
    std::array<uint8_t, 16> block;
    for (auto& b : key) b = static_cast<uint8_t>(rng());
    for (auto& b : block) b = static_cast<uint8_t>(rng());
    Aes128 aes;
    REQUIRE(aes.SetKey(key));
    mbedtls_aes_context reference;
    mbedtls_aes_init(&reference);
    REQUIRE(mbedtls_aes_setkey_enc(&reference, key.data(), 128) == 0);
    std::array<uint8_t, 16> expected;
    REQUIRE(mbedtls_aes_crypt_ecb(&reference, MBEDTLS_AES_ENCRYPT, block.data(), expected.data()) ==
            0);
    mbedtls_aes_free(&reference);
    std::array<uint8_t, 16> out;
    aes.Encrypt(block.data(), out.data());
    CHECK(out == expected);
    aes.Encrypt(block.data(), block.data());
    CHECK(block == expected);
  }
}
