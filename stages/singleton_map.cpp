#include "stages/singleton_map.h"

#include <oneapi/tbb/enumerable_thread_specific.h>
#include <oneapi/tbb/parallel_for.h>
#include <oneapi/tbb/task_arena.h>

#include <algorithm>
#include <atomic>
#include <bit>

#include "io/error.h"
#include "stages/kmer_scan.h"
#include "stages/large_buffer.h"

namespace agcflow {

namespace {

constexpr uint32_t kSlotBits = 16;
constexpr uint64_t kSlots = 1ull << kSlotBits;
constexpr uint64_t kMinChunkBases = 1 << 16;
constexpr uint64_t kMaxChunks = 64;

// A k-mer in its slot: the 48 hash bits below the slot's 16 (which, the hash being a
// bijection, identify the k-mer) and the global position of its last base, 48 bits each.
struct Entry {
    uint32_t hash_lo;
    uint16_t hash_hi;
    uint16_t pos_hi;
    uint32_t pos_lo;

    Entry() = default;
    Entry(uint64_t hash, uint64_t pos)
        : hash_lo(static_cast<uint32_t>(hash)), hash_hi(static_cast<uint16_t>(hash >> 32)),
          pos_hi(static_cast<uint16_t>(pos >> 32)), pos_lo(static_cast<uint32_t>(pos)) {}
    uint64_t hash() const { return uint64_t(hash_hi) << 32 | hash_lo; }  // without the slot bits
    uint64_t pos() const { return uint64_t(pos_hi) << 32 | pos_lo; }
};
static_assert(sizeof(Entry) == SingletonMap::kBytesPerEntry);

uint64_t chunk_count(uint64_t bases, uint32_t threads) {
    const uint64_t wanted = std::min<uint64_t>(kMaxChunks, 4ull * std::max(1u, threads));
    return std::max<uint64_t>(1, std::min(wanted, bases / kMinChunkBases));
}

uint32_t slot_of(uint64_t hash) { return static_cast<uint32_t>(hash >> (64 - kSlotBits)); }

// Calls fn(hash, global position) for every full k-mer ending in [g0, g1) of the concatenated
// contigs (a k-mer never spans two contigs).
template <typename Fn>
void scan_range(const std::vector<ContigView>& contigs, const std::vector<uint64_t>& offsets, uint32_t k, uint64_t g0,
                uint64_t g1, Fn&& fn) {
    size_t c = static_cast<size_t>(std::upper_bound(offsets.begin(), offsets.end(), g0) - offsets.begin()) - 1;
    for (; c < contigs.size() && offsets[c] < g1; ++c) {
        const ContigView seq = contigs[c];
        const uint64_t lo = g0 > offsets[c] ? g0 - offsets[c] : 0;
        const uint64_t hi = std::min<uint64_t>(seq.size(), g1 - offsets[c]);
        if (lo >= hi) continue;
        RollingKmer km(k);
        for (uint64_t i = lo >= k - 1 ? lo - (k - 1) : 0; i < hi; ++i) {
            const uint8_t x = seq[i];
            if (x > 3) {
                km.reset();
                continue;
            }
            km.push(x);
            if (km.full() && i >= lo) fn(murmur64(km.canonical()), offsets[c] + i);
        }
    }
}

// Sets the bit of every entry whose hash occurs once in `entries` (one slot); returns how many.
uint64_t mark_singletons(std::span<Entry> entries, std::vector<uint32_t>& table, std::vector<uint64_t>& bits) {
    auto mark = [&](uint64_t pos) {
        std::atomic_ref<uint64_t>(bits[pos >> 6]).fetch_or(1ull << (pos & 63), std::memory_order_relaxed);
    };
    const uint64_t n = entries.size();
    uint64_t found = 0;
    if (n > (1u << 28)) {  // one hash slot this large: only a massively repeated k-mer does that
        std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) { return a.hash() < b.hash(); });
        for (uint64_t i = 0; i < n;) {
            uint64_t j = i + 1;
            while (j < n && entries[j].hash() == entries[i].hash()) ++j;
            if (j == i + 1) mark(entries[i].pos()), ++found;
            i = j;
        }
        return found;
    }
    // Open addressing over the low hash bits (the slot fixed the high ones): entry index + 1,
    // bit 31 set once the hash is seen again.
    constexpr uint32_t kRepeated = 1u << 31;
    const uint64_t size = std::bit_ceil(std::max<uint64_t>(16, 2 * n));
    const uint64_t mask = size - 1;
    table.assign(size, 0);
    for (uint64_t i = 0; i < n; ++i) {
        const uint64_t h = entries[i].hash();
        for (uint64_t j = h & mask;; j = (j + 1) & mask) {
            const uint32_t v = table[j];
            if (v == 0) {
                table[j] = static_cast<uint32_t>(i + 1);
                break;
            }
            if (entries[(v & ~kRepeated) - 1].hash() == h) {
                table[j] = v | kRepeated;
                break;
            }
        }
    }
    for (uint32_t v : table)
        if (v != 0 && !(v & kRepeated)) mark(entries[v - 1].pos()), ++found;
    return found;
}

}  // namespace

