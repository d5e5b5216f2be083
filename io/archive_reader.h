// Reading the AGC archive container (agc-archive-format.md §2): part records, the footer that
// names the streams and locates their parts, and the trailing footer length.
//
// The file is read with pread(), not memory-mapped: an archive that shrinks or changes while it
// is read gives an error ("changed while being read"), never a signal. Every size the footer
// gives is checked against the file before anything is read or allocated for it.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
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
    std::span<const uint8_t> payload;    // valid while this Part (or a copy of it) lives
    std::shared_ptr<const uint8_t[]> storage;  // the bytes payload points into
};

// Checksums of parts, consulted by ArchiveReader::part() (see io/part_checksums.h).
class PartChecksums;

// An archive opened read-only. With prefetch the whole file is read at open (AGC's default for
// the extraction commands); otherwise each part is read when asked for. Immutable after open:
// safe to share between threads.
class ArchiveReader {
public:
    explicit ArchiveReader(const std::filesystem::path& path, bool prefetch = false);
    ~ArchiveReader();
    ArchiveReader(const ArchiveReader&) = delete;
    ArchiveReader& operator=(const ArchiveReader&) = delete;

    const std::filesystem::path& path() const { return path_; }
    uint64_t file_size() const { return size_; }
    uint64_t footer_start() const { return footer_start_; }

    // Streams in footer (registration) order.
    const std::vector<StreamInfo>& streams() const { return streams_; }
    // nullptr when the archive has no stream of that name (a later duplicate wins, as in AGC).
    const StreamInfo* find(const std::string& name) const;
    // The stream, or Error "corrupt archive: missing stream <name>".
    const StreamInfo& stream(const std::string& name) const;

    // Part `index` of a stream. With checksums set, its bytes are checked against them first.
    Part part(const StreamInfo& s, size_t index) const;
    Part part(const std::string& stream_name, size_t index) const { return part(stream(stream_name), index); }

    // Bytes [offset, offset + n) of the file (Error if the file is shorter now).
    std::vector<uint8_t> read(uint64_t offset, uint64_t n) const;

    // From now on, every part read is checked against these (the archive's own checksums).
    void set_checksums(std::shared_ptr<const PartChecksums> checksums) { checksums_ = std::move(checksums); }
    const PartChecksums* checksums() const { return checksums_.get(); }

private:
    void read_into(uint64_t offset, uint64_t n, uint8_t* to) const;

    std::filesystem::path path_;
    std::string name_;
    int fd_ = -1;
    uint64_t size_ = 0;
    uint64_t footer_start_ = 0;
    std::shared_ptr<const uint8_t[]> whole_;  // the file, when prefetched
    std::vector<StreamInfo> streams_;
    std::unordered_map<std::string, size_t> by_name_;
    std::shared_ptr<const PartChecksums> checksums_;
};

}  // namespace agcflow
