// LZ-diff V2 encoder: exact bytes, AGC's estimator and cost-vector quirks, round trips, and the
// strongest check of all: re-encoding every delta entry of AGC-made archives to the same bytes.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <iostream>
#include <random>
#include <string>
#include <thread>

#include "io/archive_catalog.h"
#include "io/archive_reader.h"
#include "io/error.h"
#include "stages/group_parts.h"
#include "stages/lz_decoder.h"
#include "stages/lz_encoder.h"
#include "stages/nucleotide.h"
#include "tests/test_support.h"

namespace agcflow {
namespace {

using Bytes = std::vector<uint8_t>;

Bytes bytes(const std::string& s) { return Bytes(s.begin(), s.end()); }

Codes random_acgt(std::mt19937_64& rng, size_t n) {
    Codes c(n);
    for (auto& x : c) x = static_cast<uint8_t>(rng() & 3);
    return c;
}

std::string letters(std::span<const uint8_t> codes) {  // encoder literal letters, 'A' + code
    std::string s;
    for (uint8_t c : codes) s.push_back(static_cast<char>('A' + c));
    return s;
}

Codes concat(std::initializer_list<std::span<const uint8_t>> parts) {
    Codes r;
    for (auto p : parts) r.insert(r.end(), p.begin(), p.end());
    return r;
}

std::span<const uint8_t> slice(const Codes& c, size_t from, size_t to) { return {c.data() + from, to - from}; }

Bytes encode(const LzEncoder& e, std::span<const uint8_t> t) {
    Bytes out;
    e.encode(t, out);
    return out;
}

Codes decode(const LzEncoder& e, const Bytes& enc) {
    Codes out;
    lz_decode(e.reference(), enc, e.min_match_len(), out);
    return out;
}

// ---------------------------------------------------------------------------------------------
// A deliberately plain model of AGC's algorithm, written from the specification (§5.2, §5.3):
// full key recomputation at every step, byte-by-byte comparisons, no pruning. The encoder's
// optimisations (rolling keys, word compares, skipping hopeless backward extensions, 16-bit
// slots) must not change any result, so the two are compared on many random inputs.
class PlainModel {
public:
    PlainModel(const Codes& ref, uint32_t m) : R(ref), m(m), K(m - 3) {
        Rp = R;
        Rp.resize(R.size() + K, 31);
        std::vector<std::pair<uint32_t, uint64_t>> windows;
        for (uint32_t s = 0; s + K <= R.size(); s += 4)
            if (auto x = key(Rp.data() + s); x != kInvalid) windows.emplace_back(s, x);
        uint64_t size = static_cast<uint64_t>(static_cast<double>(windows.size()) / 0.7);
        uint64_t p = 1;
        while (p * 2 <= size) p *= 2;
        size = size == 0 ? 0 : p * 2;
        if (size < 8) size = 8;
        mask = size - 1;
        table.assign(size, -1);
        for (auto [s, x] : windows)
            for (uint32_t j = 0; j < 64; ++j)
                if (table[(mix(x) + j) & mask] < 0) {
                    table[(mix(x) + j) & mask] = s / 4;
                    break;
                }
    }

    Bytes encode(const Codes& T) const {
        Bytes E;
        if (T == R) return E;
        uint32_t i = 0, pred = 0, nlit = 0;
        const uint32_t n = T.size();
        while (i + K < n) {
            uint32_t h = 0, b = 0, f = 0;
            int step = classify(T, i, nlit, h, b, f);
            if (step == kLiteral) {
                E.push_back(static_cast<uint8_t>('A' + T[i]));
                ++i, ++pred, ++nlit;
            } else if (step > 0) {  // N run of `step`
                E.push_back(30);
                put(E, std::to_string(step - 4));
                E.push_back(4);
                i += step;
                nlit = 0;
            } else {
                E.resize(E.size() - b);
                uint32_t mpos = h - b, len = b + f;
                pred -= b;
                i -= b;
                if (mpos == pred)
                    for (uint32_t j = 1; j < E.size() && j < mpos; ++j) {
                        uint8_t& c = E[E.size() - j];
                        if (c < 'A' || c > 'Z') break;
                        if (c - 'A' == R[mpos - j]) c = '!';
                    }
                put(E, std::to_string(static_cast<long>(mpos) - static_cast<long>(pred)));
                if (!(i + len == n && mpos + len == R.size())) put(E, "," + std::to_string(len - m));
                E.push_back('.');
                pred = mpos + len;
                i += len;
                nlit = 0;
            }
        }
        for (; i < n; ++i) E.push_back(static_cast<uint8_t>('A' + T[i]));
        return E;
    }

