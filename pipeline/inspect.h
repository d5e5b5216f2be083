// Looking inside archives: `inspect` prints what an archive holds (container, metadata,
// collection, segment groups, streams) as stable, line-oriented text; `diff` finds the first
// difference between two archives, comparing decompressed content so that archives written
// with another zstd version (or level) count as logically identical.
#pragma once

#include <cstdint>
#include <filesystem>
#include <ostream>
#include <string>

namespace agcflow {

struct InspectOptions {
    bool all_groups = false;   // one line per group; otherwise a summary plus the top_groups largest
    uint32_t top_groups = 10;  // "largest" = most packed bytes (reference + delta parts)
    bool list_streams = true;  // one line per stream, in footer order
    bool list_samples = true;  // one line per sample
};

// Prints the inspection report of `archive` to `out`. Container-level sections work for any
// AGC container; the collection and group sections need format 3.x (otherwise one line says
// why they are missing). Throws Error for a file that is not an archive or is corrupt.
void inspect_archive(const std::filesystem::path& archive, std::ostream& out, const InspectOptions& opt = {});

enum class DiffStatus {
    byte_identical,       // the files are equal byte for byte
    logically_identical,  // same streams, parts, metadata and decompressed content; bytes differ
    different,            // see the `first difference` fields
};

struct DiffResult {
    std::filesystem::path path_a, path_b;
    uint64_t size_a = 0, size_b = 0;
    DiffStatus status = DiffStatus::byte_identical;

    // The first logical difference (status == different). Fields that do not apply stay empty / -1.
    std::string level;          // "streams", "parts", "metadata" or "content"
    std::string stream;         // stream name
    int64_t stream_index = -1;  // its index in the footer (of archive a)
    int64_t part = -1;
    std::string sub_stream;     // collection-details only, e.g. "2 (in-group ids)"
    int64_t offset = -1;        // first differing byte of the decompressed content
    std::string message;        // what differs, one line
    std::string context_a, context_b;  // hex bytes around `offset` ("" when not applicable)

    // Byte-level comparison, independent of the above.
    bool bytes_identical = true;
    uint64_t first_byte_difference = 0;  // valid when !bytes_identical
    std::string byte_location;           // where that offset lies in archive a (stream/part/footer)

    bool identical() const { return status != DiffStatus::different; }  // byte or logically
    // One paragraph (no newline inside), e.g. for a test failure message.
    std::string summary() const;
};

// Compares two archives: stream list (names, order), parts per stream, then per part the
// metadata and the decompressed content (by stream kind), then the bytes. Throws Error only
// when a file cannot be opened as an AGC container; undecodable parts count as differences
// unless both sides hold exactly the same bytes.
DiffResult diff_archives(const std::filesystem::path& a, const std::filesystem::path& b);

// The multi-line report of a diff (ends with a newline).
void print_diff(const DiffResult& r, std::ostream& out);

}  // namespace agcflow
