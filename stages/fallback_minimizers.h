// Fallback minimizers (create -f, agc-compression-algorithm.md §3.4): a hashed sample of k-mers
// of the reference, each remembering between which splitters it was seen. A segment with no,
// or only one, known splitter can then still join an existing group by voting with its sampled
// k-mers.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <unordered_map>
#include <utility>
#include <vector>

#include "stages/kmer_scan.h"
#include "stages/nucleotide.h"

namespace agcflow {

class GroupMap;
class GroupStore;
struct GroupKey;

// Which k-mers are fallback minimizers: about `fraction` of all, chosen by hash.
class FallbackFilter {
public:
    explicit FallbackFilter(double fraction = 0.0)
        : threshold_(fraction == 0.0 ? 0 : static_cast<uint64_t>(static_cast<double>(~0ull) * fraction)) {}
    bool enabled() const { return threshold_ != 0; }
    bool operator()(uint64_t kmer) const { return (murmur64(kmer) ^ 0xD73F8BF11046C40Eull) < threshold_; }

private:
    uint64_t threshold_;
};

// A sampled k-mer seen between splitters `prev` and `next` (either may be missing), and
// whether it was in forward orientation there.
struct FallbackRecord {
    uint64_t prev, next, kmer;
    bool forward;
};

class FallbackIndex {
public:
    FallbackIndex(FallbackFilter filter, uint32_t k, uint32_t segment_size, bool adaptive)
        : filter_(filter), k_(k), short_segments_(segment_size <= 10000), adaptive_(adaptive) {}

    bool enabled() const { return filter_.enabled(); }
    void add(const FallbackRecord& r);

    // The best known group key for `segment` by votes (at least `min_votes` distinct k-mers),
    // with whether the segment must be stored reverse-complemented; nullopt if none.
    std::optional<std::pair<GroupKey, bool>> lookup(const Codes& segment, uint64_t min_votes, const GroupMap& map,
                                                    const std::vector<std::unique_ptr<GroupStore>>& groups) const;

private:
    FallbackFilter filter_;
    uint32_t k_;
    bool short_segments_;
    bool adaptive_;
    std::unordered_map<uint64_t, std::vector<std::pair<uint64_t, uint64_t>>> pairs_;
};

}  // namespace agcflow
