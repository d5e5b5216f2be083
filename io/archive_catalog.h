// What an AGC v3 archive holds, read from its metadata streams: file_type_info, params, the
// sample list and, decoded on demand batch by batch, contigs and their segment descriptors.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "io/archive_reader.h"
#include "io/collection.h"

namespace agcflow {

struct CompressionParams {
    uint32_t k = 31;               // splitter k-mer length; also the overlap of consecutive segments
    uint32_t min_match_len = 20;   // LZ-diff minimum match length
    uint32_t pack_cardinality = 50;  // entries per pack and samples per collection batch
    uint32_t segment_size = 60000;
};

// The result of looking a contig up by the first word of its name.
struct ContigRef {
    uint32_t sample_index = 0;
    uint32_t contig_index = 0;
};

class ArchiveCatalog {
public:
    explicit ArchiveCatalog(const std::filesystem::path& path, bool prefetch = true);

    const ArchiveReader& reader() const { return *reader_; }
    const std::map<std::string, std::string>& file_type_info() const { return file_type_info_; }
    uint32_t version() const { return version_; }  // 1000 * major + minor
    const CompressionParams& params() const { return params_; }

    // Sample names in archive order; the first is the reference sample.
    const std::vector<std::string>& sample_names() const { return sample_names_; }
    std::optional<uint32_t> sample_index(const std::string& name) const;

    // The sample with its contigs and descriptors (its batch is decoded on first use; thread-safe).
    const SampleDesc& sample(uint32_t index) const;
    // Same, by name; Error "no sample <name> in <archive>" if absent.
    const SampleDesc& sample(const std::string& name) const;

    // Contigs whose first name word equals the first word of `contig`, in `sample`, or in
    // all samples when `sample` is empty (AGC's matching rule, agc-archive-format.md §13.2).
    std::vector<ContigRef> find_contigs(const std::string& contig, const std::string& sample = {}) const;

private:
    void load_batch(uint32_t batch) const;

    std::unique_ptr<ArchiveReader> reader_;
    std::map<std::string, std::string> file_type_info_;
    uint32_t version_ = 0;
    CompressionParams params_;
    std::vector<std::string> sample_names_;
    std::unordered_map<std::string, uint32_t> sample_index_;

    mutable std::vector<SampleDesc> samples_;
    mutable std::vector<std::unique_ptr<std::once_flag>> batch_loaded_;
};

// AGC's contig matching key: the name up to the first space, tab, CR or LF.
std::string contig_first_word(const std::string& name);

}  // namespace agcflow
