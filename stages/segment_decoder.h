// Rebuilding segments from their group streams, and contigs from their segments
// (agc-archive-format.md §9, §11).
#pragma once

#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "io/archive_catalog.h"
#include "io/archive_reader.h"
#include "stages/nucleotide.h"

namespace agcflow {

// Per-thread working memory of a SegmentDecoder: the last decoded pack is kept, since
// consecutive segments of a contig often sit in the same pack. It remembers which decoder
// (which archive) the pack came from, so one thread's scratch may serve several decoders.
struct SegmentScratch {
    uint64_t decoder = 0;  // SegmentDecoder::id() of the pack's decoder
    uint32_t pack_group = UINT32_MAX;
    uint32_t pack_index = UINT32_MAX;
    std::vector<uint8_t> pack;
};

// Decodes segment (group, in-group id) of an archive. Thread-safe: decoded group references
// are shared through a cache of at most `cache_bytes` (least recently used ones are dropped;
// one in use stays valid); each thread passes its own SegmentScratch.
class SegmentDecoder {
public:
    // `version`: the archive's format (stream names and LZ-diff variant depend on it).
    SegmentDecoder(const ArchiveReader& reader, const CompressionParams& params, uint64_t cache_bytes = UINT64_MAX,
                   uint32_t version = 3000);
    explicit SegmentDecoder(const ArchiveCatalog& catalog, uint64_t cache_bytes = UINT64_MAX)
        : SegmentDecoder(catalog.reader(), catalog.params(), cache_bytes, catalog.version()) {}
    ~SegmentDecoder();

    void decode(uint32_t group, uint32_t in_group_id, Codes& out, SegmentScratch& scratch) const;
    // Unique among all decoders this process makes.
    uint64_t id() const { return id_; }

    void set_cache_limit(uint64_t bytes);
    uint64_t cached_bytes() const;
    // References decoded so far (a reference dropped and needed again counts twice).
    uint64_t reference_loads() const;

private:
    struct CachedReference {
        std::shared_ptr<const Codes> codes;
        std::list<uint32_t>::iterator lru;  // position in lru_
    };
    std::shared_ptr<const Codes> reference(uint32_t group) const;
    std::span<const uint8_t> entry(uint32_t group, uint32_t pack, uint32_t slot, SegmentScratch& scratch) const;
    void evict_locked() const;

    const ArchiveReader& reader_;
    CompressionParams params_;
    uint32_t version_;
    uint64_t id_;
    mutable std::mutex mutex_;
    mutable std::vector<CachedReference> references_;
    mutable std::list<uint32_t> lru_;  // most recently used first
    mutable uint64_t cached_bytes_ = 0, loads_ = 0;
    uint64_t cache_limit_;
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
