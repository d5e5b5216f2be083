// Splitters: the canonical k-mers that cut contigs into segments (agc-compression-algorithm.md
// §3.1-3.2). They are chosen on the reference only: k-mers occurring exactly once in it
// (both strands counted), about one per segment_size bases along each contig, plus the last
// candidate of each contig.
#pragma once

#include <algorithm>
#include <cstdint>
#include <unordered_set>
#include <vector>

#include "stages/fallback_minimizers.h"
#include "stages/kmer_scan.h"
#include "stages/nucleotide.h"
#include "stages/singleton_map.h"

namespace agcflow {

// Sorted canonical k-mers that occur exactly once in all `contigs` together; with
// `duplicates`, also (one copy of) those that occur more than once.
// (Holds 8 bytes per k-mer: used by adaptive mode, which needs the sets themselves.)
std::vector<uint64_t> reference_singletons(const std::vector<ContigView>& contigs, uint32_t k,
                                           std::vector<uint64_t>* duplicates = nullptr);

// The splitters chosen along one contig, in contig order, given which k-mers are candidates.
// With an enabled filter, every sampled (non-palindromic) k-mer is also recorded with the
// splitters around it.
std::vector<uint64_t> splitters_in_contig(ContigView contig, const std::vector<uint64_t>& singletons, uint32_t k,
                                          uint32_t segment_size, const FallbackFilter& filter = FallbackFilter(),
                                          std::vector<FallbackRecord>* records = nullptr);

struct SplitterSelection {
    std::vector<uint64_t> splitters;       // sorted ascending
    std::vector<FallbackRecord> fallback;  // contig by contig (the order does not matter)
    // Adaptive mode only: the reference's singleton and repeated k-mers, sorted.
    std::vector<uint64_t> singletons, duplicates;
    uint32_t kmer_passes = 0;  // passes of the SingletonMap (0 in adaptive mode)
};

// Default budget for the reference's k-mer entries (see SingletonMap).
inline constexpr uint64_t kDefaultKmerBudget = 1ull << 40;

// All splitters of the reference (contigs scanned in parallel). Candidates come from a
// SingletonMap whose k-mer entries take at most `kmer_budget` bytes at a time; with
// `keep_kmers` (adaptive mode) the sorted singleton and repeated k-mer sets are built instead
// and kept (8 bytes per reference k-mer, as AGC).
SplitterSelection select_splitters(const std::vector<ContigView>& reference, uint32_t k, uint32_t segment_size,
                                   const FallbackFilter& filter = FallbackFilter(), bool keep_kmers = false,
                                   uint64_t kmer_budget = kDefaultKmerBudget);

// Adaptive mode (§3.5): new splitters for a contig of a later sample that has none: k-mers
// unique in the contig and absent from the reference, chosen along it as on the reference.
std::vector<uint64_t> new_splitters_in_contig(const Codes& contig, const SplitterSelection& reference, uint32_t k,
                                              uint32_t segment_size, const FallbackFilter& filter,
                                              std::vector<FallbackRecord>& records);

// Membership test for the hot path of cutting contigs (a lookup at every position): a
// 2^24-bit table indexed by a hash rejects almost every non-splitter with one memory access;
// the hash set decides the rest.
class SplitterSet {
public:
    explicit SplitterSet(const std::vector<uint64_t>& splitters) : filter_(kFilterBits / 64, 0) {
        for (uint64_t s : splitters) insert(s);
    }
    bool contains(uint64_t kmer) const {
        const uint64_t h = murmur64(kmer) >> (64 - kFilterLog2);
        if (!(filter_[h >> 6] >> (h & 63) & 1)) return false;
        return set_.count(kmer) != 0;
    }
    void insert(uint64_t kmer) {
        const uint64_t h = murmur64(kmer) >> (64 - kFilterLog2);
        filter_[h >> 6] |= 1ull << (h & 63);
        set_.insert(kmer);
    }
    std::vector<uint64_t> sorted() const {
        std::vector<uint64_t> v(set_.begin(), set_.end());
        std::sort(v.begin(), v.end());
        return v;
    }

private:
    static constexpr uint32_t kFilterLog2 = 24;
    static constexpr uint64_t kFilterBits = 1ull << kFilterLog2;
    std::vector<uint64_t> filter_;
    std::unordered_set<uint64_t> set_;
};

}  // namespace agcflow
