// Where a segment is cut at a missing middle splitter: the run-by-run search against AGC's
// base-by-base one (agc-compression-algorithm.md §4.2 step B, 3-6), on random parses with many
// ties, and on real LZ-diff parses of mutated sequences against two references.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <vector>

#include "stages/lz_encoder.h"
#include "stages/nucleotide.h"
#include "stages/split_point.h"

namespace agcflow {
namespace {

// AGC's steps 3-6 on the cost vectors: L = prefix sums of the left costs (first-position form;
// of the reverse complement: last-position form, reversed), R = suffix sums of the right costs
// (last-position form; of the reverse complement: first-position form, prefix-summed, reversed),
// the first i minimising the 32-bit L[i] + R[i].
uint32_t agc_split(const std::vector<uint32_t>& left_dir_prefix, const std::vector<uint32_t>& left_rc_suffix,
                   bool left_rc, const std::vector<uint32_t>& right_dir_suffix,
                   const std::vector<uint32_t>& right_rc_prefix, bool right_rc) {
    std::vector<uint32_t> l, r;
    if (!left_rc) {
        l = left_dir_prefix;
    } else {
        l = left_rc_suffix;
        std::reverse(l.begin(), l.end());
    }
    for (size_t i = 1; i < l.size(); ++i) l[i] += l[i - 1];
    if (!right_rc) {
        r = right_dir_suffix;
        for (size_t i = r.size(); i-- > 1;) r[i - 1] += r[i];
    } else {
        r = right_rc_prefix;
        for (size_t i = 1; i < r.size(); ++i) r[i] += r[i - 1];
        std::reverse(r.begin(), r.end());
    }
    EXPECT_EQ(l.size(), r.size());
    uint32_t best = ~0u, pos = 0;
    for (uint32_t i = 0; i < l.size(); ++i)
        if (l[i] + r[i] < best) best = l[i] + r[i], pos = i;
    return pos;
}

// A cost vector from runs, in the runs' own order.
std::vector<uint32_t> expand(const std::vector<CostRun>& runs, bool prefix) {
    std::vector<uint32_t> v;
    for (const CostRun& r : runs)
        for (uint32_t j = 0; j < r.len; ++j)
            v.push_back(r.cost == 0 ? 1 : (prefix ? (j == 0 ? r.cost : 0) : (j + 1 == r.len ? r.cost : 0)));
    return v;
}

std::vector<CostRun> random_runs(std::mt19937_64& rng, uint32_t n) {
    std::vector<CostRun> runs;
    for (uint32_t left = n; left > 0;) {
        const uint32_t len = std::min<uint32_t>(left, 1 + static_cast<uint32_t>(rng() % (rng() % 4 == 0 ? 40 : 5)));
        const bool literal = rng() % 2 == 0 && !(runs.size() && runs.back().cost == 0);
        runs.push_back({len, literal ? 0u : static_cast<uint32_t>(2 + rng() % 6)});
        left -= len;
    }
    return runs;
}

TEST(SplitPoint, RunByRunEqualsBaseByBaseOnRandomParses) {
    std::mt19937_64 rng(77);
    for (int iter = 0; iter < 20000; ++iter) {
        const uint32_t n = static_cast<uint32_t>(rng() % (iter % 10 == 0 ? 400 : 30));
        const auto left = random_runs(rng, n), right = random_runs(rng, n);
        for (int orient = 0; orient < 4; ++orient) {
            const bool left_rc = orient & 1, right_rc = orient & 2;
            const uint32_t want =
                agc_split(expand(left, true), expand(left, false), left_rc, expand(right, false), expand(right, true), right_rc);
            ASSERT_EQ(first_min_split(left, left_rc, right, right_rc, n), want) << "iter " << iter << " orient " << orient;
            ASSERT_EQ(first_min_split_by_vectors(left, left_rc, right, right_rc, n), want)
                << "iter " << iter << " orient " << orient;
        }
    }
}

TEST(SplitPoint, EmptyTextAndRunsThatDoNotCoverIt) {
    EXPECT_EQ(first_min_split({}, false, {}, true, 0), 0u);
    const std::vector<CostRun> three{{3, 0}}, two{{2, 5}};
    EXPECT_EQ(first_min_split(three, false, three, false, 3), 0u);  // literals both sides: flat
    EXPECT_THROW(first_min_split(three, false, two, false, 3), std::exception);
}

Codes random_acgt(std::mt19937_64& rng, size_t n) {
    Codes c(n);
    for (auto& x : c) x = static_cast<uint8_t>(rng() & 3);
    return c;
}

Codes mutated(std::mt19937_64& rng, Codes s, double rate) {
    for (auto& x : s)
        if (std::uniform_real_distribution<double>(0, 1)(rng) < rate) x = static_cast<uint8_t>((x + 1 + rng() % 3) & 3);
    return s;
}

// The text joins a stretch like the left reference to one like the right reference (as a segment
// whose middle splitter a variant destroyed), with Ns and novel bases here and there.
TEST(SplitPoint, LzParsesOfJoinedSegmentsAgreeWithCostVectors) {
    std::mt19937_64 rng(5);
    for (int iter = 0; iter < 300; ++iter) {
        const uint32_t m = 16 + static_cast<uint32_t>(rng() % 10);
        const Codes a = random_acgt(rng, 200 + rng() % 3000), b = random_acgt(rng, 200 + rng() % 3000);
        Codes text = mutated(rng, a, 0.01 * (rng() % 4));
        const Codes tail = mutated(rng, b, 0.01 * (rng() % 4));
        text.insert(text.end(), tail.begin(), tail.end());
        if (rng() % 3 == 0) std::fill_n(text.begin() + static_cast<std::ptrdiff_t>(rng() % (text.size() - 20)), 4 + rng() % 12, 4);
        if (rng() % 3 == 0) {
            const Codes novel = random_acgt(rng, 50 + rng() % 400);
            text.insert(text.begin() + static_cast<std::ptrdiff_t>(rng() % text.size()), novel.begin(), novel.end());
        }
        const Codes rc = reverse_complement(text);
        // Each group may keep its reference in either orientation.
        const bool left_rc = rng() % 2, right_rc = rng() % 2;
        const LzEncoder left(left_rc ? reverse_complement(a) : a, m), right(right_rc ? reverse_complement(b) : b, m);
        const Codes& lt = left_rc ? rc : text;
        const Codes& rt = right_rc ? rc : text;
        std::vector<CostRun> lr, rr;
        left.cost_runs(lt, lr);
        right.cost_runs(rt, rr);
        ASSERT_EQ(expand(lr, true), left.cost_vector(lt, true));
        ASSERT_EQ(expand(rr, false), right.cost_vector(rt, false));
        const uint32_t n = static_cast<uint32_t>(text.size());
        const uint32_t want = agc_split(left.cost_vector(text, true), left.cost_vector(rc, false), left_rc,
                                        right.cost_vector(text, false), right.cost_vector(rc, true), right_rc);
        ASSERT_EQ(first_min_split(lr, left_rc, rr, right_rc, n), want) << "iter " << iter;
    }
}

}  // namespace
}  // namespace agcflow
