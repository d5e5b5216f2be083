// Which positions of the reference carry a k-mer that occurs exactly once in it (both strands
// counted): the candidates for splitters (agc-compression-algorithm.md §3.1).
//
// AGC collects all canonical k-mers of the reference (8 bytes per base), sorts them and keeps
// the singletons, so that phase needs about 25 GB for a human reference. Here the k-mers are
// split by the top 16 bits of a bijective mix of their bits into 65536 slots; consecutive slots
// form passes whose (hash, position) entries (12 bytes each) fit the given budget, so a small
// budget costs more passes over the reference, never more memory. Counting sets every k-mer's
// bit in a bitmap over the reference positions (1 bit per base); within a pass, entries are
// scattered into buckets of slots sized to stay in cache, where a small hash table finds the
// repeated k-mers, whose bits are cleared. The result never depends on the budget or on the
// number of threads.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "stages/task_trace.h"

namespace agcflow {

using ContigView = std::span<const uint8_t>;

class SingletonMap {
public:
    // Memory one k-mer entry takes during its pass.
    static constexpr uint64_t kBytesPerEntry = 12;

    // Scans `contigs` (codes, > 3 = not ACGT) with k-mer length k. `entry_budget` bounds the bytes
    // of k-mer entries held at once; the fixed part (bitmap, per-chunk counters) comes on top.
    // `check`, when set, is called between pieces of work and may throw to stop. With a trace,
    // each parallel region is a span ("splitters-par": bench/scaling-model divides it over cores).
    SingletonMap(const std::vector<ContigView>& contigs, uint32_t k, uint64_t entry_budget,
                 const std::function<void()>& check = {}, Trace* trace = nullptr);

    // Whether the k-mer ending at `end` (index of its last base) in contig `contig` occurs once.
    bool operator()(size_t contig, uint64_t end) const {
        const uint64_t g = offsets_[contig] + end;
        return bits_[g >> 6] >> (g & 63) & 1;
    }

    // The end of the first such k-mer ending at or after `from` in contig `contig`, and of the
    // last one; the contig's length when there is none.
    uint64_t first_from(size_t contig, uint64_t from) const;
    uint64_t last_from(size_t contig, uint64_t from) const;

    uint32_t passes() const { return passes_; }
    uint64_t kmers() const { return kmers_; }
    uint64_t singletons() const { return singletons_; }
    // Largest number of entries held in one pass.
    uint64_t peak_entries() const { return peak_entries_; }

    // Bytes the structures other than the entries take for a reference of `bases` bases.
    static uint64_t fixed_bytes(uint64_t bases, uint32_t threads);

private:
    std::vector<uint64_t> offsets_;  // global position of each contig's first base
    std::vector<uint64_t> bits_;
    uint32_t passes_ = 0;
    uint64_t kmers_ = 0, singletons_ = 0, peak_entries_ = 0;
};

}  // namespace agcflow
