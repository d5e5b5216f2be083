// Reading the AGC archive container (agc-archive-format.md §2): part records, the footer that
// names the streams and locates their parts, and the trailing footer length.
#pragma once

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

namespace agcflow {

struct PartLocation {
    uint64_t offset = 0;  // file position of the part's metadata varint
    uint64_t size = 0;    // payload length (the metadata varint not counted)
};

struct StreamInfo {
    std::string name;
    uint64_t raw_size = 0;  // always 0 in AGC files
    std::vector<PartLocation> parts;
};

struct Part {
    uint64_t metadata = 0;               // stream-specific: mostly the uncompressed size, 0 = stored
    std::span<const uint8_t> payload;    // points into the mapped file
};

// An archive opened read-only. The file is memory-mapped; with prefetch it is read ahead
// in full (AGC's default for the extraction commands). Immutable after open: safe to share
// between threads.
class ArchiveReader {
public:
    explicit ArchiveReader(const std::filesystem::path& path, bool prefetch = true);
    ~ArchiveReader();
    ArchiveReader(const ArchiveReader&) = delete;
    ArchiveReader& operator=(const ArchiveReader&) = delete;

    const std::filesystem::path& path() const { return path_; }
    uint64_t file_size() const { return size_; }

    // Streams in footer (registration) order.
    const std::vector<StreamInfo>& streams() const { return streams_; }
    // nullptr when the archive has no stream of that name (a later duplicate wins, as in AGC).
    const StreamInfo* find(const std::string& name) const;
    // The stream, or Error "corrupt archive: missing stream <name>".
    const StreamInfo& stream(const std::string& name) const;

    Part part(const StreamInfo& s, size_t index) const;
    Part part(const std::string& stream_name, size_t index) const { return part(stream(stream_name), index); }

    // The whole file as bytes (for copying parts verbatim).
    std::span<const uint8_t> bytes() const { return {data_, size_}; }

private:
    std::filesystem::path path_;
    const uint8_t* data_ = nullptr;
    uint64_t size_ = 0;
    uint64_t footer_start_ = 0;
    std::vector<StreamInfo> streams_;
    std::unordered_map<std::string, size_t> by_name_;
};

}  // namespace agcflow
