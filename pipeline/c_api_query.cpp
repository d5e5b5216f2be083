// The C API's query calls: archive handles, names, lengths, ranges, and FASTA output.
#include <cstdlib>
#include <cstring>

#include "pipeline/c_api_support.h"
#include "pipeline/query.h"
#include "pipeline/regions.h"

using namespace agcflow;
using namespace agcflow::capi;

namespace {

const ArchiveCatalog& catalog_of(const agcflow_archive* a) {
    need(a, "archive");
    return *a->catalog;
}

uint32_t sample_of(const ArchiveCatalog& c, const char* sample) {
    need(sample, "sample");
    auto i = c.sample_index(sample);
    if (!i) throw Error::not_found("no sample " + std::string(sample) + " in " + c.path_text());
    return *i;
}

// A range [start, end) of a contig, checked.
RangeRequest range_of(const ArchiveCatalog& c, const char* sample, const char* contig, uint64_t start, uint64_t end) {
    need(contig, "contig");
    const ContigRef ref = find_contig(c, sample ? sample : "", contig);
    const uint64_t length = c.contig_length(ref);
    if (end == AGCFLOW_END) end = length;
    if (start > end)
        throw Error(ErrorKind::range, "range " + std::to_string(start) + "-" + std::to_string(end) + " of contig " +
                                          std::string(contig) + ": start after end");
    if (end > length)
        throw Error(ErrorKind::range, "range " + std::to_string(start) + "-" + std::to_string(end) + " of contig " +
                                          std::string(contig) + ": past its end (" + std::to_string(length) + " bases)");
    return {ref, start, end};
}

// Runs `body(op, extractor)` as one operation of the archive's session.
template <typename F>
agcflow_status extraction(agcflow_archive* a, const agcflow_fasta_options* options, const char* name, F&& body) {
    return guarded([&] {
        need(a, "archive");
        ExtractConfig cfg = extract_config(options, *a->session);
        SessionState::Scope scope(a->session, name);
        Extractor ex(*a->catalog, cfg, scope.op(), *a->decoder);
        body(ex);
    });
}

char* copy_out(const std::string& s) {
    char* p = static_cast<char*>(std::malloc(s.size() + 1));
    if (!p) throw std::bad_alloc();
    std::memcpy(p, s.data(), s.size());
    p[s.size()] = 0;
    return p;
}

}  // namespace

