// Extraction: samples, whole collections and contigs (or ranges of them) out of an archive
// as FASTA. Contigs are decoded in parallel on oneTBB and written in AGC's order.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "io/archive_catalog.h"
#include "io/output_file.h"
#include "pipeline/operation.h"
#include "stages/segment_decoder.h"

namespace agcflow {

struct ExtractConfig {
    uint32_t threads = 1;
    uint32_t line_length = 80;
    uint32_t gzip_level = 0;  // 0 = plain text
    bool streaming = false;   // one contig in flight at a time: least memory
    uint64_t max_memory = 0;  // bytes (--max-memory); 0: the machine's default (memory_budget.h)
};

// A getctg query: `contig`, `contig@sample`, `contig:from-to` or `contig@sample:from-to`.
struct ContigQuery {
    std::string contig;
    std::string sample;  // empty: the contig must be in exactly one sample
    bool has_range = false;
    int64_t from = -1;
    int64_t to = -1;
};

// Parses a query the way AGC does (the last '@', ':' and '-' delimit); Error if from/to are
// not integers.
ContigQuery parse_contig_query(const std::string& text);

class Extractor {
public:
    // `op` is checked for cancellation between contigs and gets AGC's warnings.
    Extractor(const ArchiveCatalog& catalog, ExtractConfig config, Operation& op = Operation::none());

    // getset: every contig of each named sample, in stored order.
    void write_samples(const std::vector<std::string>& sample_names, ByteSink& out);

    // getcol: every sample in archive order (without the reference if asked), to `out` or,
    // when `directory` is not empty, one file <directory>/<sample>.fa[.gz] per sample.
    void write_collection(bool skip_reference, ByteSink* out, const std::filesystem::path& directory);

    // getctg: the queried contigs or ranges, in query order (AGC's warnings go to the operation).
    void write_contigs(const std::vector<ContigQuery>& queries, ByteSink& out);

private:
    struct Task;
    // Decodes tasks in parallel and hands their formatted bytes to `sink` in task order.
    void run(const std::vector<Task>& tasks, const std::function<void(const Task&, std::vector<uint8_t>&)>& sink);

    const ArchiveCatalog& catalog_;
    ExtractConfig config_;
    Operation& op_;
    SegmentDecoder decoder_;
};

}  // namespace agcflow
