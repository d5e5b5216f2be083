#include "pipeline/batch_cutter.h"

#include <oneapi/tbb/parallel_for.h>

#include <algorithm>

namespace agcflow {

void cut_batch(Batch& batch, CompressionState& st, const Operation& op, Trace* trace) {
    const CreateConfig& cfg = st.cfg;
    const size_t n = batch.contigs.size();
    const int64_t seq = static_cast<int64_t>(batch.sequence);
    const size_t piece = std::max<uint64_t>(1, cfg.cut_piece);
    std::vector<std::pair<uint32_t, size_t>> pieces;  // (contig, start)
    std::vector<size_t> first_piece(n + 1);            // contig i has pieces [first_piece[i], first_piece[i + 1])
    for (size_t i = 0; i < n; ++i) {
        first_piece[i] = pieces.size();
        for (size_t from = 0; from < batch.contigs[i].seq.size(); from += piece)
            pieces.emplace_back(static_cast<uint32_t>(i), from);
    }
    first_piece[n] = pieces.size();
    std::vector<std::vector<SplitterHit>> piece_hits(pieces.size());
    tbb::parallel_for(size_t(0), pieces.size(), [&](size_t x) {
        op.check();
        const auto [i, from] = pieces[x];
        const Codes& s = batch.contigs[i].seq;
        const size_t to = std::min(s.size(), from + piece);
        Trace::Span span(trace, "cut", seq, -1, to - from);
        find_splitter_hits(s, from, to, st.splitters, cfg.k, piece_hits[x]);
    });
    batch.cuts.assign(n, {});
    std::vector<char> deferred(n, 0);
    std::vector<std::vector<uint64_t>> found(n);
    std::vector<std::vector<FallbackRecord>> found_records(n);
    tbb::parallel_for(size_t(0), n, [&](size_t i) {
        const Codes& s = batch.contigs[i].seq;
        std::vector<SplitterHit> hits;
        for (size_t x = first_piece[i]; x < first_piece[i + 1]; ++x)
            hits.insert(hits.end(), piece_hits[x].begin(), piece_hits[x].end());
        batch.cuts[i] = cuts_from_hits(hits, s.size(), cfg.k);
        if (cfg.adaptive && (batch.cuts[i].empty() || !batch.cuts[i].back().front.full)) {
            deferred[i] = 1;
            batch.cuts[i].clear();
            if (s.size() >= cfg.segment_size) {
                Trace::Span span(trace, "adaptive", seq, -1, s.size());
                found[i] = new_splitters_in_contig(s, st.reference_kmers, cfg.k, cfg.segment_size,
                                                   FallbackFilter(cfg.fallback_fraction), found_records[i]);
            }
        }
    });
    if (std::find(deferred.begin(), deferred.end(), 1) != deferred.end()) {
        for (size_t i = 0; i < n; ++i) {
            for (uint64_t s : found[i]) st.splitters.insert(s);
            batch.found_fallback.insert(batch.found_fallback.end(), found_records[i].begin(), found_records[i].end());
        }
        tbb::parallel_for(size_t(0), n, [&](size_t i) {
            if (!deferred[i]) return;
            Trace::Span span(trace, "cut", seq, -1, batch.contigs[i].seq.size());
            batch.cuts[i] = cut_contig(batch.contigs[i].seq, st.splitters, cfg.k);
        });
    }
}

}  // namespace agcflow
