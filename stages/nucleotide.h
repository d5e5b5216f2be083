// Nucleotide codes as AGC stores them: one byte per base, A=0 C=1 G=2 T=3 N=4, other IUPAC 5..15.
#pragma once

#include <array>
#include <cstdint>
#include <cstring>
#include <span>
#include <vector>

namespace agcflow {

using Codes = std::vector<uint8_t>;  // a sequence of nucleotide codes

inline constexpr uint8_t kCodeN = 4;
inline constexpr uint8_t kNumIupacCodes = 16;

// Code -> letter for codes 0..15; AGC prints anything else as a space.
inline constexpr std::array<char, 16> kCodeToLetter = {'A', 'C', 'G', 'T', 'N', 'R', 'Y', 'S',
                                                       'W', 'K', 'M', 'B', 'D', 'H', 'V', 'U'};

inline constexpr char code_to_letter(uint8_t c) { return c < 16 ? kCodeToLetter[c] : ' '; }

// Letter (either case) -> code, or -1 for a byte that is not an IUPAC nucleotide letter.
inline constexpr std::array<int8_t, 256> kLetterToCode = [] {
    std::array<int8_t, 256> t{};
    for (auto& v : t) v = -1;
    for (int c = 0; c < 16; ++c) {
        t[static_cast<uint8_t>(kCodeToLetter[c])] = static_cast<int8_t>(c);
        t[static_cast<uint8_t>(kCodeToLetter[c] + ('a' - 'A'))] = static_cast<int8_t>(c);
    }
    return t;
}();

// Whether the eight codes at p are all A, C, G or T (0..3): one 64-bit test.
inline bool acgt8(const uint8_t* p) {
    uint64_t w;
    std::memcpy(&w, p, 8);
    return (w & 0xFCFCFCFCFCFCFCFCull) == 0;
}

// AGC's complement: swaps A<->T and C<->G and leaves every other code (N, IUPAC) unchanged.
inline constexpr uint8_t complement_code(uint8_t c) { return c < 4 ? static_cast<uint8_t>(3 - c) : c; }

// Eight codes read as one little-endian word: their order reversed and A/C/G/T complemented
// (c ^ 3 = 3 - c for c < 4), every other code kept, without a branch per code.
inline uint64_t reverse_complement8(uint64_t w) {
    constexpr uint64_t kOnes = 0x0101010101010101ull;
    w = __builtin_bswap64(w);
    const uint64_t high = (w & 0xFCFCFCFCFCFCFCFCull) >> 2;      // per code: c >> 2, 0..63
    const uint64_t not_acgt = ((high + 0x3F * kOnes) >> 6) & kOnes;  // 1 where c >= 4 (no carry: <= 126)
    return w ^ ((not_acgt ^ kOnes) * 3);
}

inline void reverse_complement_in_place(std::span<uint8_t> s) {
    size_t i = 0, j = s.size();
    for (; j - i >= 16; i += 8, j -= 8) {
        uint64_t a, b;
        std::memcpy(&a, s.data() + i, 8);
        std::memcpy(&b, s.data() + j - 8, 8);
        a = reverse_complement8(a), b = reverse_complement8(b);
        std::memcpy(s.data() + i, &b, 8);
        std::memcpy(s.data() + j - 8, &a, 8);
    }
    while (i + 1 < j) {
        --j;
        uint8_t a = complement_code(s[i]);
        s[i] = complement_code(s[j]);
        s[j] = a;
        ++i;
    }
    if (i + 1 == j) s[i] = complement_code(s[i]);
}

inline Codes reverse_complement(std::span<const uint8_t> s) {
    const size_t n = s.size();
    Codes r(n);
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        std::memcpy(&w, s.data() + n - i - 8, 8);
        w = reverse_complement8(w);
        std::memcpy(r.data() + i, &w, 8);
    }
    for (; i < n; ++i) r[i] = complement_code(s[n - 1 - i]);
    return r;
}

}  // namespace agcflow
