#include "pipeline/extract.h"

#include <oneapi/tbb/parallel_pipeline.h>
#include <oneapi/tbb/task_arena.h>

#include "pipeline/memory_budget.h"
#include "pipeline/threads.h"

#include <atomic>
#include <memory>
#include <mutex>
#include <regex>
#include <fmt/format.h>

#include "io/error.h"
#include "io/fasta_format.h"

namespace agcflow {

struct Extractor::Task {
    uint32_t sample = 0;
    uint32_t contig = 0;
    BaseRange range;
    std::string header;  // without '>'
    uint32_t file = 0;   // output file index (getcol -o)
};

namespace {

bool parse_int(const std::string& s, int64_t& v) {
    if (s.empty()) return false;
    size_t i = s[0] == '-' ? 1 : 0;
    if (i == s.size() || s.size() - i > 18) return false;
    for (size_t j = i; j < s.size(); ++j)
        if (s[j] < '0' || s[j] > '9') return false;
    v = std::stoll(s);
    return true;
}

}  // namespace

ContigQuery parse_contig_query(const std::string& text) {
    static const std::regex with_sample_range("(.+)@(.+):(.+)-(.+)");
    static const std::regex with_sample("(.+)@(.+)");
    static const std::regex with_range("(.+):(.+)-(.+)");
    std::smatch m;
    ContigQuery q;
    auto set_range = [&](const std::string& from, const std::string& to) {
        if (!parse_int(from, q.from) || !parse_int(to, q.to))
            throw Error("bad range in contig query '" + text + "': from and to must be integers");
        q.has_range = true;
    };
    if (std::regex_match(text, m, with_sample_range)) {
        q.contig = m[1];
        q.sample = m[2];
        set_range(m[3], m[4]);
    } else if (std::regex_match(text, m, with_sample)) {
        q.contig = m[1];
        q.sample = m[2];
    } else if (std::regex_match(text, m, with_range)) {
        q.contig = m[1];
        set_range(m[2], m[3]);
    } else if (!text.empty()) {
        q.contig = text;
    } else {
        throw Error("empty contig query");
    }
    return q;
}

Extractor::Extractor(const ArchiveCatalog& catalog, ExtractConfig config, Operation& op)
    : catalog_(catalog), config_(config), op_(op), decoder_(catalog.reader(), catalog.params()) {
    if (config_.threads == 0) config_.threads = 1;
}

void Extractor::run(const std::vector<Task>& tasks,
                    const std::function<void(const Task&, std::vector<uint8_t>&)>& sink) {
    struct Item {
        size_t index = 0;
        std::vector<uint8_t> bytes;
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
    decoder_.set_cache_limit(plan.reference_cache);
    const size_t tokens = plan.tokens;
    std::atomic<size_t> next{0};
    // One Item per token, reused: a contig's formatted bytes go into a buffer that already has
    // the room, instead of a fresh allocation (page faults, zero-filling) per contig.
    std::vector<std::unique_ptr<Item>> pool;
    std::mutex pool_mutex;
    for (size_t i = 0; i < tokens; ++i) pool.push_back(std::make_unique<Item>());
    auto take = [&] {
        std::lock_guard lock(pool_mutex);
        if (pool.empty()) return std::make_unique<Item>();  // (cannot happen: tokens bound the items)
        auto item = std::move(pool.back());
        pool.pop_back();
        return item;
    };
    auto give_back = [&](std::unique_ptr<Item> item) {
        std::lock_guard lock(pool_mutex);
        pool.push_back(std::move(item));
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
                                              Item* item = take().release();
                                              item->index = i;
                                              return item;
                                          }) &
                tbb::make_filter<Item*, Item*>(
                    tbb::filter_mode::parallel,
                    [&](Item* item) {
                        thread_local SegmentScratch scratch;
                        thread_local Codes contig;
                        const Task& t = tasks[item->index];
                        if (op_.cancelled()) {
                            give_back(std::unique_ptr<Item>(item));
                            op_.check();
                        }
                        const ContigDesc& cd = catalog_.sample(t.sample).contigs[t.contig];
                        try {
                            assemble_contig(cd, decoder_, k, t.range, contig, scratch);
                            format_fasta_record(t.header, contig, config_.line_length, config_.gzip_level, item->bytes);
                        } catch (...) {
                            give_back(std::unique_ptr<Item>(item));
                            throw;
                        }
                        return item;
                    }) &
                tbb::make_filter<Item*, void>(tbb::filter_mode::serial_in_order, [&](Item* item) {
                    std::unique_ptr<Item> own(item);
                    const size_t index = item->index;
                    sink(tasks[index], item->bytes);
                    give_back(std::move(own));
                    op_.progress({index + 1, tasks.size(), 0});
                }));
    });
}

