// Decoding of LZ-diff V2 entries (agc-archive-format.md §10): a segment described as literals,
// N-runs and matches against its group's reference.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "stages/nucleotide.h"

namespace agcflow {

// Appends the decoded segment to `out` (cleared first). Matches that point outside the
// reference and unterminated numbers throw Error("corrupt archive: <what>: ...").
void lz_decode(std::span<const uint8_t> reference, std::span<const uint8_t> encoded, uint32_t min_match_len,
               Codes& out, const std::string& what = "LZ-diff entry");

}  // namespace agcflow
