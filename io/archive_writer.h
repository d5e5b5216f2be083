// Writing the AGC archive container: part records appended to the output, then the footer
// and its length. Parts are written at once (add_part) or queued (add_part_buffered) and
// written by flush_buffered() in ascending stream-id order, FIFO within a stream — the order
// AGC's output has (agc-archive-format.md §2.5).
#pragma once

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "io/archive_reader.h"
#include "io/output_file.h"

namespace agcflow {

class ArchiveWriter {
public:
    // With `checksums`, finish() adds the part checksums stream (io/part_checksums.h).
    explicit ArchiveWriter(OutputFile& out, bool checksums = false) : out_(out), checksums_(checksums) {}

    // Registers a stream (or returns the id of one registered before). Ids count from 0 in
    // registration order, which is also the footer order.
    uint32_t register_stream(const std::string& name);
    bool has_stream(const std::string& name) const { return ids_.count(name) != 0; }
    uint32_t stream_id(const std::string& name) const;

    void add_part(uint32_t stream, std::span<const uint8_t> payload, uint64_t metadata);
    void add_part_buffered(uint32_t stream, std::vector<uint8_t> payload, uint64_t metadata);
    void flush_buffered();

    // Flushes the queue and writes the footer; the caller then commits the OutputFile.
    void finish();

    const std::vector<StreamInfo>& streams() const { return streams_; }

private:
    OutputFile& out_;
    bool checksums_;
    std::vector<StreamInfo> streams_;
    std::vector<std::vector<uint64_t>> hashes_;  // per stream, per part (with checksums)
    std::unordered_map<std::string, uint32_t> ids_;
    std::map<uint32_t, std::vector<std::pair<std::vector<uint8_t>, uint64_t>>> queue_;
};

}  // namespace agcflow
