// Many ranges of contigs at once (getctg, --regions, the library's sequences call): the ranges
// are taken in windows that fit the memory budget; within a window every segment any range
// touches is decoded once, however many ranges touch it, each pack decompressed once, in
// parallel; then the ranges are cut from the decoded segments and handed over in order.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "io/archive_catalog.h"
#include "pipeline/operation.h"
#include "stages/segment_decoder.h"

namespace agcflow {

// Bases [begin, end) of a contig; end <= the contig's length.
struct RangeRequest {
    ContigRef contig;
    uint64_t begin = 0;
    uint64_t end = 0;
};

struct RangeExtractStats {
    uint64_t windows = 0;
    uint64_t segments_decoded = 0;  // distinct segments, summed over windows
    uint64_t segment_uses = 0;      // segments the ranges touch, duplicates counted
};

// `format(i, codes, out)` turns range i's codes into output bytes (called in parallel);
// `write(i, bytes)` takes them in range order (from the calling thread). `budget`: bytes of
// decoded segments and formatted output held at once (at least one range is always taken).
RangeExtractStats extract_ranges(const ArchiveCatalog& catalog, const SegmentDecoder& decoder,
                                 std::span<const RangeRequest> ranges, uint64_t budget, Operation& op,
                                 const std::function<void(size_t, std::span<const uint8_t>, std::vector<uint8_t>&)>& format,
                                 const std::function<void(size_t, std::span<const uint8_t>)>& write);

}  // namespace agcflow
