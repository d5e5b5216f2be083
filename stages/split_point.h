// Where a segment whose middle splitter is missing is cut in two (agc-compression-algorithm.md
// §4.2, step B): the first position i that minimises L[i] + R[i], where L[i] is the cost of
// coding text[0, i] against the left group (each instruction's cost on its first position) and
// R[i] the cost of text[i, n) against the right group (on its last position), both from
// LzEncoder's cost model, summed in 32 bits as AGC sums them.
//
// AGC builds both cost vectors, one entry per base, and scans their sums. Here the two parses
// come as runs (LzEncoder::cost_runs): between two run boundaries of either parse, L[i] + R[i] is
// linear in i (slope -1, 0 or +1), so its first minimum there is at one end, and the search takes
// a step per run, not per base.
#pragma once

#include <cstdint>
#include <span>

#include "stages/lz_encoder.h"

namespace agcflow {

// `left` and `right` are the parses of the text (n bases) against the two groups; a parse marked
// `reversed` is of the text's reverse complement, so its runs are met back to front. Both cover
// n positions. Returns 0 when n is 0.
uint32_t first_min_split(std::span<const CostRun> left, bool left_reversed, std::span<const CostRun> right,
                         bool right_reversed, uint32_t n);

// The same, base by base over the two cost vectors as AGC computes it. first_min_split() uses it
// for texts of 2^29 bases and more, where the 32-bit sums may wrap (below that they cannot: no
// parse costs more than 4 per base, so L[i] + R[i] < 8n).
uint32_t first_min_split_by_vectors(std::span<const CostRun> left, bool left_reversed, std::span<const CostRun> right,
                                    bool right_reversed, uint32_t n);

}  // namespace agcflow
