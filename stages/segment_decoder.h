// Rebuilding segments from their group streams, and contigs from their segments
// (agc-archive-format.md §9, §11).
#pragma once

#include <atomic>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "io/archive_catalog.h"
#include "io/archive_reader.h"
#include "io/zstd_codec.h"
#include "stages/nucleotide.h"

namespace agcflow {

// A decoded group reference (its codes) or pack (its bytes, with where each entry ends).
struct DecodedPart {
    std::vector<uint8_t> bytes;
    std::vector<uint32_t> entry_ends;  // packs: the separator after entry i is at entry_ends[i]
};

// Per-thread working memory of a SegmentDecoder: the pack used last, since consecutive segments
// of a contig often sit in the same pack (no lock to take it again). It remembers which decoder
// (which archive) the pack came from, so one thread's scratch may serve several decoders.
struct SegmentScratch {
    uint64_t decoder = 0;  // SegmentDecoder::id() of the pack's decoder
    uint64_t key = UINT64_MAX;
    std::shared_ptr<const DecodedPart> pack;
};

// What a decoder caches unless told otherwise (extraction sets it from the memory budget).
inline constexpr uint64_t kDefaultDecoderCache = uint64_t(256) << 20;

// Decodes segment (group, in-group id) of an archive. Thread-safe: decoded group references
// and packs are shared through a cache of at most `cache_bytes` (least recently used ones are
// dropped; one in use stays valid): every segment of a pack is then read from one
// decompression, as AGC's fast mode (getcol -f) does. Each thread passes its own scratch.
class SegmentDecoder {
public:
    // `version`: the archive's format (stream names and LZ-diff variant depend on it).
    SegmentDecoder(const ArchiveReader& reader, const CompressionParams& params, uint64_t cache_bytes = kDefaultDecoderCache,
                   uint32_t version = 3000);
    explicit SegmentDecoder(const ArchiveCatalog& catalog, uint64_t cache_bytes = kDefaultDecoderCache)
        : SegmentDecoder(catalog.reader(), catalog.params(), cache_bytes, catalog.version()) {}
    ~SegmentDecoder();

    // `length`: the segment's length by its descriptor (what a corrupt entry may not exceed).
    void decode(uint32_t group, uint32_t in_group_id, Codes& out, SegmentScratch& scratch,
                uint64_t length = UINT32_MAX) const;
    // Unique among all decoders this process makes.
    uint64_t id() const { return id_; }

    void set_cache_limit(uint64_t bytes);
    // The most one decompressed part may take (a size read from the archive beyond it is
    // Error(no_memory), before anything is allocated): the memory budget.
    void set_part_limit(uint64_t bytes) { part_limit_.store(bytes, std::memory_order_relaxed); }
    uint64_t cached_bytes() const;
    // References and packs decoded so far (one dropped and needed again counts twice).
    uint64_t reference_loads() const;
    uint64_t pack_loads() const;

private:
    struct Cached {
        std::shared_ptr<const DecodedPart> part;
        std::list<uint64_t>::iterator lru;  // position in lru_
    };
    // Part `key` from the cache, or decoded by `load` and cached.
    template <typename Load>
    std::shared_ptr<const DecodedPart> cached(uint64_t key, Load&& load) const;
    std::shared_ptr<const DecodedPart> reference(uint32_t group) const;
    std::span<const uint8_t> entry(uint32_t group, uint32_t pack, uint32_t slot, SegmentScratch& scratch) const;
    void evict_locked() const;

    const ArchiveReader& reader_;
    CompressionParams params_;
    uint32_t version_;
    uint64_t id_;
    mutable std::mutex mutex_;
    mutable std::unordered_map<uint64_t, Cached> cache_;
    mutable std::list<uint64_t> lru_;  // most recently used first
    mutable uint64_t cached_bytes_ = 0, reference_loads_ = 0, pack_loads_ = 0;
    uint64_t cache_limit_;
    std::atomic<uint64_t> part_limit_{decompression_limit()};
};

// A 0-based inclusive range [from, to] of a contig; to < 0 means "to the end".
struct BaseRange {
    int64_t from = 0;
    int64_t to = -1;
    bool whole() const { return from == 0 && to < 0; }
};

// Rebuilds a contig (or the range of it) from its segment descriptors. Segments that lie
// wholly before the range are not decoded, and decoding stops past its end.
void assemble_contig(const ContigDesc& contig, const SegmentDecoder& decoder, uint32_t k, BaseRange range,
                     Codes& out, SegmentScratch& scratch);

}  // namespace agcflow
