// What an AGC archive holds, read from its metadata streams: file_type_info, params, the
// sample list and, decoded on demand batch by batch, contigs and their segment descriptors.
// Every format version AGC 3.2.2 reads: 3.x (collection-samples/-contigs/-details), 2.x
// (collection-main/-details) and 1.x (collection-desc); see io/collection_legacy.h.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "io/archive_reader.h"
#include "io/collection.h"
#include "io/collection_legacy.h"

namespace agcflow {

struct CompressionParams {
    uint32_t k = 31;               // splitter k-mer length; also the overlap of consecutive segments
    uint32_t min_match_len = 20;   // LZ-diff minimum match length
    uint32_t pack_cardinality = 50;  // entries per pack and samples per collection batch
    uint32_t segment_size = 60000;   // 0 in format 1.x, which does not store it
};

// A contig of the archive: sample index and contig index within the sample.
struct ContigRef {
    uint32_t sample_index = 0;
    uint32_t contig_index = 0;
    bool operator==(const ContigRef&) const = default;
};

class ArchiveCatalog {
public:
    explicit ArchiveCatalog(const std::filesystem::path& path, bool prefetch = false);
    ~ArchiveCatalog();

    const ArchiveReader& reader() const { return *reader_; }
    const std::string& path_text() const { return path_text_; }
    const std::map<std::string, std::string>& file_type_info() const { return file_type_info_; }
    uint32_t version() const { return version_; }  // 1000 * major + minor
    const CompressionParams& params() const { return params_; }
    const std::vector<StoredCommand>& command_lines() const { return command_lines_; }

    // Sample names in stored order. The first is the reference sample.
    const std::vector<std::string>& sample_names() const { return sample_names_; }
    std::optional<uint32_t> sample_index(const std::string& name) const;
    // The samples in the order AGC's getcol writes them: stored order (3.x), sorted by name
    // (1.x and 2.x, whose collections AGC keeps in a map).
    std::vector<uint32_t> collection_order() const;

    // The sample with its contigs and descriptors (its batch is decoded on first use; thread-safe).
    const SampleDesc& sample(uint32_t index) const;
    // Same, by name; Error "no sample <name> in <archive>" if absent.
    const SampleDesc& sample(const std::string& name) const;
    const ContigDesc& contig(const ContigRef& r) const { return sample(r.sample_index).contigs[r.contig_index]; }
    // Bases of a contig, from its descriptors.
    uint64_t contig_length(const ContigRef& r) const;

    // Contigs whose name's first word (up to a space, tab, CR or LF) is `word`: in one sample,
    // or in every sample (each index built on first use; thread-safe).
    const std::vector<uint32_t>& contigs_with_first_word(uint32_t sample, std::string_view word) const;
    const std::vector<ContigRef>& contigs_with_first_word(std::string_view word) const;

private:
    void load_batch(uint32_t batch) const;
    struct Index;

    std::unique_ptr<ArchiveReader> reader_;
    std::string path_text_;
    std::map<std::string, std::string> file_type_info_;
    uint32_t version_ = 0;
    CompressionParams params_;
    std::vector<std::string> sample_names_;
    std::unordered_map<std::string, uint32_t> sample_index_;
    std::vector<StoredCommand> command_lines_;

    uint32_t batch_size_ = 1;  // samples per collection part (3.x: P; 2.x: details batch)
    std::vector<std::vector<uint32_t>> v2_segment_counts_;
    mutable std::vector<SampleDesc> samples_;
    mutable std::vector<std::unique_ptr<std::once_flag>> batch_loaded_;
    std::unique_ptr<Index> index_;
};

// AGC's contig matching key: the name up to the first space, tab, CR or LF.
std::string contig_first_word(const std::string& name);
std::string_view contig_first_word_view(std::string_view name);

}  // namespace agcflow