    uint32_t estimate(const Codes& T, uint32_t bound) const {
        if (T == R) return 0;
        uint32_t est = 0, i = 0, pred = 0, nlit = 0;
        const uint32_t n = T.size();
        while (i + K < n) {
            if (est > bound) return est;
            uint32_t h = 0, b = 0, f = 0;
            int step = classify(T, i, nlit, h, b, f);
            if (step == kLiteral) {
                ++est, ++i, ++pred, ++nlit;
            } else if (step > 0) {
                est += 2 + digits(step, 8);
                i += step;
                nlit = 0;
            } else {
                uint32_t len = b + f;
                bool to_end = i + len == n && h + len == R.size();
                long off = static_cast<long>(h) - static_cast<long>(pred);
                est += (off < 0 ? 1 + digits(-off, 8) : digits(off, 8)) + (to_end ? 0 : 1 + digits(len - m, 8)) + 1;
                pred = h + len;
                i += len;
                nlit = 0;
            }
        }
        return est + (n - i);
    }

    std::vector<uint32_t> costs(const Codes& T, bool prefix) const {
        std::vector<uint32_t> v;
        uint32_t i = 0, pred = 0, nlit = 0;
        const uint32_t n = T.size();
        auto spread = [&](uint32_t c, uint32_t len) {
            std::vector<uint32_t> part(len, 0);
            part[prefix ? 0 : len - 1] = c;
            v.insert(v.end(), part.begin(), part.end());
        };
        while (i + K < n) {
            uint32_t h = 0, b = 0, f = 0;
            int step = classify(T, i, nlit, h, b, f);
            if (step == kLiteral) {
                v.push_back(1);
                ++i, ++pred, ++nlit;
            } else if (step > 0) {
                spread(2 + digits(step - 4, 10), step);
                i += step;
                nlit = 0;
            } else {
                v.resize(v.size() - b);
                uint32_t mpos = h - b, len = b + f;
                pred -= b;
                i -= b;
                long off = static_cast<long>(mpos) - static_cast<long>(pred);
                spread((off < 0 ? 1 + digits(-off, 10) : digits(off, 10)) + digits(len - m, 10) + 2, len);
                pred = mpos + len;
                i += len;
                nlit = 0;
            }
        }
        for (; i < n; ++i) v.push_back(1);
        return v;
    }

private:
    static constexpr uint64_t kInvalid = ~0ull;
    static constexpr int kLiteral = 0, kMatch = -1;

    static uint64_t mix(uint64_t h) {
        h = (h ^ (h >> 33)) * 0xff51afd7ed558ccdULL;
        h = (h ^ (h >> 33)) * 0xc4ceb9fe1a85ec53ULL;
        return h ^ (h >> 33);
    }
    static uint32_t digits(uint64_t x, uint32_t cap) {
        uint32_t d = std::to_string(x).size();
        return std::min(d, cap);
    }
    static void put(Bytes& E, const std::string& s) { E.insert(E.end(), s.begin(), s.end()); }

    uint64_t key(const uint8_t* s) const {
        uint64_t x = 0;
        for (uint32_t j = 0; j < K; ++j) {
            if (s[j] > 3) return kInvalid;
            x = x * 4 + s[j];
        }
        return x;
    }

    // What happens at i: kLiteral, kMatch (h, b, f filled) or the length of an N run.
    int classify(const Codes& T, uint32_t i, uint32_t nlit, uint32_t& h, uint32_t& b, uint32_t& f) const {
        uint64_t x = key(T.data() + i);
        if (x == kInvalid) {
            if (T[i] == 4 && T[i + 1] == 4 && T[i + 2] == 4) {
                uint32_t len = 3;
                while (i + len < T.size() && T[i + len] == 4) ++len;
                if (len >= 4) return static_cast<int>(len);
            }
            return kLiteral;
        }
        uint32_t best = m;
        bool found = false;
        uint64_t slot = mix(x) & mask;
        for (int probe = 0; probe < 64 && table[slot] >= 0; ++probe, slot = (slot + 1) & mask) {
            uint32_t hh = table[slot] * 4;
            uint32_t ff = 0;
            while (i + ff < T.size() && T[i + ff] == Rp[hh + ff]) ++ff;
            if (ff < K) continue;
            uint32_t bb = 0;
            while (bb < std::min(nlit, hh) && T[i - bb - 1] == R[hh - bb - 1]) ++bb;
            if (bb + ff > best) {
                best = bb + ff;
                h = hh, b = bb, f = ff;
                found = true;
            }
        }
        return found ? kMatch : kLiteral;
    }

