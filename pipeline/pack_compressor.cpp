#include "pipeline/pack_compressor.h"

#include <oneapi/tbb/parallel_for.h>
#include <oneapi/tbb/task_arena.h>

#include <algorithm>
#include <atomic>
#include <numeric>

namespace agcflow {

void compress_part(GroupPart& part, const CompressionProfile& profile, int64_t sample, int64_t group, Trace* trace) {
    Trace::Span span(trace, part.is_reference ? "compress-ref" : "compress", sample, group, part.raw_bytes());
    part.compress(profile);
}

std::vector<std::pair<uint32_t, std::vector<GroupPart>>> finish_groups(CompressionState& st, const Operation& op,
                                                                       Trace* trace) {
    const size_t n = st.groups.size();
    std::vector<std::vector<GroupPart>> parts(n);
    for (size_t g = 0; g < n; ++g) st.groups[g]->finish(parts[g]);
    // (group, part) by decreasing size, taken in that order by as many workers as the arena has.
    std::vector<std::pair<uint32_t, uint32_t>> jobs;
    for (uint32_t g = 0; g < n; ++g)
        for (uint32_t i = 0; i < parts[g].size(); ++i) jobs.emplace_back(g, i);
    std::stable_sort(jobs.begin(), jobs.end(), [&](const auto& a, const auto& b) {
        return parts[a.first][a.second].raw_bytes() > parts[b.first][b.second].raw_bytes();
    });
    std::atomic<size_t> next{0};
    const int workers = std::max(1, tbb::this_task_arena::max_concurrency());
    tbb::parallel_for(0, workers, [&](int) {
        for (size_t j; (j = next++) < jobs.size();) {
            op.check();
            auto [g, i] = jobs[j];
            compress_part(parts[g][i], st.groups[g]->profile(), -1, g, trace);
        }
    }, tbb::simple_partitioner());
    std::vector<std::pair<uint32_t, std::vector<GroupPart>>> out;
    for (uint32_t g = 0; g < n; ++g)
        if (!parts[g].empty()) out.emplace_back(g, std::move(parts[g]));
    return out;
}

}  // namespace agcflow
