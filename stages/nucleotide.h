// Nucleotide codes as AGC stores them: one byte per base, A=0 C=1 G=2 T=3 N=4, other IUPAC 5..15.
#pragma once

#include <array>
#include <cstdint>
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

// AGC's complement: swaps A<->T and C<->G and leaves every other code (N, IUPAC) unchanged.
inline constexpr uint8_t complement_code(uint8_t c) { return c < 4 ? static_cast<uint8_t>(3 - c) : c; }

inline void reverse_complement_in_place(std::span<uint8_t> s) {
    size_t i = 0, j = s.size();
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
    Codes r(s.size());
    for (size_t i = 0; i < s.size(); ++i) r[i] = complement_code(s[s.size() - 1 - i]);
    return r;
}

}  // namespace agcflow
