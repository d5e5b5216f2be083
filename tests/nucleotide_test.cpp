// Reverse complements, eight codes at a time, against the plain definition: the codes in reverse
// order, A<->T and C<->G swapped, every other code (N, IUPAC, any other byte) kept.
#include <gtest/gtest.h>

#include <random>

#include "stages/nucleotide.h"

namespace agcflow {
namespace {

Codes plain_reverse_complement(const Codes& s) {
    Codes r;
    for (size_t i = s.size(); i-- > 0;) r.push_back(s[i] < 4 ? static_cast<uint8_t>(3 - s[i]) : s[i]);
    return r;
}

TEST(Nucleotide, ReverseComplementOfEveryLengthAndCode) {
    std::mt19937 rng(11);
    for (size_t n = 0; n <= 70; ++n)
        for (int round = 0; round < 20; ++round) {
            Codes s(n);
            // Even rounds ACGT only, as most of an assembly; odd rounds any byte (N, IUPAC codes, others).
            for (auto& c : s) c = static_cast<uint8_t>(round % 2 ? rng() % 256 : rng() % 4);
            const Codes want = plain_reverse_complement(s);
            EXPECT_EQ(reverse_complement(s), want) << "length " << n;
            Codes in_place = s;
            reverse_complement_in_place(in_place);
            EXPECT_EQ(in_place, want) << "length " << n;
            EXPECT_EQ(reverse_complement(want), s) << "length " << n;
        }
}

TEST(Nucleotide, ReverseComplementKeepsNonAcgtCodesInPlace) {
    const Codes s = {0, 1, 2, 3, 4, 5, 15, 16, 255, 0, 3, 4};  // A C G T N R U, two bytes that are no code, A T N
    EXPECT_EQ(reverse_complement(s), (Codes{4, 0, 3, 255, 16, 15, 5, 4, 0, 1, 2, 3}));
}

}  // namespace
}  // namespace agcflow
