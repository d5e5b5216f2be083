#include "io/part_checksums.h"

#include <xxhash.h>

#include "io/error.h"
#include "io/varint.h"

namespace agcflow {

namespace {
constexpr uint32_t kFormat = 1;
constexpr uint32_t kXxh3 = 1;
}  // namespace

uint64_t part_hash(std::span<const uint8_t> record) { return XXH3_64bits(record.data(), record.size()); }

std::vector<uint8_t> PartChecksums::encode(const std::vector<StreamInfo>& streams,
                                           const std::vector<std::vector<uint64_t>>& hashes) {
    std::vector<uint8_t> out;
    put_u32le(out, kFormat);
    put_u32le(out, kXxh3);
    for (size_t i = 0; i < streams.size(); ++i) {
        put_cstr(out, streams[i].name);
        put_av(out, hashes[i].size());
        for (uint64_t h : hashes[i]) put_u64le(out, h);
    }
    put_u64le(out, part_hash(out));
    return out;
}

std::shared_ptr<const PartChecksums> PartChecksums::load(const ArchiveReader& reader) {
    const StreamInfo* s = reader.find(kChecksumStream);
    if (!s) return nullptr;
    const std::string archive = reader.path().string();
    auto bad = [&](const std::string& why) {
        return Error::corrupt("corrupt archive: " + archive + ": checksum mismatch in stream " + kChecksumStream + ": " + why);
    };
    if (s->parts.size() != 1) throw bad("it has " + std::to_string(s->parts.size()) + " parts");
    const Part p = reader.part(*s, 0);  // (the reader has no checksums yet: read plainly)
    if (p.payload.size() < 16) throw bad("too short");
    const auto body = p.payload.first(p.payload.size() - 8);
    ByteReader tail(p.payload.last(8), kChecksumStream);
    if (tail.u64le() != part_hash(body)) throw bad("its own hash");
    ByteReader r(body, kChecksumStream);
    if (r.u32le() != kFormat) throw bad("unknown format");
    if (r.u32le() != kXxh3) throw bad("unknown hash algorithm");
    auto sums = std::make_shared<PartChecksums>();
    sums->archive_ = archive;
    for (uint64_t i = 0; i < p.metadata; ++i) {
        std::string name = r.cstr();
        const uint64_t n = r.av();
        if (n > r.remaining() / 8) throw bad("bad part count");
        std::vector<uint64_t> hashes(n);
        for (auto& h : hashes) h = r.u64le();
        sums->parts_ += n;
        if (!sums->by_stream_.emplace(std::move(name), std::move(hashes)).second) throw bad("a stream listed twice");
    }
    if (!r.at_end()) throw bad("trailing bytes");
    // Exactly the archive's other streams, with their numbers of parts.
    size_t listed = 0;
    for (const StreamInfo& other : reader.streams()) {
        if (other.name == kChecksumStream) continue;
        auto it = sums->by_stream_.find(other.name);
        if (it == sums->by_stream_.end())
            throw Error::corrupt("corrupt archive: " + archive + ": checksum mismatch in stream " + other.name +
                                 ": it has no checksums");
        if (it->second.size() != other.parts.size())
            throw Error::corrupt("corrupt archive: " + archive + ": checksum mismatch in stream " + other.name + ": " +
                                 std::to_string(other.parts.size()) + " parts, " + std::to_string(it->second.size()) +
                                 " checksummed");
        ++listed;
    }
    if (listed != sums->by_stream_.size()) throw bad("it lists streams the archive does not have");
    return sums;
}

void PartChecksums::check(const StreamInfo& stream, size_t part, std::span<const uint8_t> record) const {
    if (stream.name == kChecksumStream) return;  // checked by its own hash
    auto it = by_stream_.find(stream.name);
    if (it == by_stream_.end() || part >= it->second.size() || it->second[part] != part_hash(record))
        throw Error::corrupt("corrupt archive: " + archive_ + ": checksum mismatch in stream " + stream.name + ", part " +
                             std::to_string(part));
}

}  // namespace agcflow
