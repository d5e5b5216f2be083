#include "stages/singleton_map.h"

#include <oneapi/tbb/enumerable_thread_specific.h>
#include <oneapi/tbb/parallel_for.h>

#include <optional>
#include <oneapi/tbb/task_arena.h>

#include <algorithm>
#include <atomic>
#include <bit>
#include <cstring>

#include "io/error.h"
#include "stages/kmer_scan.h"
#include "stages/nucleotide.h"
#include "stages/large_buffer.h"

namespace agcflow {

namespace {

// Hash slots: 65536 for references of 1 Mb and more; fewer for smaller ones, about one per 16
// k-mers but at least 1024, so that the loops over every slot (counting, planning the passes and
// the buckets) stay small beside the scan of a viral or mitochondrial reference (the map of an
// 82 kb reference: 16.5 M instructions with 65536 slots, 14.4 M with 8192).
constexpr uint32_t kMaxSlotBits = 16, kMinSlotBits = 10;
constexpr uint64_t kBasesPerSlot = 16;
uint32_t slot_bits_for(uint64_t bases) {
    return std::clamp<uint32_t>(static_cast<uint32_t>(std::bit_width(bases / kBasesPerSlot)), kMinSlotBits,
                                kMaxSlotBits);
}
constexpr uint64_t kMinChunkBases = 1 << 16;
constexpr uint64_t kMaxChunks = 64;
// Entries per bucket, about. Few buckets keep the scatter's staging buffers (60 bytes each) in
// L1; a bucket's hash table (8 bytes per entry) still stays in L2. 16384 had a third of the
// scatter waiting on staging misses (49 Mb reference, one thread: 2.88 -> 2.70 s at 32768,
// 2.57 s at 65536; more gave no more).
constexpr uint64_t kBucketEntries = 65536;

// A k-mer in its bucket: the 56 hash bits below the top 8 (a bucket never spans two values of
// those, and the hash being a bijection, equal hashes mean equal k-mers) and the global
// position of its last base (40 bits: references up to 2^40 bases).
constexpr uint32_t kPosBits = 40;
struct Entry {
    uint32_t hash_lo;
    uint32_t hash_hi_pos_hi;  // hash bits 32..55, then position bits 32..39
    uint32_t pos_lo;

