// Splitters of the reference without a map of every k-mer (agc-compression-algorithm.md §3.1).
//
// A contig's walk takes the first singleton k-mer (one occurring once in the reference, both
// strands counted), then the first one at least segment_size bases on, and so on, and last the
// contig's last singleton: in an assembly, where nearly every k-mer is a singleton, it asks about
// a few k-mers every segment_size bases. So instead of counting every k-mer of the reference
// (SingletonMap), the walks are run on the k-mers they will ask about: each round, every
// unfinished walk names the k-mers in a window after the position where it stopped and after
// each point it will reach if its next k-mers are singletons; the reference is scanned once for
// their occurrences (the contig cutter's scan), and the walks go on. A window that holds no
// singleton (a point in a repeat) grows for the next round (to 1,536 k-mers, then 16-fold).
// When the scans would cost more than `max_scans` plain scans (the full map costs about 15), as
// on a reference rich in repeats, where every repeat a walk meets costs a few rounds, it gives
// up (std::nullopt) and the caller builds the full map. The splitters are exactly those of the full map's walk.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "stages/singleton_map.h"
#include "stages/task_trace.h"

namespace agcflow {

struct CandidateSplitters {
    std::vector<std::vector<uint64_t>> per_contig;  // the splitters of each contig, in contig order
    uint32_t rounds = 0;                           // scans of the reference
};

// What the rounds may cost, in plain scans of the reference, before the full map is built.
inline constexpr double kCandidateMaxScans = 8;

std::optional<CandidateSplitters> splitters_by_candidates(const std::vector<ContigView>& reference, uint32_t k,
                                                          uint32_t segment_size, double max_scans = kCandidateMaxScans,
                                                          const std::function<void()>& check = {},
                                                          Trace* trace = nullptr);

}  // namespace agcflow
