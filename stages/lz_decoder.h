// Decoding of LZ-diff entries (agc-archive-format.md §10): a segment described as literals,
// N-runs and matches against its group's reference. V2 (format 2.x and 3.x) also has '!'
// (the reference's base) and matches without a length (to the reference's end); V1 (format
// 1.x, §10.5) has neither.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "stages/nucleotide.h"

namespace agcflow {

enum class LzVersion { v1, v2 };

// Appends the decoded segment to `out` (cleared first). Matches that point outside the
// reference, unterminated numbers, and output longer than `max_size` (the segment's length as
// its descriptor gives it: a corrupt N-run count cannot make it grow without bound) throw
// Error("corrupt archive: <what>: ...").
void lz_decode(std::span<const uint8_t> reference, std::span<const uint8_t> encoded, uint32_t min_match_len,
               Codes& out, const std::string& what = "LZ-diff entry", LzVersion version = LzVersion::v2,
               uint64_t max_size = UINT32_MAX);

}  // namespace agcflow
