#include "stages/splitter_selection.h"

#include <oneapi/tbb/parallel_for.h>
#include <oneapi/tbb/parallel_sort.h>

#include <algorithm>

#include "stages/candidate_splitters.h"
#include "stages/kmer_scan.h"

namespace agcflow {

namespace {

// Sorts `all` and keeps the values occurring once; repeated ones go to `duplicates` if given.
void keep_singletons(std::vector<uint64_t>& all, std::vector<uint64_t>* duplicates) {
    tbb::parallel_sort(all.begin(), all.end());
    size_t out = 0;
    for (size_t i = 0; i < all.size();) {
        size_t j = i + 1;
        while (j < all.size() && all[j] == all[i]) ++j;
        if (j == i + 1)
            all[out++] = all[i];
        else if (duplicates)
            duplicates->push_back(all[i]);
        i = j;
    }
    all.resize(out);
}

}  // namespace

std::vector<uint64_t> reference_singletons(const std::vector<ContigView>& contigs, uint32_t k,
                                           std::vector<uint64_t>* duplicates) {
    size_t total = 0;
    for (auto& c : contigs) total += c.size();
    std::vector<uint64_t> all;
    all.reserve(total);
    for (auto& c : contigs) for_each_kmer(c, k, [&](const RollingKmer& km) { all.push_back(km.canonical()); });
    keep_singletons(all, duplicates);
    all.shrink_to_fit();
    return all;
}

namespace {

// Walks a contig choosing splitters; is_candidate(kmer, end position) says whether the
// canonical k-mer ending there may be one.
template <typename IsCandidate>
std::vector<uint64_t> walk_contig(ContigView contig, IsCandidate&& is_candidate, uint32_t k, uint32_t segment_size,
                                  const FallbackFilter& filter, std::vector<FallbackRecord>* records) {
    std::vector<uint64_t> chosen;
    std::vector<std::pair<uint64_t, bool>> sampled;  // sampled k-mers since the last splitter
    uint64_t prev = ~0ull;
    auto emit = [&](uint64_t next) {
        if (records)
            for (auto& [kmer, fwd] : sampled) records->push_back({prev, next, kmer, fwd});
        sampled.clear();
        prev = next;
        chosen.push_back(next);
    };
    // The last candidate since the last chosen splitter: a contig's last candidate is a
    // splitter too, however close to the previous one.
    bool have_last = false;
    uint64_t last = 0;
    uint64_t distance = segment_size;  // so that the first candidate is taken at once
    RollingKmer km(k);
    for (uint64_t i = 0; i < contig.size(); ++i, ++distance) {
        const uint8_t x = contig[i];
        if (x > 3) {
            km.reset();
            continue;
        }
        km.push(x);
        if (!km.full()) continue;
        const uint64_t v = km.canonical();
        if (filter.enabled() && km.forward() != km.reverse() && filter(v))
            sampled.emplace_back(v, km.forward() <= km.reverse());
        if (!is_candidate(v, i)) continue;
        if (distance >= segment_size) {
            emit(v);
            distance = 0;
            km.reset();
            have_last = false;
        } else {
            have_last = true, last = v;
        }
    }
    if (have_last) emit(last);
    return chosen;
}

}  // namespace

std::vector<uint64_t> splitters_in_contig(ContigView contig, const std::vector<uint64_t>& singletons, uint32_t k,
                                          uint32_t segment_size, const FallbackFilter& filter,
                                          std::vector<FallbackRecord>* records) {
    auto candidate = [&](uint64_t v, uint64_t) { return std::binary_search(singletons.begin(), singletons.end(), v); };
    return walk_contig(contig, candidate, k, segment_size, filter, records);
}

namespace {

// The walk above, for a reference whose candidates are the set bits of a SingletonMap and with
// no k-mers sampled for fallback: it only jumps. A splitter is taken at the first candidate, then
// at the first one at least segment_size bases on (and past the taken k-mer, which the walk
// starts afresh after); the contig's last candidate after the last splitter is one too.
std::vector<uint64_t> jump_contig(ContigView contig, const SingletonMap& singletons, size_t c, uint32_t k,
                                  uint32_t segment_size) {
    std::vector<uint64_t> chosen;
    auto canonical_at = [&](uint64_t end) {
        RollingKmer km(k);
        for (uint64_t j = end + 1 - k; j <= end; ++j) km.push(contig[j]);
        return km.canonical();
    };
    const uint64_t n = contig.size();
    uint64_t at = singletons.first_from(c, 0);
    if (at == n) return chosen;
    for (;;) {
        chosen.push_back(canonical_at(at));
        const uint64_t next = singletons.first_from(c, at + std::max(segment_size, k));
        if (next == n) break;
        at = next;
    }
    if (const uint64_t last = singletons.last_from(c, at + k); last != n) chosen.push_back(canonical_at(last));
    return chosen;
}

}  // namespace

SplitterSelection select_splitters(const std::vector<ContigView>& reference, uint32_t k, uint32_t segment_size,
                                   const FallbackFilter& filter, bool keep_kmers, uint64_t kmer_budget,
                                   const std::function<void()>& check, Trace* trace, bool by_candidates) {
    SplitterSelection sel;
    std::vector<std::vector<uint64_t>> per_contig(reference.size());
    std::vector<std::vector<FallbackRecord>> records(reference.size());
    if (keep_kmers) {
        sel.singletons = reference_singletons(reference, k, &sel.duplicates);
        tbb::parallel_for(size_t(0), reference.size(), [&](size_t i) {
            per_contig[i] = splitters_in_contig(reference[i], sel.singletons, k, segment_size, filter, &records[i]);
        });
    } else if (std::optional<CandidateSplitters> found =
                   filter.enabled() || !by_candidates
                       ? std::nullopt
                       : splitters_by_candidates(reference, k, segment_size, kCandidateMaxScans, check, trace)) {
        // The walks' k-mers alone, counted in a few scans of the reference (see there).
        per_contig = std::move(found->per_contig);
        sel.candidate_rounds = found->rounds;
    } else {
        const SingletonMap singletons(reference, k, kmer_budget, check, trace);
        sel.kmer_passes = singletons.passes();
        Trace::Span region(trace, "splitters-par");
        tbb::parallel_for(size_t(0), reference.size(), [&](size_t i) {
            if (!filter.enabled()) {
                per_contig[i] = jump_contig(reference[i], singletons, i, k, segment_size);
                return;
            }
            auto candidate = [&](uint64_t, uint64_t end) { return singletons(i, end); };
            per_contig[i] = walk_contig(reference[i], candidate, k, segment_size, filter, &records[i]);
        });
    }
    for (auto& v : per_contig) sel.splitters.insert(sel.splitters.end(), v.begin(), v.end());
    std::sort(sel.splitters.begin(), sel.splitters.end());
    sel.splitters.erase(std::unique(sel.splitters.begin(), sel.splitters.end()), sel.splitters.end());
    for (auto& v : records) sel.fallback.insert(sel.fallback.end(), v.begin(), v.end());
    return sel;
}

std::vector<uint64_t> new_splitters_in_contig(const Codes& contig, const SplitterSelection& reference, uint32_t k,
                                              uint32_t segment_size, const FallbackFilter& filter,
                                              std::vector<FallbackRecord>& records) {
    std::vector<uint64_t> kmers;
    for_each_kmer(contig, k, [&](const RollingKmer& km) { kmers.push_back(km.canonical()); });
    keep_singletons(kmers, nullptr);
    std::vector<uint64_t> tmp, fresh;
    std::set_difference(kmers.begin(), kmers.end(), reference.singletons.begin(), reference.singletons.end(),
                        std::back_inserter(tmp));
    std::set_difference(tmp.begin(), tmp.end(), reference.duplicates.begin(), reference.duplicates.end(),
                        std::back_inserter(fresh));
    return splitters_in_contig(contig, fresh, k, segment_size, filter, &records);
}

}  // namespace agcflow
