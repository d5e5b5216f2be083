// The create graph (create and append), one batch (a sample; with -c, P records) per message:
//
//  reader ─► limiter ─► cutter ─► router ──► backlog ──► storer ─┬─ parts ─► pack compressor ─┐
//  (own      (tokens:   (serial:  (serial:   (tokens:    (serial: │          (any number at   ├─► ordered writer ─► archive
//  threads,   batches   splitter  parallel   batches     a task   │           once: zstd)     │   (serial, input order;
//  read       not yet   search in route,     stored but  per      └─ no parts ───────────────┘    returns a backlog token)
//  ahead)     stored)   pieces)   register)  unwritten)  group; returns a limiter token)
//
// What overlaps: while batch i is stored, batch i+1 is routed and i+2 cut (routing needs from
// batch i only its registration: the group map, the fallback index and new groups' references,
// all set by the router before it passes batch i on); a batch's packs are compressed while the
// next batches are stored, and the writer takes each batch once its parts are compressed. After
// the last batch an end batch takes every group's last pack through the storer and compressor,
// so the close's zstd calls start the moment the last batch is stored. Serial nodes keep each
// group's segments in batch order; the writer puts every part where AGC puts it, so the
// archive never depends on the thread count or on timing (agc-compression-algorithm.md §6.4-6.5).
#include "pipeline/create.h"

#include <oneapi/tbb/flow_graph.h>
#include <oneapi/tbb/global_control.h>
#include <oneapi/tbb/task_arena.h>

#include <algorithm>
#include <map>
#include <optional>
#include <thread>

#include "io/archive_catalog.h"
#include "io/error.h"
#include "io/output_file.h"
#include "pipeline/batch_cutter.h"
#include "pipeline/batch_router.h"
#include "pipeline/batch_store.h"
#include "stages/task_trace.h"
#include "pipeline/memory_budget.h"
#include "pipeline/ordered_writer.h"
#include "pipeline/pack_compressor.h"
#include "pipeline/sample_reader.h"
#include "pipeline/threads.h"
#include "stages/splitter_selection.h"

