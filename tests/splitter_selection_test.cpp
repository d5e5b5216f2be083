// The reference k-mer phase: the partitioned SingletonMap against a plain count of canonical
// k-mers, and splitter selection through it against selection from the sorted singleton set.
#include <gtest/gtest.h>
#include <oneapi/tbb/task_arena.h>

#include <map>
#include <optional>
#include <random>

#include "stages/candidate_splitters.h"
#include "stages/kmer_scan.h"
#include "stages/singleton_map.h"
#include "stages/splitter_selection.h"

namespace agcflow {
namespace {

// Random contigs with N runs, copies of earlier stretches (repeats, also reverse-complemented),
// a low-complexity run, and contigs shorter than k or empty.
std::vector<Codes> make_reference(uint64_t seed, size_t contigs, size_t length) {
    std::mt19937_64 rng(seed);
    std::vector<Codes> ref;
    for (size_t c = 0; c < contigs; ++c) {
        Codes s(length / (c + 1));
        for (auto& x : s) x = static_cast<uint8_t>(rng() & 3);
        for (int r = 0; r < 6 && s.size() > 2000; ++r) {  // repeats
            const size_t len = 100 + rng() % 500, from = rng() % (s.size() - len), to = rng() % (s.size() - len);
            Codes piece(s.begin() + from, s.begin() + from + len);
            if (r % 2) piece = reverse_complement(piece);
            std::copy(piece.begin(), piece.end(), s.begin() + to);
        }
        if (s.size() > 3000) {
            std::fill(s.begin() + 1000, s.begin() + 1040, uint8_t(4));  // N run
            for (size_t i = 2000; i < 2300; ++i) s[i] = static_cast<uint8_t>(i % 2);  // ACACAC...
        }
        ref.push_back(std::move(s));
    }
    ref.push_back(Codes(7, 2));  // shorter than k
    ref.push_back(Codes());      // empty
    return ref;
}

std::vector<ContigView> views(const std::vector<Codes>& ref) { return {ref.begin(), ref.end()}; }

void expect_map_matches_counts(const std::vector<Codes>& ref, uint32_t k, uint64_t budget, uint32_t threads,
                               uint32_t* passes = nullptr) {
    std::map<uint64_t, int> count;
    for (auto& c : ref) for_each_kmer(c, k, [&](const RollingKmer& km) { ++count[km.canonical()]; });
    tbb::task_arena arena(static_cast<int>(threads));
    arena.execute([&] {
        SingletonMap map(views(ref), k, budget);
        if (passes) *passes = map.passes();
        uint64_t singletons = 0, kmers = 0;
        for (size_t c = 0; c < ref.size(); ++c) {
            RollingKmer km(k);
            for (uint64_t i = 0; i < ref[c].size(); ++i) {
                if (ref[c][i] > 3) {
                    km.reset();
                    ASSERT_FALSE(map(c, i)) << "contig " << c << " position " << i;
                    continue;
                }
                km.push(ref[c][i]);
                const bool once = km.full() && count[km.canonical()] == 1;
                ASSERT_EQ(map(c, i), once) << "contig " << c << " position " << i;
                singletons += once;
                kmers += km.full();
            }
        }
        EXPECT_EQ(map.singletons(), singletons);
        EXPECT_EQ(map.kmers(), kmers);
        if (budget >= 100'000) {
            EXPECT_LE(map.peak_entries() * SingletonMap::kBytesPerEntry, budget);
        }
    });
}

TEST(SingletonMap, MarksExactlyTheKmersOccurringOnceInOnePass) {
    auto ref = make_reference(1, 4, 200'000);
    uint32_t passes = 0;
    expect_map_matches_counts(ref, 31, uint64_t(1) << 40, 2, &passes);
    EXPECT_EQ(passes, 1u);
}

TEST(SingletonMap, SmallBudgetsTakeMorePassesWithTheSameResult) {
    auto ref = make_reference(2, 3, 150'000);
    uint32_t passes = 0;
    expect_map_matches_counts(ref, 31, 300'000, 2, &passes);  // about 12 passes
    EXPECT_GE(passes, 8u);
    auto small = make_reference(5, 1, 60'000);
    // 100 entries per pass; the repeated k-mers' slots exceed that and take a pass each.
    expect_map_matches_counts(small, 31, 1200, 1, &passes);
    EXPECT_GT(passes, 300u);
}

TEST(SingletonMap, ReferencesOfEverySizeClassGiveTheSameResultForEveryBudget) {
    // The number of hash slots follows the reference's size (1024 below 32 kb, 65536 from 1 Mb):
    // viral, mitochondrial and bacterial sizes, in one pass and in many, on 1 and 3 threads.
    for (size_t length : {9'000, 30'000, 82'000, 260'000}) {
        SCOPED_TRACE(length);
        auto ref = make_reference(11 + length, 1, length);
        uint32_t one = 0, many = 0;
        expect_map_matches_counts(ref, 31, uint64_t(1) << 40, 3, &one);
        EXPECT_EQ(one, 1u);
        expect_map_matches_counts(ref, 31, length * SingletonMap::kBytesPerEntry / 20, 1, &many);
        EXPECT_GE(many, 10u);
    }
    // From 1 Mb (all 65536 slots): many passes on one thread mark what one pass on three does.
    auto large = make_reference(17, 1, 1'100'000);
    tbb::task_arena three(3), single(1);
    std::optional<SingletonMap> whole, parts;
    three.execute([&] { whole.emplace(views(large), 31, uint64_t(1) << 40); });
    single.execute([&] { parts.emplace(views(large), 31, large[0].size() * SingletonMap::kBytesPerEntry / 20); });
    EXPECT_EQ(whole->passes(), 1u);
    EXPECT_GE(parts->passes(), 10u);
    EXPECT_EQ(parts->singletons(), whole->singletons());
    EXPECT_EQ(parts->kmers(), whole->kmers());
    EXPECT_GT(whole->singletons(), whole->kmers() * 9 / 10);
    EXPECT_LT(whole->singletons(), whole->kmers());  // the repeats
    for (size_t c = 0; c < large.size(); ++c)
        for (uint64_t i = 0; i < large[c].size(); ++i) ASSERT_EQ((*parts)(c, i), (*whole)(c, i)) << c << " " << i;
}

TEST(SingletonMap, OtherKmerLengthsIncludingEvenOnesWithPalindromes) {
    auto ref = make_reference(3, 2, 60'000);
    for (uint32_t k : {5u, 12u, 16u, 25u, 32u}) {
        SCOPED_TRACE(k);
        expect_map_matches_counts(ref, k, 200'000, 2);
    }
}

TEST(KmerScan, ReverseComplementOfAKmerMatchesTheRollingOne) {
    std::mt19937_64 rng(7);
    for (uint32_t k : {1u, 5u, 16u, 25u, 31u, 32u}) {
        RollingKmer km(k);
        for (int i = 0; i < 1000; ++i) {
            km.push(static_cast<uint8_t>(rng() & 3));
            if (km.full()) {
                ASSERT_EQ(reverse_complement_kmer(km.forward(), k), km.reverse()) << k;
            }
        }
    }
}

TEST(SingletonMap, EmptyReference) {
    std::vector<Codes> ref{Codes(), Codes(10, 4)};
    SingletonMap map(views(ref), 31, 1000);
    EXPECT_EQ(map.passes(), 0u);
    EXPECT_EQ(map.kmers(), 0u);
    EXPECT_FALSE(map(1, 5));
}

TEST(SplitterSelection, SameSplittersAndFallbackRecordsAsFromTheSortedSingletonSet) {
    auto ref = make_reference(4, 5, 400'000);
    const auto v = views(ref);
    const FallbackFilter filter(0.01);
    // Reference selection: the sorted singleton set, contig by contig.
    auto singletons = reference_singletons(v, 25);
    std::vector<uint64_t> expected;
    std::vector<FallbackRecord> expected_records;
    for (auto& c : v) {
        auto s = splitters_in_contig(c, singletons, 25, 5000, filter, &expected_records);
        expected.insert(expected.end(), s.begin(), s.end());
    }
    std::sort(expected.begin(), expected.end());
    expected.erase(std::unique(expected.begin(), expected.end()), expected.end());
    ASSERT_GT(expected.size(), 100u);
    for (uint64_t budget : {uint64_t(1) << 40, uint64_t(100'000)}) {
        auto sel = select_splitters(v, 25, 5000, filter, false, budget);
        EXPECT_EQ(sel.splitters, expected);
        ASSERT_EQ(sel.fallback.size(), expected_records.size());
        for (size_t i = 0; i < expected_records.size(); ++i) {
            EXPECT_EQ(sel.fallback[i].prev, expected_records[i].prev);
            EXPECT_EQ(sel.fallback[i].next, expected_records[i].next);
            EXPECT_EQ(sel.fallback[i].kmer, expected_records[i].kmer);
            EXPECT_EQ(sel.fallback[i].forward, expected_records[i].forward);
        }
    }
}

// The walks' k-mers alone, counted in rounds (stages/candidate_splitters.h): per contig the same
// splitters, in the same order, as the walk over the sorted singleton set. The reference has
// long repeats (a 5 kb stretch copied three times, one copy reverse-complemented, and a contig
// ending in a copy, so the search for its last candidate runs backward through it), which
// take windows grown over several rounds.
TEST(CandidateSplitters, SameSplittersAsTheWalkOverAllSingletons) {
    auto ref = make_reference(21, 5, 400'000);
    std::mt19937_64 rng(8);
    Codes unit(5000);
    for (auto& x : unit) x = static_cast<uint8_t>(rng() & 3);
    Codes repeats(90'000);
    for (auto& x : repeats) x = static_cast<uint8_t>(rng() & 3);
    for (size_t at : {10'000, 40'000, 84'000}) std::copy(unit.begin(), unit.end(), repeats.begin() + static_cast<std::ptrdiff_t>(at));
    const Codes rc = reverse_complement(unit);
    std::copy(rc.begin(), rc.end(), repeats.begin() + 60'000);
    ref.push_back(repeats);
    const auto v = views(ref);
    for (uint32_t k : {21u, 31u}) {
        auto singletons = reference_singletons(v, k);
        for (uint32_t segment_size : {3000u, 20000u, 60000u}) {
            SCOPED_TRACE("k " + std::to_string(k) + " segment size " + std::to_string(segment_size));
            auto got = splitters_by_candidates(v, k, segment_size, 100);
            ASSERT_TRUE(got.has_value());
            EXPECT_GT(got->rounds, 2u);  // the repeats took rounds
            ASSERT_EQ(got->per_contig.size(), v.size());
            size_t total = 0;
            for (size_t c = 0; c < v.size(); ++c) {
                EXPECT_EQ(got->per_contig[c], splitters_in_contig(v[c], singletons, k, segment_size)) << "contig " << c;
                total += got->per_contig[c].size();
            }
            EXPECT_GT(total, 20u);
        }
    }
    // With no room for rounds it gives up, and the selection falls back to the full map.
    EXPECT_FALSE(splitters_by_candidates(v, 31, 20000, 0.1).has_value());
}

// A contig whose last singleton ends exactly k bases after its last splitter (the first
// position the search for the last candidate may take): X then a copy of another contig Z,
// with X one base longer than where the second splitter ends, so that the last k-mer spanning
// X and the copy ends at that splitter's end + k, and every k-mer after it is in Z too.
TEST(CandidateSplitters, LastCandidateAtTheFirstPositionItMayTake) {
    const uint32_t k = 31, segment_size = 3000;
    std::mt19937_64 rng(12);
    Codes x((k - 1) + segment_size + 2), z(500);
    for (auto& c : x) c = static_cast<uint8_t>(rng() & 3);
    for (auto& c : z) c = static_cast<uint8_t>(rng() & 3);
    Codes a = x;
    a.insert(a.end(), z.begin(), z.end());
    const std::vector<Codes> ref{a, z};
    const auto v = views(ref);
    auto singletons = reference_singletons(v, k);
    const auto expected = splitters_in_contig(v[0], singletons, k, segment_size);
    ASSERT_EQ(expected.size(), 3u);  // at k - 1, at k - 1 + segment_size, and the last candidate
    const uint64_t last_end = (k - 1) + segment_size + k;
    RollingKmer km(k);
    for (uint64_t j = last_end + 1 - k; j <= last_end; ++j) km.push(a[j]);
    ASSERT_EQ(expected[2], km.canonical());
    auto got = splitters_by_candidates(v, k, segment_size, 100);
    ASSERT_TRUE(got.has_value());
    EXPECT_EQ(got->per_contig[0], expected);
    EXPECT_EQ(got->per_contig[1], splitters_in_contig(v[1], singletons, k, segment_size));
    EXPECT_TRUE(got->per_contig[1].empty()) << got->per_contig[1].size();  // Z's k-mers all occur twice
}

// Without fallback sampling the choice only jumps between the map's set bits; it must take the
// same splitters as the walk over every k-mer, also with segments shorter than a k-mer and with
// the N runs, repeats and short contigs of make_reference.
TEST(SplitterSelection, JumpingBetweenSingletonsChoosesAsTheWalk) {
    auto ref = make_reference(9, 6, 300'000);
    std::mt19937_64 rng(3);
    Codes dense(20'000);  // splitters every few bases at segment size 1
    for (auto& x : dense) x = static_cast<uint8_t>(rng() & 3);
    ref.push_back(dense);
    const auto v = views(ref);
    for (uint32_t k : {17u, 25u, 31u}) {
        auto singletons = reference_singletons(v, k);
        for (uint32_t segment_size : {1u, 20u, 100u, 5000u, 60000u}) {
            std::vector<uint64_t> expected;
            for (auto& c : v) {
                auto s = splitters_in_contig(c, singletons, k, segment_size, FallbackFilter(), nullptr);
                expected.insert(expected.end(), s.begin(), s.end());
            }
            std::sort(expected.begin(), expected.end());
            expected.erase(std::unique(expected.begin(), expected.end()), expected.end());
            auto sel = select_splitters(v, k, segment_size, FallbackFilter(), false, uint64_t(1) << 40);
            EXPECT_EQ(sel.splitters, expected) << "k " << k << " segment size " << segment_size;
            EXPECT_TRUE(sel.fallback.empty());
        }
    }
}

}  // namespace
}  // namespace agcflow