void Extractor::write_samples(const std::vector<std::string>& sample_names, ByteSink& out) {
    std::vector<Task> tasks;
    for (const auto& name : sample_names) {
        auto si = catalog_.sample_index(name);
        if (!si) throw Error::not_found("no sample " + name + " in " + catalog_.reader().path().string());
        const SampleDesc& s = catalog_.sample(*si);
        for (uint32_t ci = 0; ci < s.contigs.size(); ++ci) tasks.push_back({*si, ci, {}, s.contigs[ci].name, 0});
    }
    run(tasks, [&](const Task&, std::vector<uint8_t>& bytes) { out.write(bytes); });
}

void Extractor::write_collection(bool skip_reference, ByteSink* out, const std::filesystem::path& directory) {
    std::vector<Task> tasks;
    std::vector<uint32_t> samples;
    for (uint32_t si = skip_reference ? 1 : 0; si < catalog_.sample_names().size(); ++si) samples.push_back(si);
    for (uint32_t f = 0; f < samples.size(); ++f) {
        const SampleDesc& s = catalog_.sample(samples[f]);
        for (uint32_t ci = 0; ci < s.contigs.size(); ++ci) tasks.push_back({samples[f], ci, {}, s.contigs[ci].name, f});
    }
    if (directory.empty()) {
        run(tasks, [&](const Task&, std::vector<uint8_t>& bytes) { out->write(bytes); });
        return;
    }
    if (!std::filesystem::is_directory(directory))
        throw Error::io("output path " + directory.string() + " is not an existing directory");
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
    if (file) file->commit();
}

void Extractor::write_contigs(const std::vector<ContigQuery>& queries, ByteSink& out) {
    auto warn = [&](const std::string& w) { op_.warn(w); };
    std::vector<Task> tasks;
    const std::string archive = catalog_.reader().path().string();
    for (const auto& q : queries) {
        auto found = catalog_.find_contigs(q.contig, q.sample);
        if (found.empty()) {
            if (!q.sample.empty()) throw Error::not_found("no contig " + q.contig + " in sample " + q.sample + " of " + archive);
            throw Error::not_found("no contig " + q.contig + " in " + archive);
        }
        if (q.sample.empty() && found.size() > 1)
            throw Error(ErrorKind::ambiguous, "contig " + q.contig + " is in " + std::to_string(found.size()) +
                        " samples of " + archive + "; name one as " + q.contig + "@<sample>");
        const ContigRef& ref = found.front();
        const std::string& full_name = catalog_.sample(ref.sample_index).contigs[ref.contig_index].name;
        Task t{ref.sample_index, ref.contig_index, {}, full_name, 0};
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
            t.range = {from, to == INT64_MAX ? -1 : to};
            if (show_range) t.header += fmt::format(":{}-{}", from, to);
        }
        tasks.push_back(std::move(t));
    }
    run(tasks, [&](const Task&, std::vector<uint8_t>& bytes) { out.write(bytes); });
}

}  // namespace agcflow