namespace agcflow {

namespace {

// The budget's plan for this reference size; a warning when the budget is too small for it.
CreateMemoryPlan plan_memory(const CreateConfig& cfg, uint64_t reference_bases, const Operation& op) {
    const CreateMemoryPlan plan =
        plan_create_memory(cfg.max_memory, reference_bases, cfg.threads, static_cast<uint32_t>(reader_threads(cfg)));
    if (cfg.max_memory && cfg.max_memory < plan.needed)
        op.warn("warning: a reference of " + std::to_string(reference_bases) + " bases needs about " +
                std::to_string((plan.needed + kMiB - 1) / kMiB) + " MiB; --max-memory " +
                std::to_string(cfg.max_memory / kMiB) + " MiB will be exceeded");
    if (cfg.verbosity > 0)
        op.message(Severity::note, "memory plan: " + std::to_string(plan.kmer_budget / kMiB) +
                                           " MiB of k-mer entries per pass, " + std::to_string(plan.read_ahead) +
                                           " sample(s) in flight");
    return plan;
}

// The preset an archive was made with (file_type_info's kPresetKey; none: AGC's levels).
Preset archive_preset(const ArchiveCatalog& in) {
    auto it = in.file_type_info().find(kPresetKey);
    if (it == in.file_type_info().end()) return Preset::agc;
    if (auto p = parse_preset(it->second)) return *p;
    throw Error(ErrorKind::unsupported, in.reader().path().string() + ": made with preset '" + it->second +
                                            "', which this agc-flow does not know; cannot append");
}

void check_inputs(const InputSet& inputs) {
    std::map<std::string, std::string> seen;
    for (const auto& in : inputs.known()) {
        auto [it, added] = seen.emplace(in.name, in.path);
        if (!added)
            throw Error("inputs " + it->second + " and " + in.path + " give the same sample name " + in.name);
    }
}

// The samples the budget lets be in memory at once (`in_memory`), split between the graph
// (batches between cutter and writer: up to 3, so that cutting, routing and storing overlap)
// and the readers' read-ahead (one each, when there is room).
struct Tokens {
    size_t graph = 1, read_ahead = 0;
    uint64_t room = 0, ahead_bytes = 0;
    size_t backlog = 0;  // the writer's backlog for small samples (CreateMemoryPlan::backlog)
};
Tokens split_tokens(const CreateMemoryPlan& plan, size_t readers) {
    Tokens t;
    const size_t in_memory = plan.read_ahead;
    t.graph = std::clamp<size_t>(in_memory > readers ? in_memory - readers : 1, 1, 3);
    t.read_ahead = in_memory > t.graph ? in_memory - t.graph : 0;
    t.room = plan.room;
    t.ahead_bytes = plan.ahead_bytes;
    t.backlog = plan.backlog;
    return t;
}

struct PartJob {
    BatchPtr batch;
    GroupWork* work;
    GroupPart* part;
};

// Batches stored whose parts are not yet written (compressed or waiting for the writer): enough
// that one long zstd call (a pack of 50 samples) does not hold up the storing of the next ones
// while other cores are free. Such a batch holds its descriptions and the parts it completed,
// which the groups held before: the count bounds them, and for small samples the budget's
// allowance (`small`, CreateMemoryPlan::backlog) raises it.
size_t writer_backlog(uint32_t threads, size_t small) {
    return std::max({size_t(64), 4 * static_cast<size_t>(threads), small});
}

// Runs the graph over every batch; returns the end batch, whose parts are every group's last.
BatchPtr run_graph(PrefetchingSource& prefetch, CompressionState& state, OrderedWriter& writer, Operation& op,
                   size_t total_samples, const Tokens& tokens, Trace* trace) {
    using namespace tbb::flow;
    graph g;
    auto order = [](const BatchPtr& b) { return b->sequence; };
    BatchPtr end;
    size_t next_sequence = 0;
    input_node<BatchPtr> reader(g, [&](tbb::flow_control& fc) -> BatchPtr {
        if (end) {
            fc.stop();
            return {};
        }
        auto b = prefetch.next();
        if (b) {
            next_sequence = b->sequence + 1;
            return b;
        }
        end = std::make_shared<Batch>();
        end->sequence = next_sequence;
        end->end = true;
        return end;
    });
    // Tokens: batches from the reader to the end of their storing (their contigs and segments
    // are in memory), and batches stored but not written (their parts).
    limiter_node<BatchPtr> limiter(g, tokens.graph), backlog(g, writer_backlog(state.cfg.threads, tokens.backlog));
    // (Sequencers in front of the serial nodes: the graph may deliver out of order under load.)
    sequencer_node<BatchPtr> to_cutter(g, order), to_router(g, order), to_storer(g, order), to_writer(g, order);
    function_node<BatchPtr, BatchPtr> cutter(g, serial, [&](BatchPtr b) {
        op.check();
        if (!b->end) cut_batch(*b, state, op, trace);
        return b;
    });
    function_node<BatchPtr, BatchPtr> router(g, serial, [&](BatchPtr b) {
        op.check();
        if (!b->end) route_batch(*b, state, op, trace);
        return b;
    });
    using StorerPorts = multifunction_node<BatchPtr, std::tuple<PartJob, BatchPtr, continue_msg>>::output_ports_type;
    multifunction_node<BatchPtr, std::tuple<PartJob, BatchPtr, continue_msg>> storer(
        g, serial, [&](BatchPtr b, StorerPorts& out) {
            op.check();
            if (b->end)
                store_last_parts(*b, state);
            else
                store_batch(*b, op, trace);
            std::get<2>(out).try_put(continue_msg());  // the batch's contigs and segments are gone
            std::vector<PartJob> jobs;
            for (GroupWork& w : b->work)
                for (GroupPart& p : w.parts) jobs.push_back({b, &w, &p});
            if (jobs.empty()) {
                std::get<1>(out).try_put(b);
                return;
            }
            std::stable_sort(jobs.begin(), jobs.end(), [](const PartJob& x, const PartJob& y) {
                return x.part->raw_bytes() > y.part->raw_bytes();
            });
            b->parts_left = jobs.size();
            for (PartJob& j : jobs) std::get<0>(out).try_put(std::move(j));
        });
    using CompressorPorts = multifunction_node<PartJob, std::tuple<BatchPtr>>::output_ports_type;
    multifunction_node<PartJob, std::tuple<BatchPtr>> compressor(g, unlimited, [&](PartJob j, CompressorPorts& out) {
        op.check();
        compress_part(*j.part, j.work->store->profile(), j.batch->end ? -1 : static_cast<int64_t>(j.batch->sequence),
                      j.work->group, trace);
        if (--j.batch->parts_left == 0) std::get<0>(out).try_put(j.batch);
    });
    function_node<BatchPtr, continue_msg> ordered_writer(g, serial, [&](BatchPtr b) {
        if (b->end) return continue_msg();  // its parts go last, at close
        {
            Trace::Span span(trace, "write", static_cast<int64_t>(b->sequence));
            writer.write_batch(*b);
        }
        op.progress({writer.samples(), total_samples, writer.bases()});
        return continue_msg();
    });
    make_edge(reader, limiter);
    make_edge(limiter, to_cutter);
    make_edge(to_cutter, cutter);
    make_edge(cutter, to_router);
    make_edge(to_router, router);
    make_edge(router, to_storer);
    make_edge(to_storer, backlog);
    make_edge(backlog, storer);
    make_edge(output_port<0>(storer), compressor);
    make_edge(output_port<1>(storer), to_writer);
    make_edge(output_port<2>(storer), limiter.decrementer());
    make_edge(output_port<0>(compressor), to_writer);
    make_edge(to_writer, ordered_writer);
    make_edge(ordered_writer, backlog.decrementer());
    reader.activate();
    g.wait_for_all();
    return end;
}

// The groups' last packs (compressed by the graph), the metadata, the commit.
void close_archive(CompressionState& state, OrderedWriter& writer, OutputFile& out, Operation& op, Trace* trace,
                   const BatchPtr& end) {
    if (!end) throw Error::internal("internal: the create graph ended without its end batch");
    std::vector<std::pair<uint32_t, std::vector<GroupPart>>> leftovers;
    for (GroupWork& w : end->work) leftovers.emplace_back(w.group, std::move(w.parts));
    {
        Trace::Span span(trace, "close", -1);
        writer.close(state, leftovers);
    }
    op.check();
    out.commit();
}

// -t workers: an arena of that many, also past the machine's cores (results never depend on
// it; more threads than cores is how scaling is tested on small machines).
template <typename F>
void in_arena(uint32_t threads, F&& body) {
    const int n = static_cast<int>(std::max(1u, threads));
    std::optional<tbb::global_control> allow;
    if (n > arena_threads(threads)) allow.emplace(tbb::global_control::max_allowed_parallelism, static_cast<size_t>(n));
    tbb::task_arena arena(n);
    arena.execute(body);
}

// The run's shape goes with its tasks: bench/scaling-model replays them under the same tokens.
void write_trace(Trace& trace, const CreateConfig& cfg, const char* command, const Tokens& tokens) {
    trace.write({{"command", command},
                            {"threads", std::to_string(cfg.threads)},
                            {"hardware_threads", std::to_string(std::thread::hardware_concurrency())},
                            {"readers", std::to_string(reader_threads(cfg))},
                            {"graph_tokens", std::to_string(tokens.graph)},
                            {"read_ahead", std::to_string(tokens.read_ahead)},
                            {"room", std::to_string(tokens.room)},
                            {"read_ahead_bytes", std::to_string(tokens.ahead_bytes)},
                            {"backlog", std::to_string(writer_backlog(cfg.threads, tokens.backlog))},
                            {"small_backlog", std::to_string(tokens.backlog)}});
}

}  // namespace

void create_archive(InputSet& inputs, OutputFile& out, const CreateConfig& cfg, Operation& op) {
    if (!cfg.concatenated) check_inputs(inputs);
    Trace trace(cfg.trace);
    Trace* t = trace.enabled() ? &trace : nullptr;
    Tokens tokens;
    in_arena(cfg.threads, [&] {
        // Splitters come from the reference (the first input), which is also sample 0.
        BatchSource source(inputs, cfg, op);
        std::vector<ContigView> reference;
        {
            Trace::Span span(t, "read", 0);
            reference = source.reference_sequences();
        }
        uint64_t reference_bases = 0;
        for (auto& c : reference) reference_bases += c.size();
        const CreateMemoryPlan plan = plan_memory(cfg, reference_bases, op);
        tokens = split_tokens(plan, reader_threads(cfg));
        // The reader thread starts now: the next sample is read during the splitter phase.
        PrefetchingSource prefetch(source, tokens.read_ahead, reader_threads(cfg), true, t, tokens.ahead_bytes);
        SplitterSelection selection;
        {
            Trace::Span span(t, "splitters", -1, -1, reference_bases);
            selection = select_splitters(reference, cfg.k, cfg.segment_size, FallbackFilter(cfg.fallback_fraction),
                                         cfg.adaptive, plan.kmer_budget, [&] { op.check(); }, t,
                                         reference_bases >= cfg.candidate_splitters_from);
        }
        op.check();
        if (cfg.verbosity > 0 && !cfg.adaptive)
            op.message(Severity::note,
                       "splitter phase: " +
                           (selection.kmer_passes ? std::to_string(selection.kmer_passes) + " pass(es) over the reference"
                                                  : std::to_string(selection.candidate_rounds) +
                                                        " scan(s) of the reference for the walks' k-mers") +
                           ", " + std::to_string(selection.splitters.size()) + " splitters");
        CompressionState state(cfg, std::move(selection));
        OrderedWriter writer(out, cfg);
        auto end = run_graph(prefetch, state, writer, op, cfg.concatenated ? 0 : inputs.count(), tokens, t);
        close_archive(state, writer, out, op, t, end);
    });
    write_trace(trace, cfg, "create", tokens);
}

void append_archive(const std::filesystem::path& input, InputSet& samples, OutputFile& out, CreateConfig cfg,
                    Operation& op) {
    ArchiveCatalog in(input, false);
    if (in.version() < 3000)
        throw Error(ErrorKind::unsupported,
                    input.string() + ": appending to a format " + std::to_string(in.version() / 1000) + "." +
                        std::to_string(in.version() % 1000) + " archive (AGC " + std::to_string(in.version() / 1000) +
                        ".x) is not supported; write a format 3 archive from its samples with getcol and create");
    // Parameters always come from the archive; so do its preset and its checksums, when it has them.
    const bool checksums = cfg.profile.frame_checksums || in.reader().checksums();
    cfg.profile = preset_profile(archive_preset(in));
    cfg.profile.frame_checksums = checksums;
    cfg.k = in.params().k;
    cfg.min_match_len = in.params().min_match_len;
    cfg.pack_cardinality = in.params().pack_cardinality;
    cfg.segment_size = in.params().segment_size;
    if (!cfg.concatenated) check_inputs(samples);
    Trace trace(cfg.trace);
    Trace* t = trace.enabled() ? &trace : nullptr;
    Tokens tokens;
    in_arena(cfg.threads, [&] {
        BatchSource source(samples, cfg, op, in.sample_names());
        CompressionState state(cfg, in, op);
        OrderedWriter writer(out, cfg, in, static_cast<uint32_t>(state.groups.size()));
        // No splitter phase; the archive's reference sample stands for the size of a sample.
        uint64_t reference_bases = 0;
        if (!in.sample_names().empty())
            for (const ContigDesc& c : in.sample(0).contigs)
                for (const SegmentDesc& d : c.segments) reference_bases += d.raw_length;
        tokens = split_tokens(plan_memory(cfg, reference_bases, op), reader_threads(cfg));
        PrefetchingSource prefetch(source, tokens.read_ahead, reader_threads(cfg), false, t, tokens.ahead_bytes);
        auto end = run_graph(prefetch, state, writer, op, cfg.concatenated ? 0 : samples.count(), tokens, t);
        close_archive(state, writer, out, op, t, end);
    });
    write_trace(trace, cfg, "append", tokens);
}

namespace {
std::vector<std::string> input_paths(const std::vector<SampleInput>& inputs) {
    std::vector<std::string> paths;
    for (const auto& in : inputs) paths.push_back(in.path);
    return paths;
}
}  // namespace

void create_archive(const std::vector<SampleInput>& inputs, const std::filesystem::path& output,
                    const CreateConfig& cfg, Operation& op) {
    if (inputs.empty()) throw Error(ErrorKind::argument, "no input files");
    refuse_output_among_inputs(output, input_paths(inputs));
    FileInputs files(inputs);
    OutputFile out(output);
    create_archive(files, out, cfg, op);
}

void append_archive(const std::filesystem::path& input, const std::vector<SampleInput>& samples,
                    const std::filesystem::path& output, const CreateConfig& cfg, Operation& op) {
    std::vector<std::string> protected_paths = input_paths(samples);
    protected_paths.push_back(input.string());
    if (!output.empty()) {
        std::error_code ec;
        if (std::filesystem::equivalent(input, output, ec))
            throw Error(ErrorKind::argument, "the output archive must not be the input archive " + input.string());
    }
    refuse_output_among_inputs(output, protected_paths);
    FileInputs files(samples);
    OutputFile out(output);
    append_archive(input, files, out, cfg, op);
}

}  // namespace agcflow
