#include "io/sha256.h"

#include <nettle/sha2.h>

namespace agcflow {

// Nettle rather than OpenSSL's libcrypto: the same hash (with the CPU's SHA instructions where
// it has them), from a library that costs a process almost nothing to load. Linking libcrypto
// added ~1.7 ms to the start of every command (its relocations and pages), a third of a
// `listset` on a small archive.
Sha256::Sha256() : ctx_(new sha256_ctx) { sha256_init(static_cast<sha256_ctx*>(ctx_)); }

Sha256::~Sha256() { delete static_cast<sha256_ctx*>(ctx_); }

void Sha256::update(std::span<const uint8_t> bytes) {
    if (!bytes.empty()) sha256_update(static_cast<sha256_ctx*>(ctx_), bytes.size(), bytes.data());
}

std::array<uint8_t, 32> Sha256::finish() {
    static_assert(SHA256_DIGEST_SIZE == 32);
    std::array<uint8_t, 32> out{};
    sha256_digest(static_cast<sha256_ctx*>(ctx_), out.size(), out.data());
    return out;
}

std::string to_hex(std::span<const uint8_t> bytes) {
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string s;
    s.reserve(bytes.size() * 2);
    for (uint8_t b : bytes) s += kDigits[b >> 4], s += kDigits[b & 15];
    return s;
}

}  // namespace agcflow
