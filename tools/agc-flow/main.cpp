// agc-flow: the command-line program. A thin layer over the library: it parses AGC's
// command lines (same commands, options and defaults) and calls into pipeline/ and io/.
#include <CLI/CLI.hpp>
#include <mimalloc.h>

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <thread>

#include "io/archive_catalog.h"
#include "io/error.h"
#include "io/output_file.h"
#include "io/fasta_input.h"
#include "pipeline/create.h"
#include "pipeline/extract.h"
#include "pipeline/memory_budget.h"

#include <unistd.h>

#include <chrono>
#include <fstream>
#include "pipeline/inspect.h"

namespace {

using namespace agcflow;

// AGC clamps numeric options into their range instead of rejecting them; so do we.
template <typename T>
T clamp_option(T v, T lo, T hi) {
    return std::min(std::max(v, lo), hi);
}

std::string memory_help() {
    return "memory budget in MiB: sets the splitter phase's passes and the data in flight; group data "
           "grows with the collection on top of it (default: half the RAM, " +
           std::to_string(default_memory_budget() / kMiB) + ")";
}

uint64_t memory_bytes(uint64_t mib) { return std::min<uint64_t>(mib, UINT64_MAX / kMiB) * kMiB; }

uint32_t default_threads() { return std::max(1u, std::thread::hardware_concurrency() / 2); }
uint32_t max_threads() { return std::max(16u, std::thread::hardware_concurrency()); }

std::string threads_help() {
    return "no. of threads (default: " + std::to_string(default_threads()) + "; min: 1; max: " +
           std::to_string(max_threads()) + ")";
}

struct ReadOptions {
    std::string archive;
    std::vector<std::string> names;
    std::string output;
    uint32_t threads = default_threads();
    uint32_t line_length = 80;
    uint32_t gzip_level = 0;
    uint32_t verbosity = 0;
    bool no_prefetch = false;
    bool streaming = false;
    bool no_reference = false;
    bool fast = false;
    uint64_t max_memory_mib = 0;