uint64_t SingletonMap::fixed_bytes(uint64_t bases, uint32_t threads) {
    return bases / 8 + chunk_count(bases, threads) * kSlots * sizeof(uint32_t) + 2 * kSlots * sizeof(uint64_t);
}

SingletonMap::SingletonMap(const std::vector<ContigView>& contigs, uint32_t k, uint64_t entry_budget) {
    if (k < 1 || k > 32) throw Error("k-mer length must be in 1..32");
    offsets_.reserve(contigs.size() + 1);
    uint64_t total = 0;
    for (auto& c : contigs) offsets_.push_back(total), total += c.size();
    offsets_.push_back(total);
    if (total >> 48) throw Error("reference too long: more than 2^48 bases");
    bits_.assign(total / 64 + 1, 0);
    if (total == 0) return;

    // Chunks of the concatenated reference, scanned in parallel; per chunk, k-mers per slot.
    const uint32_t threads = static_cast<uint32_t>(tbb::this_task_arena::max_concurrency());
    const uint64_t chunks = chunk_count(total, threads);
    auto chunk_begin = [&](uint64_t c) { return total * c / chunks; };
    std::vector<uint32_t> counts(chunks * kSlots, 0);
    tbb::parallel_for(uint64_t(0), chunks, [&](uint64_t c) {
        uint32_t* cnt = counts.data() + c * kSlots;
        scan_range(contigs, offsets_, k, chunk_begin(c), chunk_begin(c + 1),
                   [&](uint64_t h, uint64_t) { ++cnt[slot_of(h)]; });
    });
    std::vector<uint64_t> slot_total(kSlots, 0);
    for (uint64_t c = 0; c < chunks; ++c)
        for (uint64_t s = 0; s < kSlots; ++s) slot_total[s] += counts[c * kSlots + s];
    for (uint64_t s = 0; s < kSlots; ++s) kmers_ += slot_total[s];

    // Passes: runs of consecutive slots whose entries fit the budget (a slot never splits).
    const uint64_t cap = std::max<uint64_t>(1, entry_budget / kBytesPerEntry);
    std::vector<std::pair<uint64_t, uint64_t>> passes;  // [first, last) slots
    for (uint64_t first = 0; first < kSlots;) {
        uint64_t last = first, n = 0;
        while (last < kSlots && (n == 0 || n + slot_total[last] <= cap)) n += slot_total[last++];
        if (n != 0) passes.emplace_back(first, last), peak_entries_ = std::max(peak_entries_, n);
        first = last;
    }
    passes_ = static_cast<uint32_t>(passes.size());

    std::vector<uint64_t> slot_base(kSlots, 0);
    LargeBuffer<Entry> entries(peak_entries_);
    tbb::enumerable_thread_specific<std::vector<uint32_t>> tables;
    std::atomic<uint64_t> singletons{0};
    for (auto [first, last] : passes) {
        // Where each slot's entries go, and within it each chunk's (kept in counts).
        for (uint64_t s = first, base = 0; s < last; ++s) {
            slot_base[s] = base;
            base += slot_total[s];
            uint64_t run = 0;
            for (uint64_t c = 0; c < chunks; ++c) {
                const uint64_t m = counts[c * kSlots + s];
                counts[c * kSlots + s] = static_cast<uint32_t>(run);
                run += m;
            }
            if (run > UINT32_MAX) throw Error("reference too repetitive: more than 2^32 k-mers in one hash slot");
        }
        tbb::parallel_for(uint64_t(0), chunks, [&](uint64_t c) {
            uint32_t* cur = counts.data() + c * kSlots;
            scan_range(contigs, offsets_, k, chunk_begin(c), chunk_begin(c + 1), [&](uint64_t h, uint64_t pos) {
                const uint32_t s = slot_of(h);
                if (s >= first && s < last) entries[slot_base[s] + cur[s]++] = Entry(h, pos);
            });
        });
        tbb::parallel_for(tbb::blocked_range<uint64_t>(first, last, 16), [&](const tbb::blocked_range<uint64_t>& r) {
            uint64_t found = 0;
            auto& table = tables.local();
            for (uint64_t s = r.begin(); s != r.end(); ++s)
                found += mark_singletons(std::span<Entry>(entries.data() + slot_base[s], slot_total[s]), table, bits_);
            singletons += found;
        });
    }
    singletons_ = singletons;
}

}  // namespace agcflow
