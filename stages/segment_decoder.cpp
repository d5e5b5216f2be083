#include "stages/segment_decoder.h"

#include "io/error.h"
#include "io/stream_names.h"
#include "stages/group_parts.h"
#include "stages/lz_decoder.h"

#include <atomic>

namespace agcflow {

namespace {
uint64_t next_decoder_id() {
    static std::atomic<uint64_t> next{1};
    return next++;
}
}  // namespace

SegmentDecoder::SegmentDecoder(const ArchiveReader& reader, const CompressionParams& params, uint64_t cache_bytes,
                               uint32_t version)
    : reader_(reader), params_(params), version_(version), id_(next_decoder_id()), cache_limit_(cache_bytes) {}

SegmentDecoder::~SegmentDecoder() = default;

void SegmentDecoder::set_cache_limit(uint64_t bytes) {
    std::lock_guard lock(mutex_);
    cache_limit_ = bytes;
    evict_locked();
}

uint64_t SegmentDecoder::cached_bytes() const {
    std::lock_guard lock(mutex_);
    return cached_bytes_;
}

uint64_t SegmentDecoder::reference_loads() const {
    std::lock_guard lock(mutex_);
    return reference_loads_;
}

uint64_t SegmentDecoder::pack_loads() const {
    std::lock_guard lock(mutex_);
    return pack_loads_;
}

namespace {
constexpr uint64_t kReferenceSlot = UINT32_MAX;  // a group's reference: (group, this)
uint64_t part_key(uint32_t group, uint64_t pack) { return (uint64_t(group) << 32) | pack; }
uint64_t part_bytes(const DecodedPart& p) { return p.bytes.size() + p.entry_ends.size() * sizeof(uint32_t); }
}  // namespace

void SegmentDecoder::evict_locked() const {
    while (cached_bytes_ > cache_limit_ && !lru_.empty()) {
        auto it = cache_.find(lru_.back());
        cached_bytes_ -= part_bytes(*it->second.part);
        cache_.erase(it);
        lru_.pop_back();
    }
}

template <typename Load>
std::shared_ptr<const DecodedPart> SegmentDecoder::cached(uint64_t key, Load&& load) const {
    {
        std::lock_guard lock(mutex_);
        if (auto it = cache_.find(key); it != cache_.end()) {
            lru_.splice(lru_.begin(), lru_, it->second.lru);
            return it->second.part;
        }
    }
    auto part = std::make_shared<const DecodedPart>(load());  // outside the lock: the long part
    std::lock_guard lock(mutex_);
    ((key & kReferenceSlot) == kReferenceSlot ? reference_loads_ : pack_loads_) += 1;
    if (auto it = cache_.find(key); it != cache_.end()) return it->second.part;  // decoded meanwhile
    lru_.push_front(key);
    cache_.emplace(key, Cached{part, lru_.begin()});
    cached_bytes_ += part_bytes(*part);
    evict_locked();
    return part;
}

std::shared_ptr<const DecodedPart> SegmentDecoder::reference(uint32_t group) const {
    return cached(part_key(group, kReferenceSlot), [&] {
        const std::string name = reference_stream_name(group, version_);
        Part p = reader_.part(name, 0);
        return DecodedPart{decode_reference_part(p.metadata, p.payload, "stream " + name, part_limit_), {}};
    });
}

std::span<const uint8_t> SegmentDecoder::entry(uint32_t group, uint32_t pack, uint32_t slot,
                                               SegmentScratch& scratch) const {
    const uint64_t key = part_key(group, pack);
    if (scratch.decoder != id_ || scratch.key != key || !scratch.pack) {
        scratch.pack = cached(key, [&] {
            const std::string name = delta_stream_name(group, version_);
            Part p = reader_.part(name, pack);
            DecodedPart d{decode_pack(p.metadata, p.payload, "stream " + name + " part " + std::to_string(pack), part_limit_),
                          {}};
            for (uint32_t i = 0; i < d.bytes.size(); ++i)
                if (d.bytes[i] == kPackSeparator) d.entry_ends.push_back(i);
            return d;
        });
        scratch.decoder = id_;
        scratch.key = key;
    }
    const DecodedPart& d = *scratch.pack;
    if (slot >= d.entry_ends.size())
        throw Error::corrupt("corrupt archive: stream " + delta_stream_name(group, version_) + " part " +
                             std::to_string(pack) + ": pack has no entry " + std::to_string(slot));
    const uint32_t begin = slot == 0 ? 0 : d.entry_ends[slot - 1] + 1;
    return std::span<const uint8_t>(d.bytes).subspan(begin, d.entry_ends[slot] - begin);
}

void SegmentDecoder::decode(uint32_t group, uint32_t id, Codes& out, SegmentScratch& scratch, uint64_t length) const {
    const uint32_t P = params_.pack_cardinality;
    if (group < kNumRawGroups) {
        auto e = entry(group, id / P, id % P, scratch);
        out.assign(e.begin(), e.end());
        return;
    }
    auto ref = reference(group);
    if (id == 0) {
        out = ref->bytes;
        return;
    }
    auto e = entry(group, (id - 1) / P, (id - 1) % P, scratch);
    lz_decode(ref->bytes, e, params_.min_match_len, out,
              "stream " + delta_stream_name(group, version_) + " entry " + std::to_string(id),
              version_ < 2000 ? LzVersion::v1 : LzVersion::v2, length);
}

void assemble_contig(const ContigDesc& contig, const SegmentDecoder& decoder, uint32_t k, BaseRange range,
                     Codes& out, SegmentScratch& scratch) {
    out.clear();
    int64_t from = range.from;
    int64_t to = range.to < 0 ? INT64_MAX : range.to;
    int64_t pos = 0;  // bases of the contig emitted so far (from the first decoded segment)
    bool first = true;
    Codes seg;
    for (const SegmentDesc& d : contig.segments) {
        // Skip segments lying wholly before the range; the range shifts by what they add.
        if (pos + static_cast<int64_t>(d.raw_length) < from) {
            from -= static_cast<int64_t>(d.raw_length) - k;
            to = to == INT64_MAX ? to : to - (static_cast<int64_t>(d.raw_length) - k);
            continue;
        }
        if (pos > to) break;
        decoder.decode(d.group_id, d.in_group_id, seg, scratch, d.raw_length);
        if (seg.size() != d.raw_length)
            throw Error::corrupt("corrupt archive: segment of group " + std::to_string(d.group_id) + " id " +
                        std::to_string(d.in_group_id) + " decodes to " + std::to_string(seg.size()) +
                        " bases, expected " + std::to_string(d.raw_length));
        if (d.is_rev_comp) reverse_complement_in_place(seg);
        if (first) {
            out.insert(out.end(), seg.begin(), seg.end());
            first = false;
        } else {
            if (seg.size() < k) throw Error::corrupt("corrupt archive: segment shorter than k in contig " + contig.name);
            out.insert(out.end(), seg.begin() + k, seg.end());
        }
        pos += static_cast<int64_t>(d.raw_length) - k;
    }
    if (to != INT64_MAX && static_cast<int64_t>(out.size()) > to + 1) out.resize(static_cast<size_t>(to + 1));
    if (from > 0) out.erase(out.begin(), out.begin() + std::min<int64_t>(from, static_cast<int64_t>(out.size())));
}

}  // namespace agcflow
