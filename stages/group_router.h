// Group routing: which group a segment goes to, in which orientation, and whether it is cut
// in two at a middle splitter (agc-compression-algorithm.md §4.2). Routing reads only the
// state frozen at the start of a batch (the group map and the groups' references), so every
// contig of a batch can be routed in parallel and the result does not depend on the schedule.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <unordered_map>
#include <vector>

#include "stages/fallback_minimizers.h"
#include "stages/group_store.h"
#include "stages/nucleotide.h"

namespace agcflow {

inline constexpr uint64_t kNoKmer = ~0ull;  // "no splitter at this end"

// A group's key: the canonical splitters at its two ends (kNoKmer where there is none).
struct GroupKey {
    uint64_t first = kNoKmer;
    uint64_t second = kNoKmer;
    auto operator<=>(const GroupKey&) const = default;
    bool one_sided() const { return first == kNoKmer || second == kNoKmer; }
};

struct GroupKeyHash {
    size_t operator()(const GroupKey& k) const {
        uint64_t h = k.first * 0x9E3779B97F4A7C15ull ^ (k.second + 0x632BE59BD9B4E019ull + (k.first << 6));
        return static_cast<size_t>(h ^ (h >> 31));
    }
};

// A splitter k-mer at one end of a segment, as read in contig orientation.
struct EndKmer {
    bool full = false;
    uint64_t forward = 0;
    uint64_t reverse = 0;  // reverse complement
    uint64_t canonical() const { return forward < reverse ? forward : reverse; }
    bool forward_oriented() const { return forward <= reverse; }
    EndKmer swapped() const { return {full, reverse, forward}; }
};

// Keys of all groups, and for every splitter the sorted splitters it shares a group with.
class GroupMap {
public:
    GroupMap();  // holds (none, none) -> group 0
    std::optional<uint32_t> find(const GroupKey& key) const;
    const std::vector<uint64_t>* partners(uint64_t kmer) const;
    // Registers a new group's key (keeping the smaller id for a known key).
    void add(const GroupKey& key, uint32_t group);
    // (key, group) sorted by key: the segment-splitters stream.
    std::vector<std::pair<GroupKey, uint32_t>> sorted() const;

private:
    std::unordered_map<GroupKey, uint32_t, GroupKeyHash> keys_;
    std::unordered_map<uint64_t, std::vector<uint64_t>> partners_;
};

// One routed segment, ready for the batch registrar.
struct RoutedSegment {
    uint32_t part_no = 0;
    std::optional<uint32_t> group;  // known group, or none: a new key to be numbered at batch end
    GroupKey key;                   // for a new group
    bool rev_comp = false;
    Codes data;                     // in storage orientation
};

class GroupRouter {
public:
    // `groups[g]` must exist for every group id the map knows.
    GroupRouter(const GroupMap& map, const std::vector<std::unique_ptr<GroupStore>>& groups, uint32_t k,
                bool concatenated_genomes, const FallbackIndex* fallback = nullptr)
        : map_(map), groups_(groups), k_(k), concatenated_(concatenated_genomes), fallback_(fallback) {}

    // Routes one segment (in contig orientation) cut between `front` and `back`; appends one
    // entry, or two when it is split (numbered part_no and part_no + 1). Returns that count.
    uint32_t route(Codes&& segment, const EndKmer& front, const EndKmer& back, uint32_t part_no,
                   std::vector<RoutedSegment>& out) const;

private:
    struct Choice {
        GroupKey key;
        bool rev_comp = false;
    };
    Choice one_splitter(const EndKmer& kmer, const Codes& text_dir, const Codes& text_rc) const;
    // (middle splitter, cut position) or nullopt.
    std::optional<std::pair<uint64_t, uint32_t>> middle_splitter(const EndKmer& k1, const EndKmer& k2,
                                                                 const Codes& text_dir, const Codes& text_rc) const;
    const GroupStore& group(uint32_t id) const { return *groups_[id]; }
    std::optional<std::pair<GroupKey, bool>> by_votes(const Codes& text, uint64_t min_votes) const {
        if (!fallback_ || !fallback_->enabled()) return std::nullopt;
        return fallback_->lookup(text, min_votes, map_, groups_);
    }

    const GroupMap& map_;
    const std::vector<std::unique_ptr<GroupStore>>& groups_;
    uint32_t k_;
    bool concatenated_;
    const FallbackIndex* fallback_;
};

}  // namespace agcflow
