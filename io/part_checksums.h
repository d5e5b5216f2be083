// Self-verifying archives (create --checksums): the stream "agcflow-checksums", which AGC does
// not know and skips, holds a 64-bit XXH3 hash of every part record of every other stream (its
// metadata varint and its payload, as stored), and a hash of itself. Together with zstd's frame
// checksum in every zstd frame agc-flow writes, any damage to a part is found when the part is
// read ("checksum mismatch in stream X, part N"); a stream added, lost or renamed in the footer
// is found when the archive is opened.
//
// Layout of its one part (metadata = the number of streams listed):
//   u32le format (1), u32le algorithm (1 = XXH3-64),
//   per stream: CSTR name, AV parts, parts x u64le hash,
//   u64le XXH3-64 of all the bytes before it.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "io/archive_reader.h"

namespace agcflow {

inline constexpr const char* kChecksumStream = "agcflow-checksums";

uint64_t part_hash(std::span<const uint8_t> record);

class PartChecksums {
public:
    // The archive's checksums (nullptr when it has none). Error when the stream is damaged or
    // does not list exactly the archive's other streams and parts.
    static std::shared_ptr<const PartChecksums> load(const ArchiveReader& reader);

    // Error(corrupt) "checksum mismatch in stream X, part N" unless `record` (the part's bytes
    // as stored: metadata varint and payload; empty for an empty part) has its hash.
    void check(const StreamInfo& stream, size_t part, std::span<const uint8_t> record) const;

    uint64_t parts() const { return parts_; }

    // The stream's payload for these streams and the hashes of their parts' records.
    static std::vector<uint8_t> encode(const std::vector<StreamInfo>& streams,
                                       const std::vector<std::vector<uint64_t>>& hashes);

private:
    std::string archive_;
    std::unordered_map<std::string, std::vector<uint64_t>> by_stream_;
    uint64_t parts_ = 0;
};

}  // namespace agcflow