    Codes R, Rp;
    uint32_t m, K;
    std::vector<int64_t> table;
    uint64_t mask;
};

// ---------------------------------------------------------------------------------------------
// Hand-derived exact outputs. The references are random ACGT (fixed seed); a random 17-mer
// recurring elsewhere is so unlikely that each derivation below only follows the true
// diagonal. m = 20 throughout, so K = 17 and indexed reference positions are 0, 4, 8, ...

class LzExact : public ::testing::Test {
protected:
    std::mt19937_64 rng{12345};
    static constexpr uint32_t m = 20;
};

TEST_F(LzExact, IdenticalTextIsEmptyAndFree) {
    Codes R = random_acgt(rng, 100);
    LzEncoder e(R, m);
    EXPECT_TRUE(encode(e, R).empty());
    EXPECT_EQ(e.estimate(R), 0u);
    EXPECT_EQ(e.estimate(R, 0), 0u);
    // The cost vector has no identity shortcut: one match 0..100, cost 1 + digits(80) + 2 = 5.
    std::vector<uint32_t> pre(100, 0), suf(100, 0);
    pre[0] = 5;
    suf[99] = 5;
    EXPECT_EQ(e.cost_vector(R, true), pre);
    EXPECT_EQ(e.cost_vector(R, false), suf);
}

// T = R with a substitution at 25 (|R| = 40). At i = 0 the key R[0..17) hits position 0, the
// forward match stops at 25 (25 > 20): "0,5.", pred = i = 25. Then 25 + 17 < 40 fails, so the
// remaining 15 bases are tail literals, never '!'-rewritten.
TEST_F(LzExact, SubstitutionNearEndLeavesLiteralTail) {
    Codes R = random_acgt(rng, 40);
    Codes T = R;
    T[25] = (T[25] + 1) & 3;
    LzEncoder e(R, m);
    EXPECT_EQ(encode(e, T), bytes("0,5." + letters(slice(T, 25, 40))));
    EXPECT_EQ(decode(e, encode(e, T)), T);
    // Estimate: match cost 1 + 1 + 1 + 1 = 4, 15 tail literals.
    EXPECT_EQ(e.estimate(T), 4u + 15u);
}

// T = R with a substitution at 10 (|R| = 100). Windows at i = 0..10 contain the change, i = 11 is
// not an indexed position, so 12 literals are written (pred = 12). At i = 12 the key hits
// position 12; forward 88 bases to the end; backwards over the literals T[11] == R[11] but
// T[10] != R[10], so b = 1: the literal for 11 is removed, the match starts at 11 = pred and
// reaches the end of text and reference: "0.". Because it starts at pred, the literals at
// 10, 9, ..., 1 are compared with R[10], R[9], ...: all but the substituted one become '!', and
// the entry's first byte (position 0) is never touched.
TEST_F(LzExact, SameAsReferenceRewriting) {
    Codes R = random_acgt(rng, 100);
    Codes T = R;
    T[10] = (T[10] + 1) & 3;
    LzEncoder e(R, m);
    std::string want = letters(slice(T, 0, 1)) + std::string(9, '!') + letters(slice(T, 10, 11)) + "0.";
    EXPECT_EQ(encode(e, T), bytes(want));
    EXPECT_EQ(decode(e, encode(e, T)), T);

    // Estimate: 12 literals; the match is costed unadjusted at h = 12, pred = 12, len 89:
    // i + len = 101 != 100, so not "to end": 1 + (1 + 2) + 1 = 5 -> 17; i = 101 overshoots
    // and 100 - 101 wraps, subtracting 1: 16 (the encoding is 13 bytes).
    EXPECT_EQ(e.estimate(T), 16u);
    // Early exit: the bound is checked before each step, the cost returned as it stands then.
    EXPECT_EQ(e.estimate(T, 0), 1u);
    EXPECT_EQ(e.estimate(T, 5), 6u);
    EXPECT_EQ(e.estimate(T, 11), 12u);
    // 12 is not > 12: the match is costed (17), the loop ends, and the tail step still wraps.
    EXPECT_EQ(e.estimate(T, 12), 16u);
    EXPECT_EQ(e.estimate(T, 16), 16u);

    // Cost vector: the absorbed literal is popped; 11 literals, then the match at 11 (len 89,
    // offset 0): 1 + digits(69) + 2 = 5.
    std::vector<uint32_t> pre(100, 0), suf(100, 0);
    for (int j = 0; j < 11; ++j) pre[j] = suf[j] = 1;
    pre[11] = 5;
    suf[99] = 5;
    EXPECT_EQ(e.cost_vector(T, true), pre);
    EXPECT_EQ(e.cost_vector(T, false), suf);
}

// T = X[0..5) + R[3..125), |R| = 200, X[4] != R[2]. Windows at i = 0..4 contain X; i = 5 sits
// against R[3] (not indexed): 6 literals. At i = 6 the key hits position 4, forward to the end of
// the text (121); backwards T[5] == R[3], T[4] != R[2]: b = 1. Match at 3, pred 6 - 1 = 5:
// offset -2, length 122 (not to the end of the reference): "-2,102.", after the 5 X literals.
TEST_F(LzExact, BackwardExtensionAndNegativeOffset) {
    Codes R = random_acgt(rng, 200);
    Codes X = random_acgt(rng, 5);
    X[4] = (R[2] + 1) & 3;
    Codes T = concat({X, slice(R, 3, 125)});
    LzEncoder e(R, m);
    EXPECT_EQ(encode(e, T), bytes(letters(X) + "-2,102."));
    EXPECT_EQ(decode(e, encode(e, T)), T);
    // Estimate: 6 literals; match unadjusted at h = 4, pred 6 (offset -2: 2), length 122, i + 122
    // = 128 != 127 so with length (1 + 3), + 1: 7 -> 13; 127 - 128 wraps: 12.
    EXPECT_EQ(e.estimate(T), 12u);
    std::vector<uint32_t> pre(127, 0);
    for (int j = 0; j < 5; ++j) pre[j] = 1;
    pre[5] = 1 + 1 + 3 + 2;
    EXPECT_EQ(e.cost_vector(T, true), pre);
}

// T = R[48..100) + R[0..48), |R| = 100. i = 0: key hits 48, forward 52 (the padding stops it):
// "48,32.", pred 100. i = 52: key hits 0, forward 48 to the end of the text, but not of the
// reference: offset 0 - 100: "-100,28.".
TEST_F(LzExact, Rotation) {
    Codes R = random_acgt(rng, 100);
    Codes T = concat({slice(R, 48, 100), slice(R, 0, 48)});
    LzEncoder e(R, m);
    EXPECT_EQ(encode(e, T), bytes("48,32.-100,28."));
    EXPECT_EQ(e.estimate(T), 14u);  // no backward parts: the estimate is the exact size
    std::vector<uint32_t> suf(100, 0);
    suf[51] = 2 + 2 + 2;
    suf[99] = 4 + 2 + 2;
    EXPECT_EQ(e.cost_vector(T, false), suf);
}

// A match must be longer than m: 20 matching bases are literals, 21 are a match.
TEST_F(LzExact, MinimumMatchIsMPlusOne) {
    Codes R = random_acgt(rng, 100);
    Codes X = random_acgt(rng, 30);
    X[0] = (R[20] + 1) & 3;
    Codes T20 = concat({slice(R, 0, 20), X});
    LzEncoder e(R, m);
    EXPECT_EQ(encode(e, T20), bytes(letters(T20)));
    X[0] = (R[21] + 1) & 3;
    Codes T21 = concat({slice(R, 0, 21), X});
    EXPECT_EQ(encode(e, T21), bytes("0,1." + letters(X)));
}

// N runs: R[0..30) + 6 N + R[30..60). "0,10.", then the run (30, "2", 4) leaves pred at 30.
// i = 36, 37 sit against R[30], R[31] (not indexed): 2 literals; at i = 38 the key hits 32, the
// match extends back over both literals to 30 = pred and reaches both ends: "0.". The '!' walk
// stops at once at the run's terminator byte 4.
TEST_F(LzExact, NRuns) {
    Codes R = random_acgt(rng, 60);
    Codes N6(6, 4), N10(10, 4), N30(30, 4), N3(3, 4);
    LzEncoder e(R, m);
    Codes T = concat({slice(R, 0, 30), N6, slice(R, 30, 60)});
    EXPECT_EQ(encode(e, T), (Bytes{'0', ',', '1', '0', '.', 30, '2', 4, '0', '.'}));
    EXPECT_EQ(decode(e, encode(e, T)), T);
    // Estimate: 5 + N run (2 + digits(6)) + 2 literals + match at h = 32 unadjusted (offset
    // 32 - 32 = 0; i + 30 = 68 != 66: with length, 1 + 1 + 2 + 1 = 5) -> 15, then 66 - 68: 13.
    EXPECT_EQ(e.estimate(T), 13u);
    std::vector<uint32_t> pre(66, 0);
    pre[0] = 1 + 2 + 2;     // match 0..30
    pre[30] = 2 + 1;        // N run of 6: 2 + digits(2)
    pre[36] = 1 + 2 + 2;    // match 30..60 at text 36, len 30
    EXPECT_EQ(e.cost_vector(T, true), pre);

    // A run in the last K bases is never looked at: plain literals.
    Codes Ttail = concat({R, N10});
    EXPECT_EQ(encode(e, Ttail), bytes("0,40." + std::string(10, 'E')));
    // A run starting inside the scanned area covers everything up to the end of the text.
    Codes Tlong = concat({R, N30});
    EXPECT_EQ(encode(e, Tlong), (Bytes{'0', ',', '4', '0', '.', 30, '2', '6', 4}));
    EXPECT_EQ(e.estimate(Tlong), 5u + 2u + 2u);  // the run costs 2 + digits(30): full length
    // Three N are not a run.
    Codes T3 = concat({slice(R, 0, 30), N3, slice(R, 33, 60)});
    Bytes enc3 = encode(e, T3);
    EXPECT_EQ(std::string(enc3.begin(), enc3.begin() + 8), "0,10.EEE");
    EXPECT_EQ(decode(e, enc3), T3);
}

TEST_F(LzExact, ShortTextsAreLiterals) {
    Codes R = random_acgt(rng, 100);
    LzEncoder e(R, m);
    for (size_t n : {0, 1, 5, 17, 18}) {
        Codes T(R.begin(), R.begin() + n);
        EXPECT_EQ(encode(e, T), bytes(letters(T))) << n;
        EXPECT_EQ(e.estimate(T), n);
        EXPECT_EQ(e.cost_vector(T, true), std::vector<uint32_t>(n, 1));
    }
}

TEST_F(LzExact, LiteralBytesForAllCodes) {
    Codes R = random_acgt(rng, 100);
    LzEncoder e(R, m);
    Codes T = {5, 6, 15, 4, 0, 1, 2, 3, 30, 32};  // R, Y, U, N, A, C, G, T, other letter, '@'
    EXPECT_EQ(encode(e, T), bytes("FGPEABCD_a"));
}

TEST_F(LzExact, EmptyReference) {
    LzEncoder e(Codes{}, m);
    EXPECT_TRUE(encode(e, Codes{}).empty());
    Codes T = random_acgt(rng, 50);
    EXPECT_EQ(encode(e, T), bytes(letters(T)));
    EXPECT_EQ(e.index_slots(), 8u);
}

// The parse without short detours (--preset max). T = R[0..500) + D + R[500..1000), |R| = 2000,
// where D is a stretch of R elsewhere. AGC's parse follows D where it lies in R and comes back;
// the other writes D as literals when D is shorter than 50 bases and lies more than 300
// positions from pred. The bases around each junction differ, so no match runs across one.
class LzDetour : public ::testing::Test {
protected:
    static constexpr uint32_t m = 20;
    std::mt19937_64 rng{777};
    Codes R = random_acgt(rng, 2000);

