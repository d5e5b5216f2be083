// Cutting contigs at splitters: the scan against a plain model of AGC's (a fresh k-mer after every
// cut and every non-ACGT base), and a contig scanned in pieces against the whole.
#include <gtest/gtest.h>

#include <random>
#include <tuple>
#include <unordered_set>

#include "stages/contig_cutter.h"
#include "stages/kmer_scan.h"

namespace agcflow {
namespace {

uint64_t forward_kmer(const Codes& c, size_t end, uint32_t k) {  // 2k bits at the top, as the scan keeps it
    uint64_t x = 0;
    for (size_t j = end - k; j < end; ++j) x = x << 2 | c[j];
    return x << (64 - 2 * k);
}

// AGC's walk, written plainly: count valid bases since the last reset; at k of them, test the
// canonical k-mer of the last k bases; a cut resets the count.
std::vector<ContigCut> plain_cut(const Codes& c, const std::vector<uint64_t>& splitters, uint32_t k) {
    const std::unordered_set<uint64_t> set(splitters.begin(), splitters.end());
    std::vector<ContigCut> cuts;
    CutKmer front;
    size_t start = 0, valid = 0;
    for (size_t pos = 0; pos < c.size(); ++pos) {
        if (c[pos] > 3) {
            valid = 0;
            continue;
        }
        if (++valid < k) continue;
        const uint64_t f = forward_kmer(c, pos + 1, k), r = reverse_complement_kmer(f, k);
        if (!set.count(std::min(f, r))) continue;
        CutKmer here{true, f, r};
        cuts.push_back({start, pos + 1, front, here});
        start = pos + 1 - k;
        front = here;
        valid = 0;
    }
    if (start < c.size()) cuts.push_back({start, c.size(), front, CutKmer{}});
    return cuts;
}

void expect_same(const std::vector<ContigCut>& a, const std::vector<ContigCut>& b, const std::string& where) {
    ASSERT_EQ(a.size(), b.size()) << where;
    for (size_t j = 0; j < a.size(); ++j) {
        EXPECT_EQ(a[j].begin, b[j].begin) << where << " cut " << j;
        EXPECT_EQ(a[j].end, b[j].end) << where << " cut " << j;
        EXPECT_EQ(a[j].front.full, b[j].front.full) << where << " cut " << j;
        EXPECT_EQ(a[j].front.forward, b[j].front.forward) << where << " cut " << j;
        EXPECT_EQ(a[j].back.full, b[j].back.full) << where << " cut " << j;
        EXPECT_EQ(a[j].back.reverse, b[j].back.reverse) << where << " cut " << j;
    }
}

// Splitters planted in both orientations and several times, near N and other codes, and a chain
// of them closer than k to each other (which must not all cut).
TEST(ContigCutter, PiecesCutAsTheWholeAndAsAgcsScan) {
    std::mt19937_64 rng(31);
    for (uint32_t k : {5u, 11u, 21u, 31u}) {
        for (int iter = 0; iter < 30; ++iter) {
            Codes c(200 + rng() % 3000);
            for (auto& x : c) x = static_cast<uint8_t>(rng() % 50 == 0 ? 4 + rng() % 3 : rng() & 3);
            std::vector<uint64_t> splitters;
            for (int s = 0; s < 12; ++s) {
                Codes kmer(k);
                for (auto& x : kmer) x = static_cast<uint8_t>(rng() & 3);
                const Codes planted = rng() % 2 ? kmer : reverse_complement(kmer);
                for (int copies = 1 + rng() % 3; copies > 0; --copies) {
                    const size_t at = rng() % (c.size() - k);
                    std::copy(planted.begin(), planted.end(), c.begin() + static_cast<std::ptrdiff_t>(at));
                }
                const uint64_t f = forward_kmer(kmer, k, k), r = reverse_complement_kmer(f, k);
                splitters.push_back(std::min(f, r));
            }
            // A chain: A, then B right after it (it cuts), then the k-mers ending 1 and k - 1
            // bases after B (they overlap B and do not cut), then the one ending k after B (cuts).
            const size_t p = rng() % (c.size() - 4 * k);
            for (size_t j = p; j < p + 4 * k; ++j) c[j] = static_cast<uint8_t>(rng() & 3);
            for (size_t end : {p + k, p + 2 * k, p + 2 * k + 1, p + 3 * k - 1, p + 3 * k}) {
                Codes kmer(c.begin() + static_cast<std::ptrdiff_t>(end - k), c.begin() + static_cast<std::ptrdiff_t>(end));
                const uint64_t f = forward_kmer(kmer, k, k), r = reverse_complement_kmer(f, k);
                splitters.push_back(std::min(f, r));
            }

            const SplitterSet set(splitters, k);
            const std::string where = "k " + std::to_string(k) + " iter " + std::to_string(iter);
            const auto whole = cut_contig(c, set, k);
            expect_same(whole, plain_cut(c, splitters, k), where);
            for (size_t piece : {size_t(1), size_t(k - 1), size_t(k), size_t(k + 1), size_t(2 * k), size_t(97)}) {
                std::vector<SplitterHit> hits;
                for (size_t from = 0; from < c.size(); from += piece)
                    find_splitter_hits(c, from, std::min(c.size(), from + piece), set, k, hits);
                expect_same(cuts_from_hits(hits, c.size(), k), whole, where + " piece " + std::to_string(piece));
            }
        }
    }
}

// Random contigs (with N and other codes) holding many splitters, planted in both orientations,
// some next to an N or at a contig's ends, and near-copies of them (one base changed), so that
// windows whose last 8 bases end a splitter are tested and mostly fail.
struct PlantedContig {
    Codes contig;
    std::vector<uint64_t> splitters;
};
PlantedContig plant(std::mt19937_64& rng, uint32_t k, size_t splitters, size_t length) {
    PlantedContig pc;
    pc.contig.resize(length);
    for (auto& x : pc.contig) x = static_cast<uint8_t>(rng() % 200 == 0 ? 4 + rng() % 3 : rng() & 3);
    for (size_t s = 0; s < splitters; ++s) {
        Codes kmer(k);
        for (auto& x : kmer) x = static_cast<uint8_t>(rng() & 3);
        const uint64_t f = forward_kmer(kmer, k, k), r = reverse_complement_kmer(f, k);
        pc.splitters.push_back(std::min(f, r));
        if (s % 3 == 2) continue;  // not in the contig
        Codes planted = rng() % 2 ? kmer : reverse_complement(kmer);
        const size_t at = s % 50 == 0 ? 0 : s % 50 == 1 ? length - k : rng() % (length - k);
        std::copy(planted.begin(), planted.end(), pc.contig.begin() + static_cast<std::ptrdiff_t>(at));
        if (s % 7 == 0 && at > 0) pc.contig[at - 1] = 4;  // an N just before
        if (s % 5 == 0) {                                  // a near-copy: one of its first bases changed
            planted[rng() % (k - 8)] ^= 1;
            const size_t near = rng() % (length - k);
            std::copy(planted.begin(), planted.end(), pc.contig.begin() + static_cast<std::ptrdiff_t>(near));
        }
    }
    return pc;
}

TEST(ContigCutter, SkippingScanFindsWhatThePlainScanFinds) {
    std::mt19937_64 rng(47);
    // 31-mers: up to 2,730 splitters take the skip table, more the plain scan; 16-mers (the
    // shortest with skips) and 15-mers (none) likewise.
    for (auto [k, count, skips] : {std::tuple{31u, 20, true}, std::tuple{31u, 2700, true}, std::tuple{31u, 2800, false},
                                   std::tuple{16u, 300, true}, std::tuple{15u, 300, false}}) {
        SCOPED_TRACE("k " + std::to_string(k) + " splitters " + std::to_string(count));
        PlantedContig pc = plant(rng, k, static_cast<size_t>(count), 120'000);
        const SplitterSet set(pc.splitters, k);
        EXPECT_EQ(set.skips().table != nullptr, skips);
        const auto whole = cut_contig(pc.contig, set, k);
        EXPECT_GT(whole.size(), static_cast<size_t>(count) / 3);  // two in three are planted (some overlap)
        expect_same(whole, plain_cut(pc.contig, pc.splitters, k), "whole");
        for (size_t piece : {size_t(k - 1), size_t(k + 3), size_t(1000)}) {
            std::vector<SplitterHit> hits;
            for (size_t from = 0; from < pc.contig.size(); from += piece)
                find_splitter_hits(pc.contig, from, std::min(pc.contig.size(), from + piece), set, k, hits);
            expect_same(cuts_from_hits(hits, pc.contig.size(), k), whole, "piece " + std::to_string(piece));
        }
    }
}

TEST(ContigCutter, SplittersAddedLaterAreFoundWithAndWithoutSkips) {
    // Adaptive mode inserts splitters into the set: the skip table follows, and is dropped once
    // the set outgrows it; either way every splitter cuts.
    std::mt19937_64 rng(53);
    const uint32_t k = 31;
    PlantedContig pc = plant(rng, k, 2900, 200'000);
    SplitterSet set(std::vector<uint64_t>(pc.splitters.begin(), pc.splitters.begin() + 100), k);
    ASSERT_NE(set.skips().table, nullptr);
    size_t added = 100;
    for (size_t upto : {size_t(2000), size_t(2900)}) {
        for (; added < upto; ++added) set.insert(pc.splitters[added]);
        EXPECT_EQ(set.skips().table != nullptr, upto <= 2730) << upto;
        const std::vector<uint64_t> known(pc.splitters.begin(), pc.splitters.begin() + static_cast<std::ptrdiff_t>(upto));
        expect_same(cut_contig(pc.contig, set, k), plain_cut(pc.contig, known, k), "after " + std::to_string(upto));
    }
}

TEST(ContigCutter, EmptyAndSplitterFreeContigs) {
    const SplitterSet set({}, 21);
    EXPECT_TRUE(cut_contig(Codes(), set, 21).empty());
    const auto one = cut_contig(Codes(100, 2), set, 21);
    ASSERT_EQ(one.size(), 1u);
    EXPECT_EQ(one[0].begin, 0u);
    EXPECT_EQ(one[0].end, 100u);
    EXPECT_FALSE(one[0].front.full);
    EXPECT_FALSE(one[0].back.full);
}

}  // namespace
}  // namespace agcflow
