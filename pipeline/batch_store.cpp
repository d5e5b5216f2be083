#include "pipeline/batch_store.h"

#include <oneapi/tbb/parallel_for.h>

namespace agcflow {

void store_batch(Batch& batch, const Operation& op, Trace* trace) {
    const int64_t seq = static_cast<int64_t>(batch.sequence);
    tbb::parallel_for(size_t(0), batch.work.size(), [&](size_t t) {
        op.check();
        GroupWork& w = batch.work[t];
        Trace::Span span(trace, "store", seq, w.group);
        uint64_t bytes = 0;
        for (size_t k = w.first_to_store; k < w.segments.size(); ++k) {
            Placed* p = w.segments[k];
            const auto len = static_cast<uint32_t>(p->seg.data.size());
            bytes += len;
            const uint32_t id = w.store->add(std::move(p->seg.data), w.parts);
            batch.described[p->contig].second.segments[p->seg.part_no] = {w.group, id, len, p->seg.rev_comp};
        }
        span.set_bytes(bytes);
    });
    std::vector<Placed>().swap(batch.placed);
}

void store_last_parts(Batch& end, CompressionState& st) {
    for (size_t g = 0; g < st.groups.size(); ++g) {
        GroupWork w;
        w.group = static_cast<uint32_t>(g);
        w.store = st.groups[g].get();
        w.store->finish(w.parts);
        if (!w.parts.empty()) end.work.push_back(std::move(w));
    }
}

}  // namespace agcflow
