// Extraction: samples, whole collections, contigs and ranges of them out of an archive, as
// FASTA (or as plain letters for the library). Whole samples are decoded contig by contig in
// parallel on oneTBB and written in AGC's order; ranges (getctg, --regions) go through
// range_extract, which decodes each touched segment once.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "io/archive_catalog.h"
#include "io/output_file.h"
#include "pipeline/operation.h"
#include "pipeline/query.h"
#include "pipeline/range_extract.h"
#include "pipeline/regions.h"
#include "stages/segment_decoder.h"

namespace agcflow {

struct ExtractConfig {
    uint32_t threads = 1;
    uint32_t line_length = 80;
    uint32_t gzip_level = 0;      // 0 = plain text
    bool streaming = false;       // one contig in flight at a time: least memory
    bool sample_in_name = false;  // headers "<sample>#<contig>" (PanSN), see Extractor::header
    uint64_t max_memory = 0;      // bytes (--max-memory); 0: the machine's default (memory_budget.h)
};

class Extractor {
public:
    // `op` is checked for cancellation between contigs and gets AGC's warnings.
    Extractor(const ArchiveCatalog& catalog, ExtractConfig config, Operation& op = Operation::none());
    // With a decoder that outlives the extractor (its cache of group references is kept from
    // call to call: the library's archive handles).
    Extractor(const ArchiveCatalog& catalog, ExtractConfig config, Operation& op, SegmentDecoder& decoder);

    // getset: every contig of each named sample, in stored order.
    void write_samples(const std::vector<std::string>& sample_names, ByteSink& out);

    // getcol: every sample in AGC's order (without the reference sample if asked), to `out` or,
    // when `directory` is not empty, one file <directory>/<sample>.fa[.gz] per sample.
    void write_collection(bool skip_reference, ByteSink* out, const std::filesystem::path& directory);

    // getctg: the queried contigs or ranges, in query order (AGC's warnings go to the operation).
    // Every query is resolved before anything is written.
    void write_contigs(const std::vector<ContigQuery>& queries, ByteSink& out);

    // getctg --regions: each region as the query "name:start-(end-1)" would print it; an empty
    // region gives its header and no bases. Every region is resolved before anything is written;
    // Error "<origin>:<line>: ..." for the first that is not found.
    void write_regions(const std::vector<BedRegion>& regions, const std::string& origin, ByteSink& out);

    // The library: bases [begin, end) of each range as upper-case letters, concatenated;
    // offsets[i] .. offsets[i + 1] is range i.
    void letters(const std::vector<RangeRequest>& ranges, std::string& bases, std::vector<uint64_t>& offsets);

    // A FASTA header (without '>'): the contig's name, with sample_in_name "<sample>#<name>"
    // unless the name already starts with "<sample>#".
    std::string header(const ContigRef& contig) const;

    const SegmentDecoder& decoder() const { return *decoder_; }

private:
    struct Task;
    // Decodes tasks in parallel and hands their formatted bytes to `sink` in task order.
    void run(const std::vector<Task>& tasks, const std::function<void(const Task&, std::vector<uint8_t>&)>& sink);
    // Ranges through range_extract, as FASTA records with the given headers.
    void write_ranges(const std::vector<RangeRequest>& ranges, const std::vector<std::string>& headers, ByteSink& out);
    uint64_t range_budget();

    const ArchiveCatalog& catalog_;
    ExtractConfig config_;
    Operation& op_;
    std::unique_ptr<SegmentDecoder> own_decoder_;
    SegmentDecoder* decoder_;
};

}  // namespace agcflow
