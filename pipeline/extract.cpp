#include "pipeline/extract.h"

#include <oneapi/tbb/parallel_pipeline.h>
#include <oneapi/tbb/task_arena.h>

#include "pipeline/memory_budget.h"
#include "pipeline/threads.h"

#include <atomic>
#include <memory>
#include <mutex>
#include <fmt/format.h>

#include "io/error.h"
#include "io/fasta_format.h"
#include "io/thread_cache.h"
#include "pipeline/range_extract.h"

namespace agcflow {

struct Extractor::Task {
    uint32_t sample = 0;
    uint32_t contig = 0;
    BaseRange range;
    std::string header;  // without '>'
    uint32_t file = 0;   // output file index (getcol -o)
};

Extractor::Extractor(const ArchiveCatalog& catalog, ExtractConfig config, Operation& op)
    : catalog_(catalog), config_(config), op_(op), own_decoder_(std::make_unique<SegmentDecoder>(catalog)),
      decoder_(own_decoder_.get()) {
    if (config_.threads == 0) config_.threads = 1;
}

Extractor::Extractor(const ArchiveCatalog& catalog, ExtractConfig config, Operation& op, SegmentDecoder& decoder)
    : catalog_(catalog), config_(config), op_(op), decoder_(&decoder) {
    if (config_.threads == 0) config_.threads = 1;
}

void Extractor::run(const std::vector<Task>& tasks,
                    const std::function<void(const Task&, std::vector<uint8_t>&)>& sink) {
    // A contig's formatted bytes, or the error decoding it gave: errors are raised in task
    // order by the writing stage, so that the first bad contig in output order is the one
    // reported, whatever the threads did.
    struct Item {
        size_t index = 0;
        std::vector<uint8_t> bytes;
        std::exception_ptr error;
    };
    const uint32_t k = catalog_.params().k;
    // The memory budget sets the contigs in flight and the reference cache (memory_budget.h).
    uint64_t longest = 0;
    for (const Task& t : tasks) {
        const ContigDesc& cd = catalog_.sample(t.sample).contigs[t.contig];
        uint64_t len = 0;
        for (const SegmentDesc& d : cd.segments) len += len == 0 ? d.raw_length : d.raw_length - std::min(d.raw_length, k);
        if (!t.range.whole() && t.range.to >= t.range.from)
            len = std::min<uint64_t>(len, static_cast<uint64_t>(t.range.to - t.range.from + 1));
        longest = std::max(longest, len);
    }
    const ExtractMemoryPlan plan =
        plan_extract_memory(config_.max_memory, longest, static_cast<uint32_t>(arena_threads(config_.threads)),
                            config_.streaming);
    decoder_->set_cache_limit(plan.reference_cache);
    decoder_->set_part_limit(config_.max_memory ? config_.max_memory : default_memory_budget());
    const size_t tokens = plan.tokens;
    std::atomic<size_t> next{0};
    // One Item per token, reused: a contig's formatted bytes go into a buffer that already has
    // the room, instead of a fresh allocation (page faults, zero-filling) per contig. `owned`
    // keeps every item for the whole run, so that a pipeline cancelled with items in flight
    // (an error, a cancel) loses none.
    std::vector<std::unique_ptr<Item>> owned;
    std::vector<Item*> pool;
    std::mutex pool_mutex;
    for (size_t i = 0; i < tokens; ++i) owned.push_back(std::make_unique<Item>()), pool.push_back(owned.back().get());
    auto take = [&] {
        std::lock_guard lock(pool_mutex);
        if (pool.empty()) {  // (cannot happen: tokens bound the items)
            owned.push_back(std::make_unique<Item>());
            return owned.back().get();
        }
        Item* item = pool.back();
        pool.pop_back();
        return item;
    };
    auto give_back = [&](Item* item) {
        std::lock_guard lock(pool_mutex);
        pool.push_back(item);
    };
    tbb::task_arena arena(arena_threads(config_.threads));
    arena.execute([&] {
        tbb::parallel_pipeline(
            tokens,
            tbb::make_filter<void, Item*>(tbb::filter_mode::serial_in_order,
                                          [&](tbb::flow_control& fc) -> Item* {
                                              size_t i = next++;
                                              if (i >= tasks.size()) {
                                                  fc.stop();
                                                  return nullptr;
                                              }
                                              Item* item = take();
                                              item->index = i;
                                              return item;
                                          }) &
                tbb::make_filter<Item*, Item*>(
                    tbb::filter_mode::parallel,
                    [&](Item* item) {
                        static ThreadCache<SegmentScratch> scratches;
                        static ThreadCache<Codes> contigs;
                        SegmentScratch& scratch = scratches.get();
                        Codes& contig = contigs.get();
                        const Task& t = tasks[item->index];
                        if (op_.cancelled()) {
                            give_back(item);
                            op_.check();
                        }
                        const ContigDesc& cd = catalog_.sample(t.sample).contigs[t.contig];
                        item->error = nullptr;
                        try {
                            assemble_contig(cd, *decoder_, k, t.range, contig, scratch);
                            format_fasta_record(t.header, contig, config_.line_length, config_.gzip_level, item->bytes);
                        } catch (...) {
                            item->error = std::current_exception();
                        }
                        return item;
                    }) &
                tbb::make_filter<Item*, void>(tbb::filter_mode::serial_in_order, [&](Item* item) {
                    if (item->error) {
                        const std::exception_ptr e = item->error;
                        item->error = nullptr;
                        give_back(item);
                        std::rethrow_exception(e);
                    }
                    const size_t index = item->index;
                    try {
                        sink(tasks[index], item->bytes);
                    } catch (...) {
                        give_back(item);
                        throw;
                    }
                    give_back(item);
                    op_.progress({index + 1, tasks.size(), 0});
                }));
    });
}

std::string Extractor::header(const ContigRef& c) const {
    const std::string& name = catalog_.contig(c).name;
    if (!config_.sample_in_name) return name;
    const std::string prefix = catalog_.sample_names()[c.sample_index] + "#";
    return name.compare(0, prefix.size(), prefix) == 0 ? name : prefix + name;
}

void Extractor::write_samples(const std::vector<std::string>& sample_names, ByteSink& out) {
    std::vector<Task> tasks;
    for (const auto& name : sample_names) {
        auto si = catalog_.sample_index(name);
        if (!si) throw Error::not_found("no sample " + name + " in " + catalog_.path_text());
        const SampleDesc& s = catalog_.sample(*si);
        for (uint32_t ci = 0; ci < s.contigs.size(); ++ci) tasks.push_back({*si, ci, {}, header({*si, ci}), 0});
    }
    run(tasks, [&](const Task&, std::vector<uint8_t>& bytes) { out.write(bytes); });
}

namespace {
// A sample name usable as a file name inside a directory: not empty, ".", "..", nor with a '/'.
void check_file_name(const std::string& sample, const std::filesystem::path& directory) {
    if (sample.empty() || sample == "." || sample == ".." || sample.find('/') != std::string::npos ||
        sample.find('\0') != std::string::npos)
        throw Error("sample name '" + sample + "' cannot be a file name in " + directory.string() +
                    " (it would be written outside it); extract it with getset");
}
}  // namespace

void Extractor::write_collection(bool skip_reference, ByteSink* out, const std::filesystem::path& directory) {
    std::vector<Task> tasks;
    std::vector<uint32_t> samples;
    // AGC's getcol order; the reference sample is the first stored one (AGC 3.2.2 drops the
    // first sorted sample of a 1.x/2.x archive for -r, which need not be the reference).
    for (uint32_t si : catalog_.collection_order())
        if (!skip_reference || si != 0) samples.push_back(si);
    if (!directory.empty()) {
        if (!std::filesystem::is_directory(directory))
            throw Error::io("output path " + directory.string() + " is not an existing directory");
        for (uint32_t si : samples) check_file_name(catalog_.sample_names()[si], directory);
    }
    for (uint32_t f = 0; f < samples.size(); ++f) {
        const SampleDesc& s = catalog_.sample(samples[f]);
        for (uint32_t ci = 0; ci < s.contigs.size(); ++ci) tasks.push_back({samples[f], ci, {}, header({samples[f], ci}), f});
    }
    if (directory.empty()) {
        run(tasks, [&](const Task&, std::vector<uint8_t>& bytes) { out->write(bytes); });
        return;
    }
    // One file per sample, each committed once its last contig is written; a sample
    // without contigs still gets its (empty) file.
    std::unique_ptr<OutputFile> file;
    uint32_t opened = 0;  // number of sample files opened so far
    auto open_through = [&](uint32_t f) {
        for (; opened <= f; ++opened) {
            if (file) file->commit();
            const std::string& name = catalog_.sample_names()[samples[opened]];
            file = std::make_unique<OutputFile>(directory / (name + ".fa" + (config_.gzip_level ? ".gz" : "")));
        }
    };
    run(tasks, [&](const Task& t, std::vector<uint8_t>& bytes) {
        open_through(t.file);
        file->write(bytes);
    });
    if (!samples.empty()) open_through(static_cast<uint32_t>(samples.size() - 1));
    op_.check();
    if (file) file->commit();
}

uint64_t Extractor::range_budget() {
    // Half the budget for the segments and output of a window of ranges; the rest (at least
    // 8 MiB) caches decoded group references.
    const uint64_t budget = config_.max_memory ? config_.max_memory : default_memory_budget();
    const uint64_t window = config_.streaming ? 1 : std::max<uint64_t>(budget / 2, 16 * kMiB);
    decoder_->set_cache_limit(std::max<uint64_t>(budget > window ? budget - window : 0, 8 * kMiB));
    decoder_->set_part_limit(budget);
    return window;
}

void Extractor::write_ranges(const std::vector<RangeRequest>& ranges, const std::vector<std::string>& headers,
                             ByteSink& out) {
    const uint64_t budget = range_budget();
    tbb::task_arena arena(arena_threads(config_.threads));
    arena.execute([&] {
        extract_ranges(
            catalog_, *decoder_, ranges, budget, op_,
            [&](size_t i, std::span<const uint8_t> codes, std::vector<uint8_t>& bytes) {
                format_fasta_record(headers[i], codes, config_.line_length, config_.gzip_level, bytes);
            },
            [&](size_t, std::span<const uint8_t> bytes) { out.write(bytes); });
    });
}

void Extractor::letters(const std::vector<RangeRequest>& ranges, std::string& bases, std::vector<uint64_t>& offsets) {
    bases.clear();
    offsets.assign(1, 0);
    const uint64_t budget = range_budget();
    tbb::task_arena arena(arena_threads(config_.threads));
    arena.execute([&] {
        extract_ranges(
            catalog_, *decoder_, ranges, budget, op_,
            [](size_t, std::span<const uint8_t> codes, std::vector<uint8_t>& bytes) {
                bytes.resize(codes.size());
                for (size_t j = 0; j < codes.size(); ++j) bytes[j] = static_cast<uint8_t>(code_to_letter(codes[j]));
            },
            [&](size_t, std::span<const uint8_t> bytes) {
                bases.append(reinterpret_cast<const char*>(bytes.data()), bytes.size());
                offsets.push_back(bases.size());
            });
    });
}

void Extractor::write_contigs(const std::vector<ContigQuery>& queries, ByteSink& out) {
    auto warn = [&](const std::string& w) { op_.warn(w); };
    std::vector<RangeRequest> ranges;
    std::vector<std::string> headers;
    for (const auto& q : queries) {
        const ContigRef ref = resolve_query(catalog_, q);
        const uint64_t length = catalog_.contig_length(ref);
        std::string head = header(ref);
        uint64_t begin = 0, end = length;
        if (q.has_range) {
            // AGC's normalisation, warnings included; the header shows the final range.
            int64_t from = q.from, to = q.to;
            bool show_range = true;
            if (from < 0) {
                warn("Warning: Start of range (" + std::to_string(from) + ") is below 0, so changed to 0");
                from = 0;
            }
            if (to < 0) {
                warn("Warning: End of range (" + std::to_string(to) + ") is below 0, so changed to max value");
                to = INT64_MAX;
            }
            if (from > to) {
                warn("Warning: End of range (" + std::to_string(to) + ") is prior to start of range (" +
                     std::to_string(from) + ") so changed to whole contig");
                from = 0;
                to = INT64_MAX;
                show_range = false;
            }
            if (show_range) head += fmt::format(":{}-{}", from, to);
            begin = std::min<uint64_t>(static_cast<uint64_t>(from), length);
            end = to == INT64_MAX ? length : std::min<uint64_t>(static_cast<uint64_t>(to) + 1, length);
            end = std::max(begin, end);
        }
        ranges.push_back({ref, begin, end});
        headers.push_back(std::move(head));
    }
    write_ranges(ranges, headers, out);
}

void Extractor::write_regions(const std::vector<BedRegion>& regions, const std::string& origin, ByteSink& out) {
    std::vector<RangeRequest> ranges;
    std::vector<std::string> headers;
    ranges.reserve(regions.size());
    headers.reserve(regions.size());
    for (const BedRegion& r : regions) {
        // Looked up as AGC reads "name:start-(end-1)" (an empty region as "name:start-start").
        const uint64_t last = r.end > r.start ? r.end - 1 : r.start;
        ContigRef ref;
        try {
            const ContigQuery q = parse_contig_query(r.name + ":" + std::to_string(r.start) + "-" + std::to_string(last));
            ref = resolve_query(catalog_, q);
        } catch (const Error& e) {
            throw Error(e.kind(), origin + ":" + std::to_string(r.line) + ": " + e.what());
        }
        const uint64_t length = catalog_.contig_length(ref);
        const uint64_t begin = std::min(r.start, length), end = std::max(begin, std::min(r.end, length));
        ranges.push_back({ref, begin, end});
        headers.push_back(header(ref) + ":" + std::to_string(r.start) + "-" +
                          (r.end > r.start ? std::to_string(r.end - 1) : std::to_string(int64_t(r.start) - 1)));
    }
    write_ranges(ranges, headers, out);
}

}  // namespace agcflow