    Codes text_with_detour(uint32_t from, uint32_t len) {
        R[500] = (R[from] + 1) & 3;        // the first match stops at 500
        R[from + len] = (R[500] + 1) & 3;  // the detour's match stops at its end
        if (R[499] == R[from + len - 1]) R[499] = (R[499] + 1) & 3;  // no backward extension into D
        return concat({slice(R, 0, 500), slice(R, from, from + len), slice(R, 500, 1000)});
    }
    Bytes encode_parse(const LzEncoder& e, const Codes& t, LzParse parse) {
        Bytes out;
        e.encode(t, out, parse);
        return out;
    }
};

TEST_F(LzDetour, AShortFarMatchBecomesLiterals) {
    const Codes T = text_with_detour(1500, 30);
    LzEncoder e(R, m);
    EXPECT_EQ(encode_parse(e, T, LzParse::agc), bytes("0,480.1000,10.-1030,480."));
    EXPECT_EQ(encode_parse(e, T, LzParse::agc), encode(e, T));
    const Bytes no_detour = encode_parse(e, T, LzParse::no_short_detours);
    EXPECT_EQ(no_detour, bytes("0,480." + letters(slice(R, 1500, 1530)) + "-30,480."));
    EXPECT_EQ(decode(e, no_detour), T);
}

TEST_F(LzDetour, LongOrNearMatchesStay) {
    for (auto [from, len] : {std::pair<uint32_t, uint32_t>{1500, 50}, {1500, 49}, {800, 30}, {804, 30}}) {
        const Codes T = text_with_detour(from, len);
        LzEncoder e(R, m);
        const Bytes agc = encode_parse(e, T, LzParse::agc);
        const Bytes other = encode_parse(e, T, LzParse::no_short_detours);
        EXPECT_EQ(decode(e, other), T) << from << " " << len;
        // 49 bases 1000 away: literals; 50 bases, or 300 (or 304) positions away: AGC's match.
        const bool kept = len >= 50 || from - 500 <= 300;
        EXPECT_EQ(agc == other, kept) << from << " " << len;
        EXPECT_NE(std::string(agc.begin(), agc.end()).find(std::to_string(from - 500) + ","), std::string::npos);
    }
}

TEST(LzEncoder, RejectsBadMinMatchLength) {
    Codes R(10, 0);
    EXPECT_THROW(LzEncoder(R, 4), Error);
    EXPECT_THROW(LzEncoder(R, 36), Error);
    EXPECT_NO_THROW(LzEncoder(R, 15));
    EXPECT_NO_THROW(LzEncoder(R, 32));
}

// Table size: 2 * 2^floor(log2(floor(cnt / 0.7))), at least 8.
TEST(LzEncoder, IndexSize) {
    std::mt19937_64 rng(7);
    auto slots = [&](size_t ref_len) { return LzEncoder(random_acgt(rng, ref_len), 20).index_slots(); };
    EXPECT_EQ(slots(16), 8u);     // no window: cnt 0
    EXPECT_EQ(slots(17), 8u);     // cnt 1 -> floor(1.43) = 1 -> 2, raised to 8
    EXPECT_EQ(slots(17 + 4 * 6), 16u);      // cnt 7 -> floor(7 / 0.7) = 10 -> 8 -> 16
    EXPECT_EQ(slots(17 + 4 * 699), 1024u);  // cnt 700 -> 1000 -> 512 -> 1024
    // Where one window more crosses a power of two: cnt 44 -> 62.9 -> 32 -> 64, cnt 45 -> 64.3 -> 128.
    EXPECT_EQ(slots(192), 64u);   // windows at 0, 4, ..., 172: 44
    EXPECT_EQ(slots(193), 128u);  // and at 176: 45
    EXPECT_EQ(slots(196), 128u);  // still 45
    // A window containing N is not counted.
    Codes R = random_acgt(rng, 400);
    R[200] = 4;
    LzEncoder e(R, 20);
    EXPECT_EQ(e.index_slots(), 256u);  // cnt = 96 - 5 windows -> 130 -> 128 -> 256
}

// ---------------------------------------------------------------------------------------------
// Random inputs: the encoder agrees with the plain model and the decoder inverts it.

Codes mutate(std::mt19937_64& rng, const Codes& ref) {
    Codes t;
    size_t p = 0;
    std::uniform_int_distribution<int> what(0, 99);
    while (p < ref.size()) {
        int w = what(rng);
        if (w < 2) {  // SNP
            t.push_back(static_cast<uint8_t>((ref[p++] + 1 + rng() % 3) & 3));
        } else if (w < 3) {  // insertion
            auto ins = random_acgt(rng, 1 + rng() % 12);
            t.insert(t.end(), ins.begin(), ins.end());
        } else if (w < 4) {  // deletion
            p += 1 + rng() % 12;
        } else if (w < 5) {  // N run (various lengths, including the 3 that is no run)
            t.insert(t.end(), 1 + rng() % 14, 4);
            p += rng() % 8;
        } else if (w < 6) {  // IUPAC code
            t.push_back(static_cast<uint8_t>(5 + rng() % 11));
            ++p;
        } else if (w < 7 && !ref.empty()) {  // jump: a copy from elsewhere (repeats, negative offsets)
            size_t from = rng() % ref.size(), len = std::min<size_t>(ref.size() - from, 10 + rng() % 80);
            t.insert(t.end(), ref.begin() + from, ref.begin() + from + len);
        } else {  // a stretch of the reference
            size_t len = std::min<size_t>(ref.size() - p, 1 + rng() % 60);
            t.insert(t.end(), ref.begin() + p, ref.begin() + p + len);
            p += len;
        }
    }
    return t;
}

// A reference with repeats (ties between candidates), N blocks and IUPAC codes.
Codes random_reference(std::mt19937_64& rng, size_t n) {
    Codes r = random_acgt(rng, n);
    for (int k = rng() % 4; k > 0 && n > 200; --k) {  // internal repeats
        size_t len = 20 + rng() % 100, a = rng() % (n - len), b = rng() % (n - len);
        std::copy(r.begin() + a, r.begin() + a + len, r.begin() + b);
    }
    if (n > 100 && rng() % 2) std::fill_n(r.begin() + rng() % (n - 50), 1 + rng() % 40, 4);
    if (n > 10 && rng() % 2) r[rng() % n] = static_cast<uint8_t>(5 + rng() % 11);
    return r;
}

// Novel sequence (hundreds of literals in a row, now and then an N run or an IUPAC code inside)
// put into a text at random places: what a segment about to be split looks like to each group.
Codes with_novel_stretches(std::mt19937_64& rng, Codes t) {
    for (int k = 1 + rng() % 3; k > 0; --k) {
        Codes novel = random_acgt(rng, 20 + rng() % 700);
        if (rng() % 3 == 0) std::fill_n(novel.begin() + rng() % (novel.size() - 8), 4 + rng() % 5, 4);
        if (rng() % 3 == 0) novel[rng() % novel.size()] = static_cast<uint8_t>(5 + rng() % 11);
        t.insert(t.begin() + static_cast<std::ptrdiff_t>(t.empty() ? 0 : rng() % t.size()), novel.begin(), novel.end());
    }
    return t;
}

void expect_agrees_with_model(const Codes& R, const Codes& T, uint32_t m, const std::string& where) {
    LzEncoder e(R, m);
    PlainModel model(R, m);
    Bytes enc = encode(e, T);
    ASSERT_EQ(enc, model.encode(T)) << where;
    Codes back;
    lz_decode(R, enc, m, back);
    // Empty = identical to the reference; an empty text also encodes to nothing (segments are
    // never empty, so this cannot be confused in an archive).
    if (!T.empty()) {
        ASSERT_EQ(enc.empty() ? R : back, T) << where;
    }
    uint32_t full = e.estimate(T);
    ASSERT_EQ(full, model.estimate(T, UINT32_MAX)) << where;
    for (uint32_t bound : {0u, 1u, full / 3, full / 2, full > 0 ? full - 1 : 0u, full})
        ASSERT_EQ(e.estimate(T, bound), model.estimate(T, bound)) << where << " bound " << bound;
    ASSERT_EQ(e.cost_vector(T, true), model.costs(T, true)) << where;
    ASSERT_EQ(e.cost_vector(T, false), model.costs(T, false)) << where;
}

TEST(LzEncoderRandom, AgreesWithModelAndRoundTrips) {
    std::mt19937_64 rng(2024);
    const uint32_t mins[] = {5, 8, 12, 15, 16, 18, 19, 20, 21, 24, 31, 32, 35};
    for (int iter = 0; iter < 600; ++iter) {
        uint32_t m = mins[rng() % std::size(mins)];
        size_t n = rng() % 4 == 0 ? rng() % 64 : rng() % 4000;
        Codes R = random_reference(rng, n);
        Codes T;
        switch (rng() % 7) {
            case 0: T = random_acgt(rng, rng() % 300); break;                       // unrelated
            case 1: T = R; break;                                                   // identical
            case 2: T = reverse_complement(mutate(rng, R)); break;                  // other strand
            case 3: T = with_novel_stretches(rng, mutate(rng, R)); break;           // long literal runs
            default: T = mutate(rng, R); break;
        }
        expect_agrees_with_model(R, T, m, "iter " + std::to_string(iter) + " m " + std::to_string(m));
    }
}

// All indexed windows of a periodic reference share one key: after 64 insertions the others are
// dropped, and ties between equally long candidates go to the first in probe order.
TEST(LzEncoderRandom, PeriodicReferenceOverflowsProbeChains) {
    std::mt19937_64 rng(99);
    Codes R;
    for (int k = 0; k < 2000; ++k) R.push_back(static_cast<uint8_t>(k & 3));
    for (int iter = 0; iter < 20; ++iter) {
        Codes T = mutate(rng, R);
        expect_agrees_with_model(R, T, 20, "periodic iter " + std::to_string(iter));
    }
    Codes R2;  // period 12: several distinct keys
    for (int k = 0; k < 3000; ++k) R2.push_back(static_cast<uint8_t>((k % 12) * 7 % 4));
    for (int iter = 0; iter < 20; ++iter)
        expect_agrees_with_model(R2, mutate(rng, R2), 16, "period-12 iter " + std::to_string(iter));
}

// |R| / 4 >= 65535 switches AGC to 32-bit slots; the results must not depend on it.
TEST(LzEncoderRandom, LargeReferenceUses32BitSlots) {
    std::mt19937_64 rng(5);
    Codes R = random_reference(rng, 300000);
    for (int iter = 0; iter < 3; ++iter) expect_agrees_with_model(R, mutate(rng, R), 20, "large");
}

TEST(LzEncoder, ConcurrentUseOfOneEncoder) {
    std::mt19937_64 rng(77);
    Codes R = random_reference(rng, 60000);
    std::vector<Codes> texts;
    for (int k = 0; k < 8; ++k) texts.push_back(mutate(rng, R));
    std::vector<Bytes> want;
    std::vector<uint32_t> want_est;
    {
        LzEncoder e(R, 20);
        for (auto& t : texts) want.push_back(encode(e, t)), want_est.push_back(e.estimate(t));
    }
    LzEncoder shared(R, 20);  // index built lazily by whichever thread comes first
    std::vector<std::thread> threads;
    std::vector<int> ok(texts.size(), 0);
    for (size_t k = 0; k < texts.size(); ++k)
        threads.emplace_back([&, k] {
            bool good = true;
            for (int rep = 0; rep < 5; ++rep) {
                good &= encode(shared, texts[k]) == want[k];
                good &= shared.estimate(texts[k]) == want_est[k];
                good &= shared.cost_vector(texts[k], rep % 2).size() == texts[k].size();
            }
            ok[k] = good;
        });
    for (auto& t : threads) t.join();
    for (size_t k = 0; k < texts.size(); ++k) EXPECT_TRUE(ok[k]) << k;
}

// ---------------------------------------------------------------------------------------------
// The oracle: every delta entry AGC stored is AGC's encoding of the segment it decodes to.

struct OracleCounts {
    size_t groups = 0, entries = 0, skipped = 0;
};

OracleCounts reencode_archive(const std::filesystem::path& path) {
    OracleCounts counts;
    ArchiveCatalog cat(path);
    const ArchiveReader& reader = cat.reader();
    const uint32_t m = cat.params().min_match_len;
    for (const StreamInfo& s : reader.streams()) {
        if (s.name.size() < 3 || s.name.front() != 'x' || s.name.back() != 'r') continue;
        std::string dname = s.name.substr(0, s.name.size() - 1) + "d";
        const StreamInfo* d = reader.find(dname);
        if (!d || s.parts.empty()) continue;
        Part rp = reader.part(s, 0);
        Codes ref = decode_reference_part(rp.metadata, rp.payload, s.name);
        LzEncoder enc(ref, m);
        ++counts.groups;
        Codes text;
        Bytes again;
        for (size_t pi = 0; pi < d->parts.size(); ++pi) {
            Part p = reader.part(*d, pi);
            std::vector<uint8_t> pack = decode_pack(p.metadata, p.payload, dname);
            size_t start = 0;
            for (size_t q = 0; q < pack.size(); ++q) {
                if (pack[q] != kPackSeparator) continue;
                std::span<const uint8_t> entry(pack.data() + start, q - start);
                start = q + 1;
                // Entries with codes 30/32 ('_', 'a') cannot be decoded (pitfall P20): skip.
                if (std::any_of(entry.begin(), entry.end(), [](uint8_t b) { return b == '_' || b == 'a'; })) {
                    ++counts.skipped;
                    continue;
                }
                lz_decode(ref, entry, m, text);
                enc.encode(text, again);
                EXPECT_TRUE(std::equal(again.begin(), again.end(), entry.begin(), entry.end()))
                    << path << " " << dname << " part " << pi << "\n stored:  "
                    << std::string(entry.begin(), entry.end()) << "\n encoded: " << std::string(again.begin(), again.end());
                ++counts.entries;
            }
        }
    }
    return counts;
}

TEST(LzEncoderOracle, ReencodesEveryAgcEntry) {
    const char* archives[] = {
        "syn-small/default.agc",        "syn-small/small-seg.agc",  "syn-small/adaptive.agc",
        "syn-small/fallback.agc",       "syn-small/appended.agc",   "syn-small/concat.agc",
        "real-sarscov2_97_2022/default.agc", "real-yeast_mito_scerevisiae7/default.agc",
        "real-human_LPA14/default.agc", "toy/default.agc",          "toy/toy_ex.agc"};
    size_t total = 0;
    for (const char* a : archives) {
        OracleCounts c = reencode_archive(test::fixture(a));
        std::cout << "[ oracle ] " << a << ": " << c.groups << " LZ groups, " << c.entries
                  << " entries re-encoded, " << c.skipped << " undecodable skipped\n";
        total += c.entries;
    }
    EXPECT_GT(total, 250u);
}

}  // namespace
}  // namespace agcflow
