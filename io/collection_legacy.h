// The collections of format 1.x and 2.x archives, as AGC 3.2.2 reads them (read-only;
// agc-archive-format.md §7.9):
//  - v1: one `collection-desc` part holding samples, contigs and, per segment, zigzag deltas
//    against the previous segment of the same contig, then the command lines;
//  - v2: `collection-main` (samples, contigs, segment counts, command lines) and
//    `collection-details` parts of `details_batch` samples each, with the four descriptor
//    fields as four sequences, each predicted from the previous segment of the same contig.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "io/collection.h"

namespace agcflow {

// A command line AGC 1.x/2.x stored, and its date (usually empty).
struct StoredCommand {
    std::string command;
    std::string date;
};

struct LegacyCollection {
    std::vector<SampleDesc> samples;  // stored order; v2: no segments yet
    std::vector<StoredCommand> command_lines;
    uint32_t details_batch = 0;                         // v2: samples per collection-details part
    std::vector<std::vector<uint32_t>> segment_counts;  // v2: per sample, per contig
};

// `raw`: the decompressed collection-desc part.
LegacyCollection decode_collection_v1(std::span<const uint8_t> raw);

// `raw`: the decompressed collection-main part.
LegacyCollection decode_collection_v2_main(std::span<const uint8_t> raw);
// `raw`: one decompressed collection-details part; fills the segments of `batch`, whose contigs
// have `counts[i][j]` segments (from collection-main).
void decode_collection_v2_details(std::span<const uint8_t> raw, std::span<SampleDesc> batch,
                                  std::span<const std::vector<uint32_t>> counts);

// The zigzag mapping of v1's deltas: d >= 0 -> 2d, d < 0 -> -2d - 1.
inline int64_t z1_decode(uint64_t v) { return (v & 1) ? -static_cast<int64_t>((v + 1) / 2) : static_cast<int64_t>(v / 2); }
inline uint64_t z1_encode(int64_t d) { return d >= 0 ? 2 * static_cast<uint64_t>(d) : 2 * static_cast<uint64_t>(-d) - 1; }

}  // namespace agcflow