extern "C" {

agcflow_status agcflow_archive_open(agcflow_session* session, const char* path, agcflow_archive** archive) {
    return guarded([&] {
        need(archive, "archive");
        *archive = nullptr;
        need(session, "session");
        need(path, "archive path");
        auto a = std::make_unique<agcflow_archive>();
        a->session = session->session;
        a->catalog = std::make_unique<ArchiveCatalog>(path, false);
        a->decoder = std::make_unique<SegmentDecoder>(*a->catalog);
        for (const auto& [k, v] : a->catalog->file_type_info()) a->metadata.emplace_back(k, v);
        *archive = a.release();
    });
}

void agcflow_archive_close(agcflow_archive* archive) { delete archive; }

agcflow_status agcflow_archive_get_info(const agcflow_archive* a, agcflow_archive_info* info) {
    return guarded([&] {
        const ArchiveCatalog& c = catalog_of(a);
        need(info, "info");
        if (info->size < offsetof(agcflow_archive_info, command_lines) + sizeof(uint64_t))
            throw Error(ErrorKind::argument, "agcflow_archive_info.size is not set (set it to sizeof(agcflow_archive_info))");
        const size_t size = std::min(info->size, sizeof(agcflow_archive_info));
        agcflow_archive_info v{};
        v.size = size;
        v.version_major = c.version() / 1000;
        v.version_minor = c.version() % 1000;
        v.k = c.params().k;
        v.min_match_length = c.params().min_match_len;
        v.segment_size = c.params().segment_size;
        v.batch_size = c.params().pack_cardinality;
        v.samples = c.sample_names().size();
        v.metadata_entries = a->metadata.size();
        v.command_lines = c.command_lines().size();
        std::memcpy(info, &v, size);
    });
}

agcflow_status agcflow_archive_metadata(const agcflow_archive* a, uint64_t index, const char** key, const char** value) {
    return guarded([&] {
        catalog_of(a);
        if (index >= a->metadata.size())
            throw Error(ErrorKind::range, "no metadata entry " + std::to_string(index) + " (there are " +
                                              std::to_string(a->metadata.size()) + ")");
        if (key) *key = a->metadata[index].first.c_str();
        if (value) *value = a->metadata[index].second.c_str();
    });
}

agcflow_status agcflow_archive_command_line(const agcflow_archive* a, uint64_t index, const char** command,
                                            const char** date) {
    return guarded([&] {
        const ArchiveCatalog& c = catalog_of(a);
        if (index >= c.command_lines().size())
            throw Error(ErrorKind::range, "no command line " + std::to_string(index) + " (there are " +
                                              std::to_string(c.command_lines().size()) + ")");
        if (command) *command = c.command_lines()[index].command.c_str();
        if (date) *date = c.command_lines()[index].date.c_str();
    });
}

agcflow_status agcflow_archive_reference(const agcflow_archive* a, const char** name) {
    return guarded([&] {
        const ArchiveCatalog& c = catalog_of(a);
        need(name, "name");
        if (c.sample_names().empty()) throw Error::not_found("the archive " + c.path_text() + " holds no samples");
        *name = c.sample_names().front().c_str();
    });
}

agcflow_status agcflow_archive_sample(const agcflow_archive* a, uint64_t index, const char** name) {
    return guarded([&] {
        const ArchiveCatalog& c = catalog_of(a);
        need(name, "name");
        if (index >= c.sample_names().size())
            throw Error(ErrorKind::range, "no sample " + std::to_string(index) + " (there are " +
                                              std::to_string(c.sample_names().size()) + ")");
        *name = c.sample_names()[index].c_str();
    });
}

agcflow_status agcflow_archive_contig_count(const agcflow_archive* a, const char* sample, uint64_t* count) {
    return guarded([&] {
        const ArchiveCatalog& c = catalog_of(a);
        need(count, "count");
        *count = c.sample(sample_of(c, sample)).contigs.size();
    });
}

agcflow_status agcflow_archive_contig(const agcflow_archive* a, const char* sample, uint64_t index, const char** name,
                                      uint64_t* length) {
    return guarded([&] {
        const ArchiveCatalog& c = catalog_of(a);
        const uint32_t si = sample_of(c, sample);
        const SampleDesc& s = c.sample(si);
        if (index >= s.contigs.size())
            throw Error(ErrorKind::range, "no contig " + std::to_string(index) + " in sample " + s.name + " (it has " +
                                              std::to_string(s.contigs.size()) + ")");
        if (name) *name = s.contigs[index].name.c_str();
        if (length) *length = c.contig_length({si, static_cast<uint32_t>(index)});
    });
}

agcflow_status agcflow_archive_contig_length(const agcflow_archive* a, const char* sample, const char* contig,
                                             uint64_t* length) {
    return guarded([&] {
        const ArchiveCatalog& c = catalog_of(a);
        need(contig, "contig");
        need(length, "length");
        *length = c.contig_length(find_contig(c, sample ? sample : "", contig));
    });
}

agcflow_status agcflow_archive_sequence(agcflow_archive* a, const char* sample, const char* contig, uint64_t start,
                                        uint64_t end, char* buffer, size_t capacity, uint64_t* length) {
    return extraction(a, nullptr, "extract", [&](Extractor& ex) {
        need(length, "length");
        const RangeRequest r = range_of(*a->catalog, sample, contig, start, end);
        *length = r.end - r.begin;
        if (capacity && !buffer) need(buffer, "buffer");
        if (capacity < r.end - r.begin)
            throw Error(ErrorKind::argument, "buffer of " + std::to_string(capacity) + " bytes is too small for " +
                                                 std::to_string(r.end - r.begin) + " bases");
        std::string bases;
        std::vector<uint64_t> offsets;
        ex.letters({r}, bases, offsets);
        std::memcpy(buffer, bases.data(), bases.size());
        if (capacity > bases.size()) buffer[bases.size()] = 0;
    });
}

agcflow_status agcflow_archive_sequence_alloc(agcflow_archive* a, const char* sample, const char* contig,
                                              uint64_t start, uint64_t end, char** sequence, uint64_t* length) {
    return extraction(a, nullptr, "extract", [&](Extractor& ex) {
        need(sequence, "sequence");
        *sequence = nullptr;
        const RangeRequest r = range_of(*a->catalog, sample, contig, start, end);
        std::string bases;
        std::vector<uint64_t> offsets;
        ex.letters({r}, bases, offsets);
        *sequence = copy_out(bases);
        if (length) *length = bases.size();
    });
}

agcflow_status agcflow_archive_sequences(agcflow_archive* a, const agcflow_range* ranges, size_t n, char** bases,
                                         uint64_t* offsets) {
    return extraction(a, nullptr, "extract", [&](Extractor& ex) {
        need(bases, "bases");
        *bases = nullptr;
        need(offsets, "offsets");
        if (n) need(ranges, "ranges");
        std::vector<RangeRequest> requests;
        requests.reserve(n);
        for (size_t i = 0; i < n; ++i) {
            try {
                requests.push_back(range_of(*a->catalog, ranges[i].sample, ranges[i].contig, ranges[i].start, ranges[i].end));
            } catch (const Error& e) {
                throw Error(e.kind(), "range " + std::to_string(i) + ": " + e.what());
            }
        }
        std::string all;
        std::vector<uint64_t> offs;
        ex.letters(requests, all, offs);
        *bases = copy_out(all);
        std::memcpy(offsets, offs.data(), offs.size() * sizeof(uint64_t));
    });
}

agcflow_status agcflow_archive_write_samples(agcflow_archive* a, const char* const* samples, size_t n,
                                             const agcflow_fasta_options* options, const agcflow_output* output) {
    return extraction(a, options, "extract", [&](Extractor& ex) {
        if (n) need(samples, "samples");
        std::vector<std::string> names;
        for (size_t i = 0; i < n; ++i) {
            need(samples[i], "a sample name");
            names.emplace_back(samples[i]);
            a->catalog->sample(names.back());  // every name checked before anything is written
        }
        auto out = open_output(output);
        ex.write_samples(names, *out);
        out->commit();
    });
}

agcflow_status agcflow_archive_write_collection(agcflow_archive* a, const agcflow_fasta_options* options,
                                                const agcflow_output* output) {
    return extraction(a, options, "extract", [&](Extractor& ex) {
        auto out = open_output(output);
        const auto o = options ? options->skip_reference : 0;
        ex.write_collection(o != 0, out.get(), {});
        out->commit();
    });
}

agcflow_status agcflow_archive_write_collection_files(agcflow_archive* a, const char* directory,
                                                      const agcflow_fasta_options* options) {
    return extraction(a, options, "extract", [&](Extractor& ex) {
        need(directory, "directory");
        ex.write_collection(options && options->skip_reference, nullptr, directory);
    });
}

agcflow_status agcflow_archive_write_queries(agcflow_archive* a, const char* const* queries, size_t n,
                                             const agcflow_fasta_options* options, const agcflow_output* output) {
    return extraction(a, options, "extract", [&](Extractor& ex) {
        if (n) need(queries, "queries");
        std::vector<ContigQuery> parsed;
        for (size_t i = 0; i < n; ++i) {
            need(queries[i], "a query");
            parsed.push_back(parse_contig_query(queries[i]));
        }
        auto out = open_output(output);
        ex.write_contigs(parsed, *out);
        out->commit();
    });
}

agcflow_status agcflow_archive_write_regions(agcflow_archive* a, const char* bed_path, const agcflow_fasta_options* options,
                                             const agcflow_output* output) {
    return extraction(a, options, "extract", [&](Extractor& ex) {
        need(bed_path, "BED path");
        const std::string origin = std::string(bed_path) == "-" ? "standard input" : bed_path;
        const auto regions = parse_bed(read_bed_file(bed_path), origin);
        auto out = open_output(output);
        ex.write_regions(regions, origin, *out);
        out->commit();
    });
}

}  // extern "C"