    Entry() = default;
    Entry(uint64_t hash, uint64_t pos)
        : hash_lo(static_cast<uint32_t>(hash)),
          hash_hi_pos_hi(static_cast<uint32_t>((hash >> 32) & 0xFFFFFF) | static_cast<uint32_t>(pos >> 32) << 24),
          pos_lo(static_cast<uint32_t>(pos)) {}
    uint64_t hash() const { return uint64_t(hash_hi_pos_hi & 0xFFFFFF) << 32 | hash_lo; }
    uint64_t pos() const { return uint64_t(hash_hi_pos_hi >> 24) << 32 | pos_lo; }
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

uint32_t slot_of(uint64_t hash, uint32_t slot_bits) { return static_cast<uint32_t>(hash >> (64 - slot_bits)); }

// Calls fn(hashes, positions, n) for blocks of up to kScanBlock full k-mers ending in [g0, g1)
// of the concatenated contigs (a k-mer never spans two contigs; positions are global and rise).
// Handing over blocks keeps the scan and each pass's work on them two plain loops whose state
// stays in registers; with a call per k-mer, state the caller kept across k-mers went through
// memory, every k-mer waiting on the previous one's store.
constexpr uint32_t kScanBlock = 256;
template <typename Fn>
void scan_range(const std::vector<ContigView>& contigs, const std::vector<uint64_t>& offsets, uint32_t k, uint64_t g0,
                uint64_t g1, Fn&& fn) {
    uint64_t hash[kScanBlock], pos[kScanBlock];
    uint32_t n = 0;
    size_t c = static_cast<size_t>(std::upper_bound(offsets.begin(), offsets.end(), g0) - offsets.begin()) - 1;
    for (; c < contigs.size() && offsets[c] < g1; ++c) {
        const ContigView seq = contigs[c];
        const uint64_t lo = g0 > offsets[c] ? g0 - offsets[c] : 0;
        const uint64_t hi = std::min<uint64_t>(seq.size(), g1 - offsets[c]);
        if (lo >= hi) continue;
        RollingKmer km(k);
        const uint8_t* p = seq.data();
        const uint64_t base = offsets[c];
        for (uint64_t i = lo >= k - 1 ? lo - (k - 1) : 0; i < hi;) {
            // Eight bases at a time when all are ACGT and the k-mer is full and in range (nearly
            // always): no test per base.
            if (km.full() && i >= lo && i + 8 <= hi) {
                if (acgt8(p + i)) {
                    for (uint32_t j = 0; j < 8; ++j) {
                        km.push_full(p[i + j]);
                        hash[n + j] = mix(km.canonical());
                        pos[n + j] = base + i + j;
                    }
                    i += 8, n += 8;
                    if (n > kScanBlock - 8) fn(hash, pos, n), n = 0;
                    continue;
                }
            }
            const uint8_t x = p[i];
            if (x > 3) {
                km.reset();
            } else {
                km.push(x);
                if (km.full() && i >= lo) {
                    hash[n] = mix(km.canonical());
                    pos[n] = base + i;
                    if (++n > kScanBlock - 8) fn(hash, pos, n), n = 0;
                }
            }
            ++i;
        }
    }
    if (n) fn(hash, pos, n);
}

// Clears the bit of every entry whose hash occurs more than once in `entries` (one bucket);
// returns how many entries that is. (Every full k-mer's bit was set when it was counted:
// in an assembly most k-mers are singletons, so clearing the few repeated ones touches far
// fewer random words of the bitmap than setting the singletons would.)
uint64_t clear_repeated(std::span<Entry> entries, std::vector<uint32_t>& table, std::vector<uint64_t>& bits) {
    auto clear = [&](uint64_t pos) {
        std::atomic_ref<uint64_t>(bits[pos >> 6]).fetch_and(~(1ull << (pos & 63)), std::memory_order_relaxed);
    };
    const uint64_t n = entries.size();
    uint64_t repeated = 0;
    if (n > (1u << 28)) {  // a bucket this large: only a massively repeated k-mer does that
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
    // Open addressing over the low hash bits: index + 1 of the hash's first entry, bit 31 set
    // once the hash is seen again. One pass: a hash's first entry is cleared when its second
    // is met, every later one at once.
    constexpr uint32_t kRepeated = 1u << 31;
    const uint64_t size = std::bit_ceil(std::max<uint64_t>(16, 2 * n));
    const uint64_t mask = size - 1;
    table.assign(size, 0);
    for (uint64_t i = 0; i < n; ++i) {
        const uint64_t h = entries[i].hash();
        uint64_t j = h & mask;
        while (table[j] != 0 && entries[(table[j] & ~kRepeated) - 1].hash() != h) j = (j + 1) & mask;
        uint32_t& slot = table[j];
        if (slot == 0) {
            slot = static_cast<uint32_t>(i + 1);
            continue;
        }
        if (!(slot & kRepeated)) {
            clear(entries[slot - 1].pos()), ++repeated;  // the hash's first entry
            slot |= kRepeated;
        }
        clear(entries[i].pos()), ++repeated;
    }
    return repeated;
}

}  // namespace

uint64_t SingletonMap::fixed_bytes(uint64_t bases, uint32_t threads) {
    // The bitmap, per-chunk slot counts, slot totals and bucket tables (one per thread).
    const uint64_t slots = uint64_t(1) << slot_bits_for(bases);
    return bases / 8 + chunk_count(bases, threads) * slots * sizeof(uint32_t) + 2 * slots * sizeof(uint64_t) +
           uint64_t(std::max(1u, threads)) * 2 * kBucketEntries * sizeof(uint32_t);
}

uint64_t SingletonMap::first_from(size_t contig, uint64_t from) const {
    const uint64_t base = offsets_[contig], end = offsets_[contig + 1], none = end - base;
    uint64_t g = base + from;
    if (g >= end) return none;
    uint64_t w = g >> 6, word = bits_[w] & (~0ull << (g & 63));
    while (!word) {
        if (++w * 64 >= end) return none;
        word = bits_[w];
    }
    g = w * 64 + static_cast<uint64_t>(std::countr_zero(word));
    return g < end ? g - base : none;
}

uint64_t SingletonMap::last_from(size_t contig, uint64_t from) const {
    const uint64_t base = offsets_[contig], end = offsets_[contig + 1], none = end - base;
    const uint64_t g = base + from;
    if (g >= end) return none;
    uint64_t w = (end - 1) >> 6, word = bits_[w] & (~0ull >> (63 - ((end - 1) & 63)));
    while (!word) {
        if (w * 64 <= g) return none;
        word = bits_[--w];
    }
    const uint64_t last = w * 64 + 63 - static_cast<uint64_t>(std::countl_zero(word));
    return last >= g ? last - base : none;
}

SingletonMap::SingletonMap(const std::vector<ContigView>& contigs, uint32_t k, uint64_t entry_budget,
                           const std::function<void()>& check, Trace* trace) {
    auto stop_if_asked = [&] {
        if (check) check();
    };
    if (k < 1 || k > 32) throw Error(ErrorKind::argument, "k-mer length must be in 1..32");
    offsets_.reserve(contigs.size() + 1);
    uint64_t total = 0;
    for (auto& c : contigs) offsets_.push_back(total), total += c.size();
    offsets_.push_back(total);
    if (total >> kPosBits) throw Error("reference too long: more than 2^40 bases");
    bits_.assign(total / 64 + 1, 0);
    if (total == 0) return;

    // Chunks of the concatenated reference, scanned in parallel; per chunk, k-mers per slot.
    const uint32_t threads = static_cast<uint32_t>(tbb::this_task_arena::max_concurrency());
    const uint64_t chunks = chunk_count(total, threads);
    // Chunks start at multiples of 64 positions: each owns whole words of the bitmap.
    auto chunk_begin = [&](uint64_t c) { return c == chunks ? total : total * c / chunks / 64 * 64; };
    const uint32_t slot_bits = slot_bits_for(total);
    const uint64_t slots = uint64_t(1) << slot_bits;
    std::vector<uint32_t> counts(chunks * slots, 0);
    std::optional<Trace::Span> region(std::in_place, trace, "splitters-par", -1, -1, total);
    tbb::parallel_for(uint64_t(0), chunks, [&](uint64_t c) {
        stop_if_asked();
        uint32_t* cnt = counts.data() + c * slots;
        uint64_t* bits = bits_.data();
        // The bitmap word being filled stays in a register until the scan leaves it.
        uint64_t word = chunk_begin(c) >> 6, acc = 0;
        scan_range(contigs, offsets_, k, chunk_begin(c), chunk_begin(c + 1),
                   [&](const uint64_t* hash, const uint64_t* pos, uint32_t n) {
                       uint64_t w = word, a = acc;
                       for (uint32_t i = 0; i < n; ++i) {
                           ++cnt[slot_of(hash[i], slot_bits)];
                           if (pos[i] >> 6 != w) {
                               bits[w] |= a;
                               w = pos[i] >> 6, a = 0;
                           }
                           a |= 1ull << (pos[i] & 63);
                       }
                       word = w, acc = a;
                   });
        bits[word] |= acc;
    });
    region.reset();
    std::vector<uint64_t> slot_total(slots, 0);
    for (uint64_t c = 0; c < chunks; ++c)
        for (uint64_t s = 0; s < slots; ++s) slot_total[s] += counts[c * slots + s];
    for (uint64_t s = 0; s < slots; ++s) kmers_ += slot_total[s];

    // Passes: runs of consecutive slots whose entries fit the budget (a slot never splits).
    const uint64_t cap = std::max<uint64_t>(1, entry_budget / kBytesPerEntry);
    std::vector<std::pair<uint64_t, uint64_t>> passes;  // [first, last) slots
    for (uint64_t first = 0; first < slots;) {
        uint64_t last = first, n = 0;
        while (last < slots && (n == 0 || n + slot_total[last] <= cap)) n += slot_total[last++];
        if (n != 0) passes.emplace_back(first, last), peak_entries_ = std::max(peak_entries_, n);
        first = last;
    }
    passes_ = static_cast<uint32_t>(passes.size());

    LargeBuffer<Entry> entries(peak_entries_);
    tbb::enumerable_thread_specific<std::vector<uint32_t>> tables;
    std::atomic<uint64_t> repeated{0};
    std::vector<uint64_t> bucket_base, bucket_size;
    std::vector<uint32_t> cursors;
    for (const auto& pass : passes) {
        const uint64_t first = pass.first, last = pass.second;
        // Buckets: aligned groups of `group` slots (a power of two up to 2^(slot bits - 8), so
        // that a bucket never spans two values of the hash's top 8 bits), as many slots as keep a
        // bucket near kBucketEntries (see there).
        uint64_t n = 0;
        for (uint64_t s = first; s < last; ++s) n += slot_total[s];
        const uint64_t per_slot = std::max<uint64_t>(1, n / (last - first));
        const uint64_t group = std::min<uint64_t>(uint64_t(1) << (slot_bits - 8),
                                                  std::bit_floor(std::max<uint64_t>(1, kBucketEntries / per_slot)));
        const uint64_t b0 = first / group, nb = (last - 1) / group - b0 + 1;
        bucket_base.assign(nb + 1, 0);
        bucket_size.assign(nb, 0);
        cursors.assign(chunks * nb, 0);
        for (uint64_t s = first; s < last; ++s) bucket_size[s / group - b0] += slot_total[s];
        for (uint64_t b = 0; b < nb; ++b) bucket_base[b + 1] = bucket_base[b] + bucket_size[b];
        // Each chunk's place within each bucket (chunks in order).
        for (uint64_t b = 0; b < nb; ++b) {
            uint64_t run = 0;
            const uint64_t s_lo = std::max(first, (b0 + b) * group), s_hi = std::min(last, (b0 + b + 1) * group);
            for (uint64_t c = 0; c < chunks; ++c) {
                if (run > UINT32_MAX) throw Error("reference too repetitive: more than 2^32 k-mers in one bucket");
                cursors[c * nb + b] = static_cast<uint32_t>(run);
                for (uint64_t s = s_lo; s < s_hi; ++s) run += counts[c * slots + s];
            }
        }
        // Entries are staged per bucket in small write-combining buffers and copied out
        // kStaged at a time: one scattered write per cache line instead of one per entry.
        region.emplace(trace, "splitters-par", -1, -1, total);
        tbb::parallel_for(uint64_t(0), chunks, [&](uint64_t c) {
            stop_if_asked();
            constexpr uint32_t kStaged = 5;  // 60 bytes
            uint32_t* cur = cursors.data() + c * nb;
            std::vector<Entry> staged(nb * kStaged);
            std::vector<uint32_t> fill(nb, 0);
            // (A full buffer is copied with a size known at compile time: inline moves, where
            // a call to memmove per 60 bytes took a third of the phase.)
            auto flush = [&](uint64_t b, uint32_t m) {
                Entry* to = entries.data() + bucket_base[b] + cur[b];
                if (m == kStaged)
                    std::memcpy(to, staged.data() + b * kStaged, kStaged * sizeof(Entry));
                else
                    std::copy_n(staged.data() + b * kStaged, m, to);
                cur[b] += m;
                fill[b] = 0;
            };
            // Everything the loops read is a local copy, 64-bit, so that no store in them (32-bit
            // entries and counts) may alias it and force a reload per k-mer. The bucket is a
            // shift (group is a power of two; a division took a quarter of the scan).
            const uint64_t lo = first, width = last - first, gb0 = b0;
            const uint64_t gshift = static_cast<uint64_t>(std::countr_zero(group));
            Entry* st = staged.data();
            uint32_t* fl = fill.data();
            auto stage = [&](const uint64_t* hash, const uint64_t* pos, uint32_t m) {
                for (uint32_t i = 0; i < m; ++i) {
                    const uint64_t b = (slot_of(hash[i], slot_bits) >> gshift) - gb0;
                    st[b * kStaged + fl[b]] = Entry(hash[i], pos[i]);
                    if (++fl[b] == kStaged) flush(b, kStaged);
                }
            };
            if (passes.size() == 1) {
                // Every k-mer belongs to the only pass (the usual case: the budget is large).
                scan_range(contigs, offsets_, k, chunk_begin(c), chunk_begin(c + 1), stage);
            } else {
                // The k-mers of this pass are picked out of each block without a branch (whether
                // one belongs is a coin toss: mispredicted for every few k-mers), then staged.
                uint64_t mine_hash[kScanBlock], mine_pos[kScanBlock];
                scan_range(contigs, offsets_, k, chunk_begin(c), chunk_begin(c + 1),
                           [&](const uint64_t* hash, const uint64_t* pos, uint32_t n) {
                               uint32_t m = 0;
                               for (uint32_t i = 0; i < n; ++i) {
                                   mine_hash[m] = hash[i];
                                   mine_pos[m] = pos[i];
                                   m += slot_of(hash[i], slot_bits) - lo < width;  // (unsigned: also false for slots before the pass)
                               }
                               stage(mine_hash, mine_pos, m);
                           });
            }
            for (uint64_t b = 0; b < nb; ++b)
                if (fill[b]) flush(b, fill[b]);
        });
        region.emplace(trace, "splitters-par", -1, -1, total);
        tbb::parallel_for(tbb::blocked_range<uint64_t>(0, nb, 4), [&](const tbb::blocked_range<uint64_t>& r) {
            uint64_t found = 0;
            auto& table = tables.local();
            for (uint64_t b = r.begin(); b != r.end(); ++b)
                found += clear_repeated(std::span<Entry>(entries.data() + bucket_base[b], bucket_size[b]), table, bits_);
            repeated += found;
        });
        region.reset();
    }
    singletons_ = kmers_ - repeated;
}

}  // namespace agcflow
