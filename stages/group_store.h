// One segment group as create fills it (agc-compression-algorithm.md §5.1, §5.6): the
// reference and LZ index of an LZ group (id >= 16), or the raw entries of a raw group
// (0..15), with the pack being filled. Adding a segment returns its in-group id and may
// complete a part, which the caller collects, compresses (GroupPart::compress, on any thread,
// outside the group) and writes in stream order.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "stages/group_parts.h"
#include "stages/lz_encoder.h"
#include "stages/nucleotide.h"

namespace agcflow {

// A part produced by a group, not yet written: its content is final, its compression may wait.
struct GroupPart {
    bool is_reference = false;  // x<g>r, else x<g>d
    EncodedPart part;           // as written, once compressed
    bool compressed = false;
    std::vector<std::vector<uint8_t>> entries;  // a pack before compression
    // A reference before compression: a view of the group's LZ-diff reference (the group
    // outlives its parts' compression), not a copy of its bases.
    std::span<const uint8_t> reference;

    // The bytes compression works on (for scheduling the largest first).
    uint64_t raw_bytes() const;
    // zstd (or stored), as AGC: the part's bytes do not depend on when or where this runs.
    void compress(const CompressionProfile& profile);
};

class GroupStore {
public:
    // A raw group gets AGC's 0x7F placeholder as entry 0.
    GroupStore(uint32_t group_id, uint32_t pack_cardinality, uint32_t min_match_len,
               const CompressionProfile& profile = agc_profile());

    // A group of an archive being appended to: its reference (none for a raw group), the
    // number of entries in its full packs, and the entries of its last pack, which stays
    // open. Like AGC, the group counts as having no reference (ref_size 0, no encoder) for
    // routing until a segment is first added to it.
    static std::unique_ptr<GroupStore> reopen(uint32_t group_id, uint32_t pack_cardinality, uint32_t min_match_len,
                                              std::optional<Codes> reference, uint32_t entries_in_full_packs,
                                              std::vector<std::vector<uint8_t>> last_pack,
                                              const CompressionProfile& profile = agc_profile());

    uint32_t id() const { return id_; }
    const CompressionProfile& profile() const { return *profile_; }
    bool is_raw() const { return id_ < kNumRawGroups; }

    // Adds a segment (already in storage orientation); returns its in-group id. Completed
    // parts are appended to `parts`.
    uint32_t add(std::vector<uint8_t>&& segment, std::vector<GroupPart>& parts);

    // The open pack, if any, as a last part.
    void finish(std::vector<GroupPart>& parts);

    // For classification (read-only, thread-safe once the reference exists): the LZ encoder
    // of the group's reference, and AGC's ref_size (reference length + 1; 0 = no reference).
    const LzEncoder* encoder() const { return loaded() ? encoder_.get() : nullptr; }
    uint64_t ref_size() const { return loaded() ? ref_size_ : 0; }

    // Whether the next segment added becomes the group's reference. (The router asks while the
    // storer adds a previous batch's segments to the group: this reads what only the router,
    // or the group's opening, writes.)
    bool wants_reference() const { return !started_; }
    // Marks a reopened group as touched (routing then sees its reference), as add() does; the
    // registrar calls it for every group a batch touches, before that batch is stored.
    void touch() { loaded_.store(true, std::memory_order_relaxed); }

private:
    void flush_pack(std::vector<GroupPart>& parts);

    uint32_t id_;
    const CompressionProfile* profile_;
    uint32_t pack_cardinality_;
    uint32_t min_match_len_;
    uint32_t count_ = 0;  // AGC's no_seqs: ids handed out so far (reference/placeholder included)
    bool started_ = false;  // count_ > 0 (raw groups start with their placeholder)
    uint64_t ref_size_ = 0;
    std::unique_ptr<LzEncoder> encoder_;
    std::vector<std::vector<uint8_t>> pack_;
    bool loaded() const { return loaded_.load(std::memory_order_relaxed); }
    std::atomic<bool> loaded_{true};  // false for a reopened group not yet touched
};

}  // namespace agcflow
