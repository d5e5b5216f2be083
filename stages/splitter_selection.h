// Splitters: the canonical k-mers that cut contigs into segments (agc-compression-algorithm.md
// §3.1-3.2). They are chosen on the reference only: k-mers occurring exactly once in it
// (both strands counted), about one per segment_size bases along each contig, plus the last
// candidate of each contig.
#pragma once

#include <algorithm>
#include <bit>
#include <cstdint>
#include <cstring>
#include <functional>
#include <unordered_set>
#include <vector>

#include "stages/fallback_minimizers.h"
#include "stages/kmer_scan.h"
#include "stages/nucleotide.h"
#include "stages/singleton_map.h"
#include "stages/task_trace.h"

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
    uint32_t kmer_passes = 0;       // passes of the SingletonMap (0 in adaptive mode, or without one)
    uint32_t candidate_rounds = 0;  // else scans of the reference for the walks' k-mers
};

// Default budget for the reference's k-mer entries (see SingletonMap).
inline constexpr uint64_t kDefaultKmerBudget = 1ull << 40;

// All splitters of the reference (contigs scanned in parallel). With `by_candidates` and no
// fallback sampling, from the walks' k-mers alone (stages/candidate_splitters.h) unless that
// gives up; else candidates come from a SingletonMap whose k-mer entries take at most
// `kmer_budget` bytes at a time; with `keep_kmers` (adaptive mode) the sorted singleton and
// repeated k-mer sets are built instead and kept (8 bytes per reference k-mer, as AGC).
SplitterSelection select_splitters(const std::vector<ContigView>& reference, uint32_t k, uint32_t segment_size,
                                   const FallbackFilter& filter = FallbackFilter(), bool keep_kmers = false,
                                   uint64_t kmer_budget = kDefaultKmerBudget, const std::function<void()>& check = {},
                                   Trace* trace = nullptr, bool by_candidates = true);

// Adaptive mode (§3.5): new splitters for a contig of a later sample that has none: k-mers
// unique in the contig and absent from the reference, chosen along it as on the reference.
std::vector<uint64_t> new_splitters_in_contig(const Codes& contig, const SplitterSelection& reference, uint32_t k,
                                              uint32_t segment_size, const FallbackFilter& filter,
                                              std::vector<FallbackRecord>& records);

