#include "pipeline/batch_router.h"

#include <oneapi/tbb/parallel_for.h>

#include <algorithm>
#include <deque>
#include <map>

namespace agcflow {

namespace {

EndKmer to_end_kmer(const CutKmer& k) { return {k.full, k.forward, k.reverse}; }

// Group 0 spread over the raw groups exactly as AGC does: walking destinations 0,1,..,15,0,..
// once per element, each non-zero destination takes the current front of group 0.
void distribute_raw(std::vector<std::vector<Placed*>>& groups) {
    auto& g0 = groups[0];
    std::deque<Placed*> src(g0.begin(), g0.end());
    uint32_t dest = 0;
    for (size_t i = 0, n = src.size(); i < n; ++i) {
        if (dest != 0) {
            groups[dest].push_back(src.front());
            src.pop_front();
        }
        dest = (dest + 1) % kNumRawGroups;
    }
    g0.assign(src.begin(), src.end());
}

}  // namespace

void route_batch(Batch& batch, CompressionState& st, const Operation& op, Trace* trace) {
    const CreateConfig& cfg = st.cfg;
    const size_t n = batch.contigs.size();
    const int64_t seq = static_cast<int64_t>(batch.sequence);
    auto& cuts = batch.cuts;

    // 1. Route every cut of every contig in parallel against the frozen state.
    std::vector<std::pair<uint32_t, uint32_t>> all_cuts;  // (contig, cut)
    std::vector<std::atomic<uint32_t>> cuts_left(n);
    for (size_t i = 0; i < n; ++i) {
        cuts_left[i] = static_cast<uint32_t>(cuts[i].size());
        for (uint32_t j = 0; j < cuts[i].size(); ++j) all_cuts.emplace_back(static_cast<uint32_t>(i), j);
        if (cuts[i].empty()) Codes().swap(batch.contigs[i].seq);
    }
    std::vector<std::vector<RoutedSegment>> routed_cuts(all_cuts.size());
    GroupRouter router(st.map, st.groups, cfg.k, cfg.concatenated, &st.fallback);
    tbb::parallel_for(size_t(0), all_cuts.size(), [&](size_t x) {
        op.check();
        auto [i, j] = all_cuts[x];
        InputContig& c = batch.contigs[i];
        const ContigCut& cut = cuts[i][j];
        Trace::Span span(trace, "route", seq, -1, cut.end - cut.begin);
        router.route(Codes(c.seq.begin() + cut.begin, c.seq.begin() + cut.end), to_end_kmer(cut.front),
                     to_end_kmer(cut.back), 0, routed_cuts[x]);
        if (--cuts_left[i] == 0) Codes().swap(c.seq);  // the contig's last cut is routed
    });
    std::vector<std::vector<ContigCut>>().swap(cuts);

    Trace::Span span(trace, "register", seq);
    // Each contig's parts in cut order, numbered 0, 1, ... (a split cut gives two).
    std::vector<std::vector<RoutedSegment>> routed(n);
    for (size_t x = 0; x < all_cuts.size(); ++x) {
        auto& parts = routed[all_cuts[x].first];
        for (auto& r : routed_cuts[x]) {
            r.part_no = static_cast<uint32_t>(parts.size());
            parts.push_back(std::move(r));
        }
    }

    // 2. Register: sort known entries per group, number new keys in sorted order.
    batch.described.resize(n);
    size_t total = 0;
    for (auto& r : routed) total += r.size();
    batch.placed.reserve(total);
    for (size_t i = 0; i < n; ++i) {
        batch.described[i].first = batch.contigs[i].sample;
        batch.described[i].second.name = batch.contigs[i].name;
        batch.described[i].second.segments.resize(routed[i].size());
        for (auto& r : routed[i]) batch.placed.push_back({static_cast<uint32_t>(i), std::move(r)});
    }
    // AGC's order: (sample name, contig name, part); within a batch the sample name is the
    // same for all (with -c it is empty), so the contig name decides.
    auto before = [&](const Placed* a, const Placed* b) {
        const std::string& an = batch.contigs[a->contig].name;
        const std::string& bn = batch.contigs[b->contig].name;
        if (an != bn) return an < bn;
        return a->seg.part_no < b->seg.part_no;
    };
    std::vector<std::vector<Placed*>> by_group(st.groups.size());
    std::vector<Placed*> fresh;
    for (auto& p : batch.placed) {
        if (p.seg.group)
            by_group[*p.seg.group].push_back(&p);
        else
            fresh.push_back(&p);
    }
    for (auto& v : by_group) std::sort(v.begin(), v.end(), before);
    std::sort(fresh.begin(), fresh.end(), before);
    std::map<GroupKey, uint32_t> new_ids;
    for (Placed* p : fresh) {
        auto [it, added] = new_ids.emplace(p->seg.key, static_cast<uint32_t>(st.groups.size() + new_ids.size()));
        if (added) batch.new_groups.push_back(it->second);
        p->seg.group = it->second;
    }
    by_group.resize(st.groups.size() + new_ids.size());
    for (Placed* p : fresh) by_group[*p->seg.group].push_back(p);
    st.groups.resize(st.groups.size() + new_ids.size());
    for (auto& [key, g] : new_ids) {
        st.groups[g] = std::make_unique<GroupStore>(g, cfg.pack_cardinality, cfg.min_match_len, cfg.profile);
        st.map.add(key, g);
    }
    distribute_raw(by_group);
    // The reference's fallback records become visible after the first batch, as in AGC; then
    // those of the splitters this batch found (adaptive mode).
    if (!st.first_registered) {
        for (const auto& r : st.reference_fallback) st.fallback.add(r);
        std::vector<FallbackRecord>().swap(st.reference_fallback);
        st.first_registered = true;
    }
    for (const auto& r : batch.found_fallback) st.fallback.add(r);
    std::vector<FallbackRecord>().swap(batch.found_fallback);

    // 3. The groups this batch touches, each with its segments in order. A group's first
    //    segment ever becomes its reference here, so that the next batch routes against it.
    for (uint32_t g = 0; g < by_group.size(); ++g) {
        if (by_group[g].empty()) continue;
        GroupWork w;
        w.group = g;
        w.store = st.groups[g].get();
        w.segments = std::move(by_group[g]);
        w.store->touch();
        if (w.store->wants_reference()) {
            Placed* p = w.segments.front();
            const auto len = static_cast<uint32_t>(p->seg.data.size());
            const uint32_t id = w.store->add(std::move(p->seg.data), w.parts);
            batch.described[p->contig].second.segments[p->seg.part_no] = {g, id, len, p->seg.rev_comp};
            w.first_to_store = 1;
        }
        batch.work.push_back(std::move(w));
    }
}

}  // namespace agcflow
