#include "stages/fallback_minimizers.h"

#include <algorithm>
#include <map>

#include "stages/group_router.h"
#include "stages/group_store.h"
#include "stages/kmer_scan.h"

namespace agcflow {

void FallbackIndex::add(const FallbackRecord& r) {
    auto& v = pairs_[r.kmer];
    std::pair<uint64_t, uint64_t> p = r.forward ? std::make_pair(r.prev, r.next) : std::make_pair(r.next, r.prev);
    if (std::find(v.begin(), v.end(), p) == v.end()) v.push_back(p);
}

std::optional<std::pair<GroupKey, bool>> FallbackIndex::lookup(
    const Codes& segment, uint64_t min_votes, const GroupMap& map,
    const std::vector<std::unique_ptr<GroupStore>>& groups) const {
    if (!enabled()) return std::nullopt;
    // Votes: for every oriented splitter pair, the distinct sampled k-mers that point at it.
    std::map<std::pair<uint64_t, uint64_t>, std::vector<uint64_t>> votes;
    for_each_kmer(segment, k_, [&](const RollingKmer& km) {
        if (!filter_(km.canonical())) return;
        auto it = pairs_.find(km.canonical());
        if (it == pairs_.end()) return;
        for (auto pr : it->second) {
            if (pr.first == kNoKmer || pr.second == kNoKmer) continue;
            if (km.forward() > km.reverse()) std::swap(pr.first, pr.second);
            votes[pr].push_back(km.canonical());
        }
    });
    std::vector<std::pair<uint64_t, std::pair<uint64_t, uint64_t>>> cands;
    for (auto& [pr, kmers] : votes) {
        std::sort(kmers.begin(), kmers.end());
        uint64_t n = static_cast<uint64_t>(std::unique(kmers.begin(), kmers.end()) - kmers.begin());
        if (n >= min_votes) cands.emplace_back(n, pr);
    }
    if (cands.empty()) return std::nullopt;
    constexpr size_t kMaxCandidates = 10;
    auto desc = std::greater<std::pair<uint64_t, std::pair<uint64_t, uint64_t>>>();
    if (cands.size() <= kMaxCandidates) {
        std::sort(cands.begin(), cands.end(), desc);
    } else {
        std::partial_sort(cands.begin(), cands.begin() + kMaxCandidates, cands.end(), desc);
        cands.resize(kMaxCandidates);
    }
    while (cands.back().first * 2 < cands.front().first) cands.pop_back();  // drop poor candidates

    const Codes rc = reverse_complement(segment);
    std::pair<uint64_t, uint64_t> best{kNoKmer, kNoKmer};
    uint64_t best_cost = segment.size();
    for (auto& [n, pr] : cands) {
        const bool is_rc = pr.first > pr.second;
        auto g = map.find(is_rc ? GroupKey{pr.second, pr.first} : GroupKey{pr.first, pr.second});
        if (!g) continue;  // a pair of the same batch, not yet a group
        if (short_segments_) {
            best = pr;
            best_cost = 0;
            break;
        }
        const LzEncoder* enc = groups[*g]->encoder();
        uint64_t cost = enc ? enc->estimate(is_rc ? rc : segment, static_cast<uint32_t>(best_cost)) : 0;
        if (cost && cost < best_cost) {  // AGC ignores a cost of 0 (identical to the reference)
            best_cost = cost;
            best = pr;
        }
    }
    if (adaptive_) {
        const double limit = short_segments_ ? 0.9 : 0.2;
        if (static_cast<double>(best_cost) >= static_cast<double>(segment.size()) * limit) return std::nullopt;
    }
    if (best.first == kNoKmer && best.second == kNoKmer) return std::nullopt;
    if (best.first <= best.second) return std::make_pair(GroupKey{best.first, best.second}, false);
    return std::make_pair(GroupKey{best.second, best.first}, true);
}

}  // namespace agcflow