    ExtractConfig extract_config() const {
        ExtractConfig c;
        c.threads = clamp_option(threads, 1u, max_threads());
        c.line_length = clamp_option(line_length, 40u, 2'000'000'000u);
        c.gzip_level = clamp_option(gzip_level, 0u, 9u);
        c.streaming = streaming;
        c.max_memory = memory_bytes(max_memory_mib);
        return c;
    }
};

void add_archive(CLI::App* cmd, ReadOptions& o) {
    cmd->add_option("archive", o.archive, "input archive (.agc)")->required();
}
void add_output(CLI::App* cmd, ReadOptions& o, const std::string& what) {
    cmd->add_option("-o", o.output, what);
}
void add_extract_options(CLI::App* cmd, ReadOptions& o) {
    cmd->add_option("-g", o.gzip_level, "optional gzip with given level (default: 0; min: 0; max: 9)");
    cmd->add_option("-l", o.line_length, "line length (default: 80; min: 40; max: 2000000000)");
    cmd->add_option("-t", o.threads, threads_help());
    cmd->add_option("-v", o.verbosity, "verbosity level (default: 0; min: 0; max: 2)");
    cmd->add_option("--max-memory", o.max_memory_mib, memory_help())->check(CLI::PositiveNumber);
}

// getset and getctg: names after the archive, output to one file or stdout.
CLI::App* add_selective_extract(CLI::App& app, ReadOptions& o, const std::string& name, const std::string& help,
                                const std::string& what, const std::string& what_help, const std::string& prefetch_help) {
    auto* cmd = app.add_subcommand(name, help);
    add_archive(cmd, o);
    cmd->add_option(what, o.names, what_help)->required();
    add_extract_options(cmd, o);
    add_output(cmd, o, "output to file (default: output is sent to stdout)");
    cmd->add_flag("-p", o.no_prefetch, prefetch_help);
    cmd->add_flag("-s", o.streaming, "enable streaming mode (slower but needs less memory)");
    return cmd;
}

int run_getset(const ReadOptions& o) {
    ArchiveCatalog catalog(o.archive, !o.no_prefetch);
    Extractor ex(catalog, o.extract_config());
    OutputFile out(o.output);
    ex.write_samples(o.names, out);
    out.commit();
    return 0;
}

int run_getcol(const ReadOptions& o) {
    ArchiveCatalog catalog(o.archive, true);
    Extractor ex(catalog, o.extract_config());
    if (o.output.empty()) {
        OutputFile out;
        ex.write_collection(o.no_reference, &out, {});
        out.commit();
    } else {
        ex.write_collection(o.no_reference, nullptr, o.output);
    }
    return 0;
}

int run_getctg(const ReadOptions& o) {
    std::vector<ContigQuery> queries;
    for (const auto& q : o.names) queries.push_back(parse_contig_query(q));
    ArchiveCatalog catalog(o.archive, !o.no_prefetch);
    Operation op("getctg", {}, [](MessageLevel, const std::string& w) { std::cerr << w << '\n'; });
    Extractor ex(catalog, o.extract_config(), op);
    OutputFile out(o.output);
    ex.write_contigs(queries, out);
    out.commit();
    return 0;
}

int run_listref(const ReadOptions& o) {
    ArchiveCatalog catalog(o.archive, false);
    OutputFile out(o.output);
    if (!catalog.sample_names().empty()) out.write(catalog.sample_names().front());  // no newline, as AGC
    out.commit();
    return 0;
}

int run_listset(const ReadOptions& o) {
    ArchiveCatalog catalog(o.archive, false);
    auto names = catalog.sample_names();
    std::sort(names.begin(), names.end());
    OutputFile out(o.output);
    for (const auto& n : names) out.write(n + "\n");
    out.commit();
    return 0;
}

int run_listctg(const ReadOptions& o) {
    ArchiveCatalog catalog(o.archive, false);
    std::string text;
    for (const auto& name : o.names) {
        const SampleDesc& s = catalog.sample(name);
        text += name + "\n";
        for (const auto& c : s.contigs) text += "   " + c.name + "\n";
    }
    OutputFile out(o.output);
    out.write(text);
    out.commit();
    return 0;
}

int run_info(const ReadOptions& o) {
    ArchiveCatalog catalog(o.archive, false);
    const auto& p = catalog.params();
    std::string text;
    text += "No. samples      : " + std::to_string(catalog.sample_names().size()) + "\n";
    text += "k-mer length     : " + std::to_string(p.k) + "\n";
    text += "Min. match length: " + std::to_string(p.min_match_len) + "\n";
    if (p.segment_size) text += "Segment size     : " + std::to_string(p.segment_size) + "\n";
    text += "Batch size       : " + std::to_string(p.pack_cardinality) + "\n";
    text += "Reference name   : " + (catalog.sample_names().empty() ? std::string() : catalog.sample_names()[0]) + "\n";
    text += "Command lines:\n";
    if (o.verbosity > 0) {
        text += "File type info:\n";
        for (const auto& [k, v] : catalog.file_type_info()) text += "  " + k + " : " + v + "\n";
    }
    std::cerr << text;  // AGC prints info to stderr
    return 0;
}

struct CreateOptions {
    std::vector<std::string> inputs;  // positional: reference first
    std::string list_file;            // -i
    std::string output;
    uint32_t k = 31, min_match_len = 20, pack_cardinality = 50, segment_size = 60000;
    uint32_t threads = default_threads();
    uint32_t verbosity = 0;
    double fallback = 0.0;
    bool adaptive = false, concatenated = false, no_cmd_line = false;
    uint64_t max_memory_mib = 0;
};

void print_message(const std::string& m) { std::cerr << "agc-flow: " << m << '\n'; }

std::vector<std::string> read_name_list(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw Error("cannot open input list " + path);
    std::vector<std::string> names;
    for (std::string w; in >> w;) names.push_back(w);
    return names;
}

// AGC's order: the first positional, then the names from -i, then the other positionals;
// repeated names dropped.
std::vector<SampleInput> sample_inputs(const std::vector<std::string>& positional, const std::string& list_file) {
    std::vector<std::string> files;
    if (!positional.empty()) files.push_back(positional.front());
    if (!list_file.empty())
        for (auto& n : read_name_list(list_file)) files.push_back(n);
    if (!positional.empty()) files.insert(files.end(), positional.begin() + 1, positional.end());
    std::vector<SampleInput> samples;
    for (auto& f : dedup_input_names(files)) samples.push_back({sample_name_from_path(f), f});
    return samples;
}

Operation::ProgressFn progress_display(size_t total, bool verbose) {
    const bool tty = ::isatty(STDERR_FILENO);
    const auto start = std::chrono::steady_clock::now();
    return [=](const ProgressInfo& p) {
        const uint64_t done = p.done, bases = p.bases;
        if (!tty && !verbose) return true;
        double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        double rate = secs > 0 ? bases / secs / 1e6 : 0.0;
        std::string line = "samples " + std::to_string(done) + "/" + std::to_string(total) + ", " +
                           std::to_string(bases / 1000000) + " Mb, " + std::to_string(static_cast<int>(rate)) +
                           " Mb/s, " + std::to_string(static_cast<int>(secs)) + " s";
        std::cerr << (tty ? "\r" : "") << line << (tty ? (done == total ? "\n" : "") : "\n") << std::flush;
        return true;
    };
}

int run_create(const CreateOptions& o) {
    if (o.inputs.empty()) throw Error("create needs a reference FASTA file");
    std::vector<SampleInput> samples = sample_inputs(o.inputs, o.list_file);

    CreateConfig cfg;
    cfg.k = clamp_option(o.k, 17u, 32u);
    cfg.min_match_len = clamp_option(o.min_match_len, 15u, 32u);
    cfg.pack_cardinality = clamp_option(o.pack_cardinality, 1u, 1'000'000'000u);
    cfg.segment_size = clamp_option(o.segment_size, 100u, 1'000'000u);
    cfg.threads = clamp_option(o.threads, 1u, max_threads());
    cfg.verbosity = clamp_option(o.verbosity, 0u, 2u);
    cfg.concatenated = o.concatenated;
    cfg.adaptive = o.adaptive;
    cfg.fallback_fraction = clamp_option(o.fallback, 0.0, 0.05);
    cfg.max_memory = memory_bytes(o.max_memory_mib);
    Operation op("create", progress_display(samples.size(), cfg.verbosity > 0),
                 [](MessageLevel, const std::string& m) { print_message(m); });
    create_archive(samples, o.output, cfg, op);
    return 0;
}

int run_append(const CreateOptions& o) {
    if (o.inputs.empty()) throw Error("append needs an input archive");
    if (o.output.empty() && ::isatty(STDOUT_FILENO)) throw Error("append writes a new archive: give -o out.agc");
    std::vector<std::string> fasta(o.inputs.begin() + 1, o.inputs.end());
    std::vector<SampleInput> samples;
    if (!fasta.empty() || !o.list_file.empty()) samples = sample_inputs(fasta, o.list_file);
    CreateConfig cfg;
    cfg.threads = clamp_option(o.threads, 1u, max_threads());
    cfg.verbosity = clamp_option(o.verbosity, 0u, 2u);
    cfg.concatenated = o.concatenated;
    cfg.adaptive = o.adaptive;
    cfg.fallback_fraction = clamp_option(o.fallback, 0.0, 0.05);
    cfg.max_memory = memory_bytes(o.max_memory_mib);
    Operation op("append", progress_display(samples.size(), cfg.verbosity > 0),
                 [](MessageLevel, const std::string& m) { print_message(m); });
    append_archive(o.inputs.front(), samples, o.output, cfg, op);
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    // mimalloc (linked in, replacing malloc) on 2 MiB pages: create's large, short-lived
    // buffers otherwise cost a page fault per 4 KiB and TLB misses (measured: create 19.6 ->
    // 15.9 s on a 528 MB collection, for ~30% more peak RSS). Set before anything allocates.
    mi_option_enable(mi_option_large_os_pages);
    // Freed memory is kept for reuse rather than given back to the OS (the delay is an hour):
    // samples come and go every fraction of a second, and each return was paid again in page
    // faults. On a 260 MB create at -t 1, mimalloc's default 25 ms gave sys 0.5 s; 500 ms gave
    // 0.2 s and 19,000 faults; never, 17,000 faults and 5.47 -> 5.34 s of wall time, for +0.3%
    // peak RSS (the peak comes before the freed memory would have gone back).
    mi_option_set(mi_option_decommit_delay, 3600000);
    mi_option_set(mi_option_segment_decommit_delay, 3600000);
    CLI::App app{"agc-flow " AGCFLOW_VERSION
                 ": a fast, AGC 3.2-compatible compressor for collections of assembled genomes"};
    app.require_subcommand(1);
    app.set_version_flag("--version", "agc-flow " AGCFLOW_VERSION);

    ReadOptions ro;
    CreateOptions co;

    auto* create = app.add_subcommand("create", "create archive from FASTA files (the first is the reference)");
    create->add_option("inputs", co.inputs, "reference FASTA, then sample FASTA files (plain or gzipped)");
    create->add_flag("-a", co.adaptive, "adaptive mode (new splitters from samples without any)");
    create->add_option("-b", co.pack_cardinality, "batch size (default: 50; min: 1; max: 1000000000)");
    create->add_flag("-c", co.concatenated, "concatenated genomes in a single file (one sample per record)");
    create->add_flag("-d", co.no_cmd_line, "do not store cmd-line (no effect: v3 archives never store it)");
    create->add_option("-f", co.fallback, "fraction of fall-back minimizers (default: 0; min: 0; max: 0.05)");
    create->add_option("-i", co.list_file, "file with FASTA file names (alternative to listing file names explicitly)");
    create->add_option("-k", co.k, "k-mer length (default: 31; min: 17; max: 32)");
    create->add_option("-l", co.min_match_len, "min. match length (default: 20; min: 15; max: 32)");
    create->add_option("-o", co.output, "output to file (default: output is sent to stdout)");
    create->add_option("-s", co.segment_size, "expected segment size (default: 60000; min: 100; max: 1000000)");
    create->add_option("-t", co.threads, threads_help());
    create->add_option("-v", co.verbosity, "verbosity level (default: 0; min: 0; max: 2)");
    create->add_option("--max-memory", co.max_memory_mib, memory_help())->check(CLI::PositiveNumber);


    CreateOptions ao;
    auto* append = app.add_subcommand("append", "add samples to an archive, writing a new one");
    append->add_option("inputs", ao.inputs, "input archive, then FASTA files to add");
    append->add_flag("-a", ao.adaptive, "adaptive mode (not implemented yet for append)");
    append->add_flag("-c", ao.concatenated, "concatenated genomes in a single file (one sample per record)");
    append->add_flag("-d", ao.no_cmd_line, "do not store cmd-line (no effect: v3 archives never store it)");
    append->add_option("-f", ao.fallback, "fraction of fall-back minimizers (default: 0; min: 0; max: 0.05)");
    append->add_option("-i", ao.list_file, "file with FASTA file names");
    append->add_option("-o", ao.output, "output archive (default: output is sent to stdout)");
    append->add_option("-t", ao.threads, threads_help());
    append->add_option("-v", ao.verbosity, "verbosity level (default: 0; min: 0; max: 2)");
    append->add_option("--max-memory", ao.max_memory_mib, memory_help())->check(CLI::PositiveNumber);

    auto* getcol = app.add_subcommand("getcol", "extract all samples");
    add_archive(getcol, ro);
    add_extract_options(getcol, ro);
    getcol->add_option("-o", ro.output, "output to files at path (default: output is sent to stdout)");
    getcol->add_flag("-f", ro.fast, "fast mode (needs more RAM)");
    getcol->add_flag("-r", ro.no_reference, "without reference");

    auto* getset = add_selective_extract(app, ro, "getset", "extract sample(s)", "sample", "sample name(s)",
                                         "disable file prefetching (useful for small genomes)");
    auto* getctg = add_selective_extract(
        app, ro, "getctg", "extract contig(s): name, name@sample, name:from-to, name@sample:from-to", "contig",
        "contig query/queries", "disable file prefetching (useful for short queries)");

    auto* listref = app.add_subcommand("listref", "list reference sample name");
    add_archive(listref, ro);
    add_output(listref, ro, "output to file (default: output is sent to stdout)");

    auto* listset = app.add_subcommand("listset", "list sample names (sorted)");
    add_archive(listset, ro);
    add_output(listset, ro, "output to file (default: output is sent to stdout)");

    auto* listctg = app.add_subcommand("listctg", "list contig names of sample(s)");
    add_archive(listctg, ro);
    listctg->add_option("sample", ro.names, "sample name(s)")->required();
    add_output(listctg, ro, "output to file (default: output is sent to stdout)");

    auto* info = app.add_subcommand("info", "show archive parameters (on stderr, as AGC)");
    add_archive(info, ro);
    add_output(info, ro, "ignored (AGC compatibility)");
    info->add_option("-v", ro.verbosity, "verbosity level; 1 also lists file_type_info");

    std::vector<std::string> inspect_files;
    bool inspect_groups = false, inspect_diff = false;
    uint32_t inspect_top = 10;
    auto* inspect = app.add_subcommand("inspect", "show what an archive holds; with --diff, compare two archives");
    inspect->add_option("archives", inspect_files, "archive (or two with --diff)")->required()->expected(1, 2);
    inspect->add_flag("--groups", inspect_groups, "list every segment group");
    inspect->add_option("--top", inspect_top, "number of largest groups listed (default: 10)");
    inspect->add_flag("--diff", inspect_diff,
                      "compare two archives: exit 0 if identical or logically identical, 1 if different");

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e);
    }

