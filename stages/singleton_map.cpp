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

// A cheap bijective mix of a k-mer (one multiply by an odd constant, one xor-shift; both
// invertible, so equal mixes mean equal k-mers): its top bits pick the slot, its low bits the
// place in the slot's hash table.
inline uint64_t mix(uint64_t kmer) {
    const uint64_t h = kmer * 0x9E3779B97F4A7C15ull;
    return h ^ h >> 29;
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
            if (km.full() && i >= lo) fn(mix(km.canonical()), offsets[c] + i);
        }
    }
}

// Clears the bit of every entry whose hash occurs more than once in `entries` (one slot);
// returns how many entries that is. (Every full k-mer's bit was set when it was counted:
// in an assembly most k-mers are singletons, so clearing the few repeated ones touches far
// fewer random words of the bitmap than setting the singletons would.)
uint64_t clear_repeated(std::span<Entry> entries, std::vector<uint32_t>& table, std::vector<uint64_t>& bits) {
    auto clear = [&](uint64_t pos) {
        std::atomic_ref<uint64_t>(bits[pos >> 6]).fetch_and(~(1ull << (pos & 63)), std::memory_order_relaxed);
    };
    const uint64_t n = entries.size();
    uint64_t repeated = 0;
    if (n > (1u << 28)) {  // one hash slot this large: only a massively repeated k-mer does that
        std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) { return a.hash() < b.hash(); });
        for (uint64_t i = 0; i < n;) {
            uint64_t j = i + 1;
            while (j < n && entries[j].hash() == entries[i].hash()) ++j;
            if (j > i + 1)
                for (uint64_t x = i; x < j; ++x) clear(entries[x].pos()), ++repeated;
            i = j;
        }
        return repeated;
    }
    // Open addressing over the low hash bits (the slot fixed the high ones): index + 1 of the
    // hash's first entry, bit 31 set once the hash is seen again.
    constexpr uint32_t kRepeated = 1u << 31;
    const uint64_t size = std::bit_ceil(std::max<uint64_t>(16, 2 * n));
    const uint64_t mask = size - 1;
    table.assign(size, 0);
    auto find = [&](uint64_t h) {
        uint64_t j = h & mask;
        while (table[j] != 0 && entries[(table[j] & ~kRepeated) - 1].hash() != h) j = (j + 1) & mask;
        return j;
    };
    bool any = false;
    for (uint64_t i = 0; i < n; ++i) {
        const uint64_t j = find(entries[i].hash());
        if (table[j] == 0)
            table[j] = static_cast<uint32_t>(i + 1);
        else
            table[j] |= kRepeated, any = true;
    }
    if (!any) return 0;
    for (uint64_t i = 0; i < n; ++i)
        if (table[find(entries[i].hash())] & kRepeated) clear(entries[i].pos()), ++repeated;
    return repeated;
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
    // Chunks start at multiples of 64 positions: each owns whole words of the bitmap.
    auto chunk_begin = [&](uint64_t c) { return c == chunks ? total : total * c / chunks / 64 * 64; };
    std::vector<uint32_t> counts(chunks * kSlots, 0);
    tbb::parallel_for(uint64_t(0), chunks, [&](uint64_t c) {
        uint32_t* cnt = counts.data() + c * kSlots;
        uint64_t* bits = bits_.data();
        scan_range(contigs, offsets_, k, chunk_begin(c), chunk_begin(c + 1), [&](uint64_t h, uint64_t pos) {
            ++cnt[slot_of(h)];
            bits[pos >> 6] |= 1ull << (pos & 63);
        });
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
    std::atomic<uint64_t> repeated{0};
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
        // Entries are staged per slot in small write-combining buffers and copied out
        // kStaged at a time: one scattered write per cache line instead of one per entry.
        tbb::parallel_for(uint64_t(0), chunks, [&](uint64_t c) {
            constexpr uint32_t kStaged = 5;  // 60 bytes
            uint32_t* cur = counts.data() + c * kSlots;
            const uint64_t width = last - first;
            std::vector<Entry> staged(width * kStaged);
            std::vector<uint8_t> fill(width, 0);
            auto flush = [&](uint64_t i, uint32_t n) {
                const uint64_t s = first + i;
                std::copy_n(staged.data() + i * kStaged, n, entries.data() + slot_base[s] + cur[s]);
                cur[s] += n;
                fill[i] = 0;
            };
            scan_range(contigs, offsets_, k, chunk_begin(c), chunk_begin(c + 1), [&](uint64_t h, uint64_t pos) {
                const uint64_t i = slot_of(h) - first;
                if (i >= width) return;  // (unsigned: also slots before first)
                staged[i * kStaged + fill[i]] = Entry(h, pos);
                if (++fill[i] == kStaged) flush(i, kStaged);
            });
            for (uint64_t i = 0; i < width; ++i)
                if (fill[i]) flush(i, fill[i]);
        });
        tbb::parallel_for(tbb::blocked_range<uint64_t>(first, last, 16), [&](const tbb::blocked_range<uint64_t>& r) {
            uint64_t found = 0;
            auto& table = tables.local();
            for (uint64_t s = r.begin(); s != r.end(); ++s)
                found += clear_repeated(std::span<Entry>(entries.data() + slot_base[s], slot_total[s]), table, bits_);
            repeated += found;
        });
    }
    singletons_ = kmers_ - repeated;
}

}  // namespace agcflow
