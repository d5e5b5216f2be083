// Cutting a contig into segments at every occurrence of a splitter
// (agc-compression-algorithm.md §4.1). A segment ends with the splitter that closes it and
// the next one starts with that same k-mer, so consecutive segments overlap by exactly k.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "stages/nucleotide.h"
#include "stages/splitter_selection.h"

namespace agcflow {

struct CutKmer {
    bool full = false;  // false: no splitter at this end
    uint64_t forward = 0;
    uint64_t reverse = 0;
};

struct ContigCut {
    size_t begin = 0, end = 0;  // [begin, end) in the contig
    CutKmer front, back;
};

// An empty contig gives no segment; a contig without splitters gives one with no ends.
std::vector<ContigCut> cut_contig(std::span<const uint8_t> contig, const SplitterSet& splitters, uint32_t k);

// The same cut in two steps, so that a long contig can be scanned in pieces by several threads:
// first every splitter occurrence ending in a range of the contig, then the cuts from all of them.
struct SplitterHit {
    size_t end = 0;  // one past the k-mer's last base
    uint64_t forward = 0, reverse = 0;
};

// Appends the occurrences of splitters (k ACGT bases whose canonical k-mer is a splitter) whose
// last base lies in [from, to), in order; it reads the k - 1 bases before `from` too.
void find_splitter_hits(std::span<const uint8_t> contig, size_t from, size_t to, const SplitterSet& splitters,
                        uint32_t k, std::vector<SplitterHit>& out);

// The cuts made by a contig's occurrences (all of them, in order). An occurrence that starts
// before the previous cut's splitter ends overlaps it and cuts nothing, as in AGC's scan, which
// starts a new k-mer after each cut.
std::vector<ContigCut> cuts_from_hits(std::span<const SplitterHit> hits, size_t contig_size, uint32_t k);

}  // namespace agcflow
