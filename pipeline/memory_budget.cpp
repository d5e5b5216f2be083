#include "pipeline/memory_budget.h"

#include <unistd.h>

#include <algorithm>

#include "stages/singleton_map.h"

namespace agcflow {

uint64_t physical_memory() {
    const long pages = ::sysconf(_SC_PHYS_PAGES), page = ::sysconf(_SC_PAGESIZE);
    if (pages <= 0 || page <= 0) return 8ull << 30;
    return static_cast<uint64_t>(pages) * static_cast<uint64_t>(page);
}

uint64_t default_memory_budget() { return std::max<uint64_t>(physical_memory() / 2, 256 * kMiB); }

CreateMemoryPlan plan_create_memory(uint64_t budget, uint64_t reference_bases, uint32_t threads, uint32_t readers) {
    if (budget == 0) budget = default_memory_budget();
    const uint64_t R = reference_bases;
    CreateMemoryPlan plan;
    // Splitter phase: the reference, its bitmap and counters are held whatever the budget; the
    // k-mer entries take what is left, between ~64 passes' worth and 4 bytes per base (three
    // passes; AGC holds 8 bytes per base). Two passes (8 bytes) were tried: faster on an 8 Mb
    // random micro-benchmark, but not in create on a 20 or 49 Mb reference, where faulting in
    // the larger buffer costs what the saved scan gains.
    const uint64_t held = R + SingletonMap::fixed_bytes(R, threads);
    const uint64_t least = std::max<uint64_t>(16 * kMiB, SingletonMap::kBytesPerEntry * R / 64);
    const uint64_t most = std::max<uint64_t>(16 * kMiB, 4 * R);
    plan.kmer_budget = std::clamp(budget > held ? budget - held : 0, least, most);
    // Compression phase: a sample in flight takes up to twice its size (codes with vector
    // slack, or codes and the segments cut from them); the groups made from the reference take
    // about three times its size (segments, LZ indexes, open packs). A second token lets the
    // next sample be read while one is compressed; with several readers, several.
    const uint64_t groups = 3 * R, per_sample = 2 * R;
    // More readers read more samples ahead, as far as the budget has room for them; with more
    // than one worker, up to three samples are in the graph at once (one cut, one routed, one
    // stored), else one.
    const uint64_t room = budget > groups ? (budget - groups) / std::max<uint64_t>(1, per_sample) : 0;
    const uint64_t wanted = std::max(1u, readers) + (threads > 1 ? 3 : 1);
    plan.room = room;
    plan.read_ahead = static_cast<uint32_t>(std::clamp<uint64_t>(room, 1, wanted));
    const uint64_t taken = groups + plan.read_ahead * per_sample;
    plan.ahead_bytes = std::min(kSmallSampleReadAhead, budget > taken ? budget - taken : 0);
    // The writer's backlog for small samples: from what the read-ahead leaves, up to as much again.
    const uint64_t left = budget > taken + plan.ahead_bytes ? budget - taken - plan.ahead_bytes : 0;
    plan.backlog = static_cast<uint32_t>(
        std::min<uint64_t>(kMaxSmallBacklog, std::min(kSmallSampleBacklog, left) / std::max<uint64_t>(1, per_sample)));
    plan.needed = std::max(held + least, groups + per_sample);
    return plan;
}

ExtractMemoryPlan plan_extract_memory(uint64_t budget, uint64_t longest_contig, uint32_t threads, bool streaming) {
    if (budget == 0) budget = default_memory_budget();
    threads = std::max(1u, threads);
    ExtractMemoryPlan plan;
    // Each thread keeps a contig buffer; each token a formatted copy (line breaks, maybe gzip).
    const uint64_t per_thread = longest_contig, per_token = longest_contig + longest_contig / 32 + 4096;
    const uint64_t spare = budget > threads * per_thread ? budget - threads * per_thread : 0;
    const uint64_t max_tokens = streaming ? 1 : 2ull * threads + 1;
    // In-flight contigs may use half of what is left, the reference cache the rest.
    plan.tokens = static_cast<uint32_t>(std::clamp<uint64_t>(spare / 2 / per_token, 1, max_tokens));
    const uint64_t in_flight = plan.tokens * per_token;
    plan.reference_cache = std::max<uint64_t>(spare > in_flight ? spare - in_flight : 0, 8 * kMiB);
    return plan;
}

}  // namespace agcflow
