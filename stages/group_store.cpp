#include "stages/group_store.h"

#include <algorithm>

namespace agcflow {

GroupStore::GroupStore(uint32_t group_id, uint32_t pack_cardinality, uint32_t min_match_len,
                       const CompressionProfile& profile)
    : id_(group_id), profile_(&profile), pack_cardinality_(pack_cardinality), min_match_len_(min_match_len) {
    if (is_raw()) {
        pack_.push_back({kRawGroupPlaceholder});
        count_ = 1;
        started_ = true;
    }
}

std::unique_ptr<GroupStore> GroupStore::reopen(uint32_t group_id, uint32_t pack_cardinality, uint32_t min_match_len,
                                               std::optional<Codes> reference, uint32_t entries_in_full_packs,
                                               std::vector<std::vector<uint8_t>> last_pack,
                                               const CompressionProfile& profile) {
    auto g = std::make_unique<GroupStore>(group_id, pack_cardinality, min_match_len, profile);
    g->pack_ = std::move(last_pack);
    g->count_ = entries_in_full_packs + static_cast<uint32_t>(g->pack_.size());
    if (reference) {
        g->count_ += 1;
        g->ref_size_ = reference->size() + 1;
        g->encoder_ = std::make_unique<LzEncoder>(*reference, min_match_len);
    }
    g->started_ = g->is_raw() || g->count_ > 0;
    g->loaded_.store(false, std::memory_order_relaxed);
    return g;
}

uint64_t GroupPart::raw_bytes() const {
    if (compressed) return 0;
    uint64_t n = reference.size();
    for (const auto& e : entries) n += e.size() + 1;
    return n;
}

void GroupPart::compress(const CompressionProfile& profile) {
    if (compressed) return;
    part = is_reference ? encode_reference_part(reference, profile) : encode_pack(entries, profile);
    std::vector<std::vector<uint8_t>>().swap(entries);
    reference = {};
    compressed = true;
}

void GroupStore::flush_pack(std::vector<GroupPart>& parts) {
    GroupPart p;
    p.entries = std::move(pack_);
    parts.push_back(std::move(p));
    pack_.clear();
}

uint32_t GroupStore::add(std::vector<uint8_t>&& segment, std::vector<GroupPart>& parts) {
    touch();
    if (is_raw()) {
        if (pack_.size() == pack_cardinality_) flush_pack(parts);
        pack_.push_back(std::move(segment));
        return count_++;
    }
    if (count_ == 0) {
        // The first segment becomes the reference, id 0.
        ref_size_ = segment.size() + 1;
        encoder_ = std::make_unique<LzEncoder>(segment, min_match_len_);
        std::vector<uint8_t>().swap(segment);  // (the encoder holds the bases now)
        GroupPart p;
        p.is_reference = true;
        p.reference = encoder_->reference();
        parts.push_back(std::move(p));
        count_ = 1;
        started_ = true;
        return 0;
    }
    // A full pack is written before the next delta is even encoded (so a delta equal to
    // one in the previous pack is stored again).
    if (pack_.size() == pack_cardinality_) flush_pack(parts);
    std::vector<uint8_t> delta;
    encoder_->encode(segment, delta, profile_->lz_no_short_detours ? LzParse::no_short_detours : LzParse::agc);
    if (delta.empty()) return 0;  // identical to the reference
    auto same = std::find(pack_.begin(), pack_.end(), delta);
    if (same != pack_.end()) return count_ - static_cast<uint32_t>(pack_.end() - same);
    pack_.push_back(std::move(delta));
    return count_++;
}

void GroupStore::finish(std::vector<GroupPart>& parts) {
    if (!pack_.empty()) flush_pack(parts);
}

}  // namespace agcflow
