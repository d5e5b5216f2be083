#include "io/archive_writer.h"

#include <xxhash.h>

#include "io/error.h"
#include "io/part_checksums.h"
#include "io/varint.h"

namespace agcflow {

uint32_t ArchiveWriter::register_stream(const std::string& name) {
    auto [it, added] = ids_.emplace(name, static_cast<uint32_t>(streams_.size()));
    if (added) {
        streams_.push_back(StreamInfo{name, 0, {}});
        hashes_.emplace_back();
    }
    return it->second;
}

uint32_t ArchiveWriter::stream_id(const std::string& name) const {
    auto it = ids_.find(name);
    if (it == ids_.end()) throw Error::internal("internal: stream " + name + " was never registered");
    return it->second;
}

void ArchiveWriter::add_part(uint32_t stream, std::span<const uint8_t> payload, uint64_t metadata) {
    Bytes head;
    put_av(head, metadata);
    streams_.at(stream).parts.push_back({out_.position(), payload.size()});
    if (checksums_) {
        // The record as a reader sees it: nothing for an empty part (its metadata is never read).
        XXH3_state_t* st = XXH3_createState();
        XXH3_64bits_reset(st);
        if (!payload.empty()) {
            XXH3_64bits_update(st, head.data(), head.size());
            XXH3_64bits_update(st, payload.data(), payload.size());
        }
        hashes_[stream].push_back(XXH3_64bits_digest(st));
        XXH3_freeState(st);
    }
    out_.write(head);
    out_.write(payload);
}

void ArchiveWriter::add_part_buffered(uint32_t stream, std::vector<uint8_t> payload, uint64_t metadata) {
    queue_[stream].emplace_back(std::move(payload), metadata);
}

void ArchiveWriter::flush_buffered() {
    for (auto& [stream, parts] : queue_)
        for (auto& [payload, metadata] : parts) add_part(stream, payload, metadata);
    queue_.clear();
}

void ArchiveWriter::finish() {
    flush_buffered();
    if (checksums_) {
        const auto listed = streams_;
        const auto hashes = hashes_;
        const auto payload = PartChecksums::encode(listed, hashes);
        add_part(register_stream(kChecksumStream), payload, listed.size());
    }
    Bytes footer;
    put_av(footer, streams_.size());
    for (const auto& s : streams_) {
        put_cstr(footer, s.name);
        put_av(footer, s.parts.size());
        put_av(footer, s.raw_size);
        for (const auto& p : s.parts) {
            put_av(footer, p.offset);
            put_av(footer, p.size);
        }
    }
    put_u64le(footer, footer.size());
    out_.write(footer);
}

}  // namespace agcflow
