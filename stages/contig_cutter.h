// Cutting a contig into segments at every occurrence of a splitter
// (agc-compression-algorithm.md §4.1). A segment ends with the splitter that closes it and
// the next one starts with that same k-mer, so consecutive segments overlap by exactly k.
#pragma once

#include <cstdint>
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

}  // namespace agcflow