// Membership test for the hot path of cutting contigs (a lookup at every position). A bit table
// of 64 to 256 bits per splitter orientation, indexed by a multiplicative mix (no full hash:
// this runs once per base), holds both orientations of every splitter, so a scan can test the
// forward k-mer alone (its canonical form is a splitter exactly when the forward k-mer is a
// splitter or the reverse complement of one) and compute the reverse complement only on the
// rare hit; the hash set decides. The table grows with the set (adaptive mode adds splitters).
//
// For sets small enough (up to 2,730 splitters of 31 bases: viral to yeast-sized references,
// and the 20 Mb ones of the benchmarks; a human one has ~50,000), a second table lets a scan skip most positions
// (Wu-Manber's multi-pattern search): for each of the 4^8 8-mers, how far the end of a window of
// k bases whose last 8 bases are that 8-mer may move before an occurrence of a splitter (either
// orientation) could end in between. Only windows with skip 0 (an 8-mer that ends a splitter)
// are tested with the filter; on a random 8-mer the window moves k - 7 bases.
class SplitterSet {
public:
    SplitterSet(const std::vector<uint64_t>& splitters, uint32_t k) : k_(k) {
        set_.reserve(splitters.size());
        for (uint64_t s : splitters) set_.insert(s);
        rebuild();
    }
    // Whether the canonical k-mer `kmer` is a splitter.
    bool contains(uint64_t kmer) const { return may_contain(kmer) && set_.count(kmer) != 0; }
    // False only if neither `kmer` nor its reverse complement is a splitter.
    bool may_contain(uint64_t kmer) const { return filter().may_contain(kmer); }
    // The bit table alone, to be copied into a scan's locals (a pointer and a shift that no store
    // of the scan can alias, so they stay in registers).
    struct Filter {
        const uint64_t* words;
        uint32_t shift;
        bool may_contain(uint64_t kmer) const {
            const uint64_t i = slot(kmer, shift);
            return words[i >> 6] >> (i & 63) & 1;
        }
    };
    Filter filter() const { return {filter_.data(), shift_}; }
    // The skip table (null when the set is too large for one to pay, or k < 16), indexed by
    // gram_index() of a window's last 8 codes, all ACGT; an 8-mer with another code skips
    // `longest` = k - 7 (no splitter holds it).
    static constexpr uint32_t kGramBases = 8;
    struct Skips {
        const uint8_t* table;
        uint32_t longest;
    };
    Skips skips() const { return {skip_.empty() ? nullptr : skip_.data(), longest_skip()}; }
    // A bijection from eight codes 0..3 (one little-endian word, as read from memory) to 0..65535.
    static uint32_t gram_index(uint64_t w) {
        w = (w | w >> 6) & 0x000F000F000F000Full;
        w = (w | w >> 12) & 0x000000FF000000FFull;
        return static_cast<uint32_t>((w | w >> 24) & 0xFFFF);
    }
    void insert(uint64_t kmer) {
        if (!set_.insert(kmer).second) return;
        if (set_.size() * 2 * kBitsPerKmer > (filter_.size() * 64) * 2) {
            rebuild();
        } else {
            add_to_filter(kmer);
            if (!skip_.empty()) {
                if (skips_pay())
                    add_to_skips(kmer);
                else
                    std::vector<uint8_t>().swap(skip_);
            }
        }
    }
    size_t size() const { return set_.size(); }
    uint32_t k() const { return k_; }
    std::vector<uint64_t> sorted() const {
        std::vector<uint64_t> v(set_.begin(), set_.end());
        std::sort(v.begin(), v.end());
        return v;
    }

private:
    static constexpr uint64_t kBitsPerKmer = 64;
    static constexpr uint64_t kL2Bits = uint64_t(8) << 20;
    // Of the k-mer as it is (its 2k bits at the top). (A xor-shift before the multiply cost three
    // more instructions per base and gave no fewer false "maybe"s.)
    static uint64_t slot(uint64_t kmer, uint32_t shift) { return fibonacci_slot(kmer, shift); }
    void set_bit(uint64_t kmer) {
        const uint64_t i = slot(kmer, shift_);
        filter_[i >> 6] |= 1ull << (i & 63);
    }
    void add_to_filter(uint64_t kmer) {
        set_bit(kmer);
        set_bit(reverse_complement_kmer(kmer, k_));
    }
    void rebuild() {
        // At least kBitsPerKmer bits per orientation; up to 4 times that while the table stays
        // in a core's L2 (1 MiB): every false "maybe" costs a reverse complement and a hash-set
        // lookup (825 splitters, 16 -> 64 KiB: 13% less time cutting contigs).
        const uint64_t least = std::bit_ceil(std::max<uint64_t>(4096, set_.size() * 2 * kBitsPerKmer));
        const uint64_t bits = std::max(least, std::min<uint64_t>(std::bit_ceil(4 * least), kL2Bits));
        filter_.assign(bits / 64, 0);
        shift_ = 64 - static_cast<uint32_t>(std::countr_zero(bits));
        for (uint64_t s : set_) add_to_filter(s);
        std::vector<uint8_t>().swap(skip_);
        if (skips_pay()) {
            skip_.assign(size_t(1) << (2 * kGramBases), static_cast<uint8_t>(longest_skip()));
            for (uint64_t s : set_) add_to_skips(s);
        }
    }
    // Whether skipping pays: the splitters' 8-mers (k - 7 per orientation) number at most twice
    // the table's entries (2,730 splitters of 31 bases). With more, the skips shrink towards 0.
    // Cutting a 260 MB collection, plain scan -> skips: 348 splitters 0.35 -> 0.10 s, 1,020:
    // 0.42 -> 0.14 s, 2,029: 0.40 -> 0.21 s, 4,041: 0.45 -> 0.42 s.
    bool skips_pay() const {
        return k_ >= 2 * kGramBases && set_.size() * longest_skip() <= (size_t(1) << (2 * kGramBases));
    }
    // How far a window moves past an 8-mer no splitter holds (also how many 8-mers one holds).
    uint32_t longest_skip() const { return k_ - kGramBases + 1; }
    void add_to_skips(uint64_t kmer) {
        for (uint64_t x : {kmer, reverse_complement_kmer(kmer, k_)}) {
            // The codes of x, first base first (2k bits at the top), as bytes in memory order.
            uint8_t codes[32];
            for (uint32_t i = 0; i < k_; ++i) codes[i] = static_cast<uint8_t>(x >> (62 - 2 * i) & 3);
            for (uint32_t end = kGramBases - 1; end < k_; ++end) {
                uint64_t w;
                std::memcpy(&w, codes + end + 1 - kGramBases, 8);
                uint8_t& skip = skip_[gram_index(w)];
                skip = std::min(skip, static_cast<uint8_t>(k_ - 1 - end));
            }
        }
    }
    uint32_t k_;
    std::vector<uint64_t> filter_;
    uint32_t shift_ = 64;
    std::vector<uint8_t> skip_;  // see Skips
    std::unordered_set<uint64_t> set_;
};

}  // namespace agcflow