    try {
        if (inspect->parsed()) {
            if (inspect_diff) {
                if (inspect_files.size() != 2) throw Error("inspect --diff needs two archives");
                auto r = diff_archives(inspect_files[0], inspect_files[1]);
                print_diff(r, std::cout);
                return r.identical() ? 0 : 1;
            }
            if (inspect_files.size() != 1) throw Error("inspect takes one archive (two with --diff)");
            InspectOptions opt;
            opt.all_groups = inspect_groups;
            opt.top_groups = inspect_top;
            inspect_archive(inspect_files[0], std::cout, opt);
            return 0;
        }
        if (create->parsed()) return run_create(co);
        if (append->parsed()) return run_append(ao);
        if (getcol->parsed()) return run_getcol(ro);
        if (getset->parsed()) return run_getset(ro);
        if (getctg->parsed()) return run_getctg(ro);
        if (listref->parsed()) return run_listref(ro);
        if (listset->parsed()) return run_listset(ro);
        if (listctg->parsed()) return run_listctg(ro);
        if (info->parsed()) return run_info(ro);
    } catch (const agcflow::Error& e) {
        std::fflush(stdout);
        std::cerr << "agc-flow: " << e.what() << '\n';
        return 1;
    } catch (const std::exception& e) {
        std::cerr << "agc-flow: internal error: " << e.what() << '\n';
        return 2;
    }
    return 0;
}
