// agc-flow: the command-line program, a client of the public C++ API (agcflow/agcflow.hpp)
// only. It parses AGC's command lines (same commands, options and defaults: numeric options
// clamped into their range, a repeated option's last value taken) and prints what AGC prints.
// `inspect`, a developer's tool, reads archives through the internals (inspect.cpp).
#include <CLI/CLI.hpp>
#ifndef AGCFLOW_NO_MIMALLOC
#include <mimalloc.h>
#endif
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>
#include <thread>

#include "agcflow/agcflow.hpp"
#include "tools/agc-flow/huge_pages.h"
#include "tools/agc-flow/inspect_command.h"
#include "tools/agc-flow/protect_commands.h"

namespace {

constexpr uint64_t kMiB = uint64_t(1) << 20;

// AGC clamps numeric options into their range instead of rejecting them; so do we.
template <typename T>
T clamp_option(T v, T lo, T hi) {
    return std::min(std::max(v, lo), hi);
}

uint64_t physical_memory() {
    const long pages = ::sysconf(_SC_PHYS_PAGES), page = ::sysconf(_SC_PAGESIZE);
    return pages > 0 && page > 0 ? uint64_t(pages) * uint64_t(page) : uint64_t(8) << 30;
}

std::string memory_help() {
    return "memory budget in MiB: sets the splitter phase's passes and the data in flight; group data "
           "grows with the collection on top of it (default: half the RAM, " +
           std::to_string(std::max<uint64_t>(physical_memory() / 2, 256 * kMiB) / kMiB) + ")";
}

uint64_t memory_bytes(uint64_t mib) { return std::min<uint64_t>(mib, UINT64_MAX / kMiB) * kMiB; }

uint32_t default_threads() { return std::max(1u, std::thread::hardware_concurrency() / 2); }
uint32_t max_threads() { return std::max(16u, std::thread::hardware_concurrency()); }

std::string threads_help() {
    return "no. of threads (default: " + std::to_string(default_threads()) + "; min: 1; max: " +
           std::to_string(max_threads()) + ")";
}

void print_message(std::string_view m) { std::cerr << "agc-flow: " << m << '\n'; }

// ---- the read commands ------------------------------------------------------------------------

struct ReadOptions {
    std::string archive;
    std::vector<std::string> names;
    std::string output;
    std::string regions;
    uint32_t threads = default_threads();
    uint32_t line_length = 80;
    uint32_t gzip_level = 0;
    uint32_t verbosity = 0;
    bool no_prefetch = false;
    bool streaming = false;
    bool no_reference = false;
    bool fast = false;
    bool sample_in_name = false;
    uint64_t max_memory_mib = 0;

    agcflow::SessionOptions session(bool raw_warnings) const {
        agcflow::SessionOptions s;
        s.threads = clamp_option(threads, 1u, max_threads());
        s.max_memory = memory_bytes(max_memory_mib);
        // AGC prints getctg's range warnings as they are, on stderr.
        s.message = [raw_warnings](agcflow::MessageLevel, std::string_view m) {
            if (raw_warnings)
                std::cerr << m << '\n';
            else
                print_message(m);
        };
        return s;
    }
    agcflow::FastaOptions fasta() const {
        agcflow::FastaOptions f;
        f.line_length = clamp_option(line_length, 40u, 2'000'000'000u);
        f.gzip_level = clamp_option(gzip_level, 0u, 9u);
        f.streaming = streaming;
        f.skip_reference = no_reference;
        f.sample_in_name = sample_in_name;
        return f;
    }
    agcflow::Output out() const { return output.empty() ? agcflow::Output::stdout_stream() : agcflow::Output::path(output); }
};

void add_archive(CLI::App* cmd, ReadOptions& o) { cmd->add_option("archive", o.archive, "input archive (.agc)")->required(); }

void add_extract_options(CLI::App* cmd, ReadOptions& o) {
    cmd->add_option("-g", o.gzip_level, "optional gzip with given level (default: 0; min: 0; max: 9)");
    cmd->add_option("-l", o.line_length, "line length (default: 80; min: 40; max: 2000000000)");
    cmd->add_option("-t", o.threads, threads_help());
    cmd->add_option("-v", o.verbosity, "verbosity level (default: 0; min: 0; max: 2)");
    cmd->add_option("--max-memory", o.max_memory_mib, memory_help())->check(CLI::PositiveNumber);
}

CLI::App* add_selective_extract(CLI::App& app, ReadOptions& o, const std::string& name, const std::string& help,
                                const std::string& what, const std::string& what_help, const std::string& prefetch_help) {
    auto* cmd = app.add_subcommand(name, help);
    add_archive(cmd, o);
    cmd->add_option(what, o.names, what_help);
    add_extract_options(cmd, o);
    cmd->add_option("-o", o.output, "output to file (default: output is sent to stdout)");
    cmd->add_flag("-p", o.no_prefetch, prefetch_help);
    cmd->add_flag("-s", o.streaming, "enable streaming mode (slower but needs less memory)");
    return cmd;
}

int run_getset(const ReadOptions& o) {
    if (o.names.empty()) throw agcflow::Exception(agcflow::Status::argument, "getset needs sample names");
    agcflow::Session session(o.session(false));
    agcflow::Archive(session, o.archive).write_samples(o.names, o.out(), o.fasta());
    return 0;
}

int run_getcol(const ReadOptions& o) {
    agcflow::Session session(o.session(false));
    agcflow::Archive archive(session, o.archive);
    if (o.output.empty())
        archive.write_collection(agcflow::Output::stdout_stream(), o.fasta());
    else
        archive.write_collection_files(o.output, o.fasta());
    return 0;
}

int run_getctg(const ReadOptions& o) {
    if (o.names.empty() == o.regions.empty())
        throw agcflow::Exception(agcflow::Status::argument,
                                 o.names.empty() ? "getctg needs contig queries or --regions FILE"
                                                 : "getctg takes contig queries or --regions FILE, not both");
    agcflow::Session session(o.session(true));
    agcflow::Archive archive(session, o.archive);
    if (!o.regions.empty())
        archive.write_regions(o.regions, o.out(), o.fasta());
    else
        archive.write_queries(o.names, o.out(), o.fasta());
    return 0;
}

// A listing, written as one output (a file appears only complete).
void write_text(const ReadOptions& o, const std::string& text) { agcflow::write(o.out(), text); }

int run_listref(const ReadOptions& o) {
    agcflow::Session session;
    write_text(o, agcflow::Archive(session, o.archive).reference());  // no newline, as AGC
    return 0;
}

int run_listset(const ReadOptions& o) {
    agcflow::Session session;
    auto names = agcflow::Archive(session, o.archive).samples();
    std::sort(names.begin(), names.end());
    std::string text;
    for (const auto& n : names) text += n + "\n";
    write_text(o, text);
    return 0;
}

int run_listctg(const ReadOptions& o) {
    agcflow::Session session;
    agcflow::Archive archive(session, o.archive);
    std::string text;
    for (const auto& name : o.names) {
        text += name + "\n";
        for (const auto& c : archive.contigs(name)) text += "   " + c + "\n";
    }
    write_text(o, text);
    return 0;
}

int run_info(const ReadOptions& o) {
    agcflow::Session session;
    agcflow::Archive archive(session, o.archive);
    const auto info = archive.info();
    std::string text;
    text += "No. samples      : " + std::to_string(info.samples) + "\n";
    text += "k-mer length     : " + std::to_string(info.k) + "\n";
    text += "Min. match length: " + std::to_string(info.min_match_length) + "\n";
    if (info.segment_size) text += "Segment size     : " + std::to_string(info.segment_size) + "\n";
    text += "Batch size       : " + std::to_string(info.batch_size) + "\n";
    text += "Reference name   : " + (info.samples ? archive.reference() : std::string()) + "\n";
    text += "Command lines:\n";
    for (const auto& c : archive.command_lines()) text += c.date + " : " + c.command + "\n";
    if (o.verbosity > 0) {
        text += "File type info:\n";
        for (const auto& [k, v] : archive.metadata()) text += "  " + k + " : " + v + "\n";
    }
    std::cerr << text;  // AGC prints info to stderr
    return 0;
}

// ---- create and append ------------------------------------------------------------------------

struct CreateOptions {
    std::vector<std::string> inputs;  // positional: reference first (append: the archive first)
    std::string list_file;            // -i
    std::string output;
    uint32_t k = 31, min_match_len = 20, pack_cardinality = 0, segment_size = 60000;  // -b: read when given
    uint32_t threads = default_threads();
    uint32_t verbosity = 0;
    double fallback = 0.0;
    bool adaptive = false, concatenated = false, no_cmd_line = false, checksums = false;
    bool pack_cardinality_given = false;  // -b (as AGC, -b 0 means 1)
    uint32_t protect = 0;  // --protect[=PERCENT]
    uint64_t max_memory_mib = 0;
    std::string preset = "agc";  // --preset
    std::string trace;           // --trace FILE
};

std::vector<std::string> read_name_list(const std::string& path) {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec))
        throw agcflow::Exception(agcflow::Status::io, "cannot read input list " + path + ": it is a directory");
    std::ifstream in(path);
    if (!in) throw agcflow::Exception(agcflow::Status::io, "cannot open input list " + path);
    std::vector<std::string> names;
    for (std::string w; in >> w;) names.push_back(w);
    if (in.bad()) throw agcflow::Exception(agcflow::Status::io, "cannot read input list " + path);
    if (names.empty()) throw agcflow::Exception(agcflow::Status::input, "input list " + path + " names no files");
    return names;
}

// AGC's order: the first positional, then the names from -i, then the other positionals;
// repeated names dropped (AGC drops a file name it has seen, keeping the first).
std::vector<std::string> input_files(const std::vector<std::string>& positional, const std::string& list_file) {
    std::vector<std::string> files;
    if (!positional.empty()) files.push_back(positional.front());
    if (!list_file.empty())
        for (auto& n : read_name_list(list_file)) files.push_back(n);
    if (!positional.empty()) files.insert(files.end(), positional.begin() + 1, positional.end());
    std::vector<std::string> unique;
    std::set<std::string> seen;
    for (auto& f : files)
        if (seen.insert(f).second) unique.push_back(f);
    return unique;
}

// Progress on stderr: a line kept up to date on a terminal, a line per sample with -v.
std::function<bool(const agcflow::Progress&)> progress_display(bool verbose) {
    const bool tty = ::isatty(STDERR_FILENO);
    if (!tty && !verbose) return {};
    const auto start = std::chrono::steady_clock::now();
    return [=](const agcflow::Progress& p) {
        const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        const double rate = secs > 0 ? static_cast<double>(p.bases) / secs / 1e6 : 0.0;
        const std::string line = "samples " + std::to_string(p.done) + "/" + std::to_string(p.total) + ", " +
                                 std::to_string(p.bases / 1000000) + " Mb, " + std::to_string(static_cast<int>(rate)) +
                                 " Mb/s, " + std::to_string(static_cast<int>(secs)) + " s";
        std::cerr << (tty ? "\r" : "") << line << (tty ? (p.done == p.total ? "\n" : "") : "\n") << std::flush;
        return true;
    };
}

agcflow::Session create_session(const CreateOptions& o) {
    agcflow::SessionOptions s;
    s.threads = clamp_option(o.threads, 1u, max_threads());
    s.max_memory = memory_bytes(o.max_memory_mib);
    s.progress = progress_display(o.verbosity > 0);
    s.message = [](agcflow::MessageLevel, std::string_view m) { print_message(m); };
    return agcflow::Session(std::move(s));
}

agcflow::CreateOptions create_options(const CreateOptions& o) {
    agcflow::CreateOptions c;
    c.k = clamp_option(o.k, 17u, 32u);
    c.min_match_length = clamp_option(o.min_match_len, 15u, 32u);
    c.batch_size = o.pack_cardinality_given ? clamp_option(o.pack_cardinality, 1u, 1'000'000'000u) : 0;
    c.segment_size = clamp_option(o.segment_size, 100u, 1'000'000u);
    c.verbosity = clamp_option(o.verbosity, 0u, 2u);
    c.concatenated = o.concatenated;
    c.adaptive = o.adaptive;
    c.fallback_fraction = clamp_option(o.fallback, 0.0, 0.05);
    c.checksums = o.checksums;
    c.protect = o.protect;
    c.preset = o.preset == "fast" ? AGCFLOW_PRESET_FAST : o.preset == "max" ? AGCFLOW_PRESET_MAX : AGCFLOW_PRESET_AGC;
    c.trace = o.trace;
    return c;
}

agcflow::Output archive_output(const std::string& path) {
    return path.empty() ? agcflow::Output::stdout_stream() : agcflow::Output::path(path);
}

// A sidecar left from an earlier archive at the output's path no longer matches it: said once.
void warn_of_stale_sidecar(const CreateOptions& o) {
    std::error_code ec;
    if (o.protect || o.output.empty() || !std::filesystem::exists(o.output + ".rq", ec)) return;
    print_message("warning: " + o.output + ".rq was written for an earlier " + o.output +
                  " and does not match it now (agc-flow protect " + o.output + " writes it anew)");
}

int run_create(const CreateOptions& o) {
    if (o.inputs.empty()) throw agcflow::Exception(agcflow::Status::argument, "create needs a reference FASTA file");
    const auto files = input_files(o.inputs, o.list_file);
    agcflow::Session session = create_session(o);
    agcflow::create(session, archive_output(o.output), files, create_options(o));
    warn_of_stale_sidecar(o);
    return 0;
}

int run_append(const CreateOptions& o) {
    if (o.inputs.empty()) throw agcflow::Exception(agcflow::Status::argument, "append needs an input archive");
    if (o.output.empty() && ::isatty(STDOUT_FILENO))
        throw agcflow::Exception(agcflow::Status::argument, "append writes a new archive: give -o out.agc");
    const std::vector<std::string> fasta(o.inputs.begin() + 1, o.inputs.end());
    std::vector<std::string> files;
    if (!fasta.empty() || !o.list_file.empty()) files = input_files(fasta, o.list_file);
    agcflow::Session session = create_session(o);
    agcflow::append(session, o.inputs.front(), archive_output(o.output), files, create_options(o));
    warn_of_stale_sidecar(o);
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    // mimalloc (linked in, replacing malloc) on 2 MiB pages: create's large, short-lived
    // buffers otherwise cost a page fault per 4 KiB and TLB misses (measured: create 19.6 ->
    // 15.9 s on a 528 MB collection, for ~30% more peak RSS). Set before anything allocates.
    // Not where the pages go back to a VM's host when freed (huge_pages.h: there the 2 MiB
    // pages made create 11-14% slower), nor when MIMALLOC_LARGE_OS_PAGES says otherwise.
#ifndef AGCFLOW_NO_MIMALLOC
    if (!std::getenv("MIMALLOC_LARGE_OS_PAGES") && agcflow::cli::huge_pages_pay())
        mi_option_enable(mi_option_large_os_pages);
    // Freed memory is kept for reuse rather than given back to the OS (the delay is an hour):
    // samples come and go every fraction of a second, and each return was paid again in page
    // faults. On a 260 MB create at -t 1, mimalloc's default 25 ms gave sys 0.5 s; 500 ms gave
    // 0.2 s and 19,000 faults; never, 17,000 faults and 5.47 -> 5.34 s of wall time, for +0.3%
    // peak RSS (the peak comes before the freed memory would have gone back).
    mi_option_set(mi_option_decommit_delay, 3600000);
    mi_option_set(mi_option_segment_decommit_delay, 3600000);
#endif
    // A file-size limit (ulimit -f) makes write() fail with EFBIG, reported as an error, rather
    // than kill the process with SIGXFSZ; a closed pipe likewise gives EPIPE.
    std::signal(SIGXFSZ, SIG_IGN);

    CLI::App app{"agc-flow " + agcflow::version() +
                 ": a fast, AGC 3.2-compatible compressor for collections of assembled genomes"};
    app.require_subcommand(1);
    app.set_version_flag("--version", "agc-flow " + agcflow::version());
    // As AGC: a repeated option's last value counts.
    app.option_defaults()->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);

    ReadOptions ro;
    CreateOptions co;

    auto* create = app.add_subcommand("create", "create archive from FASTA files (the first is the reference)");
    create->add_option("inputs", co.inputs, "reference FASTA, then sample FASTA files (plain or gzipped)");
    create->add_flag("-a", co.adaptive, "adaptive mode (new splitters from samples without any)");
    create->add_option("-b", co.pack_cardinality, "batch size (default: 50, 500 with --preset max; min: 1; max: 1000000000)")
        ->each([&co](const std::string&) { co.pack_cardinality_given = true; });
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
    create->add_flag("--checksums", co.checksums,
                     "self-verifying archive: every part checksummed (AGC still reads it; agc-flow checks every part it reads)");
    create->add_option("--preset", co.preset,
                       "agc (default: AGC's archive), fast (low zstd levels) or max (the highest); AGC reads all three")
        ->check(CLI::IsMember({"agc", "fast", "max"}));

    CreateOptions ao;
    auto* append = app.add_subcommand("append", "add samples to an archive, writing a new one");
    append->add_option("inputs", ao.inputs, "input archive, then FASTA files to add");
    append->add_flag("-a", ao.adaptive, "adaptive mode (new splitters from samples without any)");
    append->add_flag("-c", ao.concatenated, "concatenated genomes in a single file (one sample per record)");
    append->add_flag("-d", ao.no_cmd_line, "do not store cmd-line (no effect: v3 archives never store it)");
    append->add_option("-f", ao.fallback, "fraction of fall-back minimizers (default: 0; min: 0; max: 0.05)");
    append->add_option("-i", ao.list_file, "file with FASTA file names");
    append->add_option("-o", ao.output, "output archive (default: output is sent to stdout)");
    append->add_option("-t", ao.threads, threads_help());
    append->add_option("-v", ao.verbosity, "verbosity level (default: 0; min: 0; max: 2)");
    append->add_option("--max-memory", ao.max_memory_mib, memory_help())->check(CLI::PositiveNumber);
    append->add_flag("--checksums", ao.checksums, "self-verifying archive (kept anyway when the input archive has them)");
    for (auto [cmd, o] : {std::pair{create, &co}, std::pair{append, &ao}}) {
        cmd->add_flag("--protect{10}", o->protect,
                      "also write OUT.rq, RaptorQ repair data of the archive (--protect=PERCENT; default: 10)")
            ->check(CLI::Range(1, 100));
        cmd->add_option("--trace", o->trace, "write every task of the run to FILE as Chrome trace-event JSON (bench/scaling-model)");
    }

    ProtectArgs pa;
    const ProtectCommands protect_commands = add_protect_commands(app, pa);

    auto* getcol = app.add_subcommand("getcol", "extract all samples");
    add_archive(getcol, ro);
    add_extract_options(getcol, ro);
    getcol->add_option("-o", ro.output, "output to files at path (default: output is sent to stdout)");
    getcol->add_flag("-f", ro.fast, "fast mode (no effect: agc-flow always keeps decoded references and packs within --max-memory)");
    getcol->add_flag("-r", ro.no_reference, "without reference");

    auto* getset = add_selective_extract(app, ro, "getset", "extract sample(s)", "sample", "sample name(s)",
                                         "disable file prefetching (useful for small genomes)");
    auto* getctg = add_selective_extract(
        app, ro, "getctg", "extract contig(s): name, name@sample, name:from-to, name@sample:from-to", "contig",
        "contig query/queries", "disable file prefetching (useful for short queries)");
    getctg->add_option("--regions", ro.regions,
                       "BED file of regions (contig or contig@sample, 0-based start, exclusive end; - for stdin)");
    getctg->add_flag("--sample-in-name", ro.sample_in_name,
                     "headers <sample>#<contig name> (PanSN style), unless the name starts with <sample>#");

    auto* listref = app.add_subcommand("listref", "list reference sample name");
    add_archive(listref, ro);
    listref->add_option("-o", ro.output, "output to file (default: output is sent to stdout)");

    auto* listset = app.add_subcommand("listset", "list sample names (sorted)");
    add_archive(listset, ro);
    listset->add_option("-o", ro.output, "output to file (default: output is sent to stdout)");

    auto* listctg = app.add_subcommand("listctg", "list contig names of sample(s)");
    add_archive(listctg, ro);
    listctg->add_option("sample", ro.names, "sample name(s)")->required();
    listctg->add_option("-o", ro.output, "output to file (default: output is sent to stdout)");

    auto* info = app.add_subcommand("info", "show archive parameters (on stderr, as AGC)");
    add_archive(info, ro);
    info->add_option("-o", ro.output, "ignored (AGC compatibility)");
    info->add_option("-v", ro.verbosity, "verbosity level; 1 also lists file_type_info");

    InspectArgs inspect_args;
    auto* inspect = add_inspect_command(app, inspect_args);

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e);
    }

    try {
        if (inspect->parsed()) return run_inspect(inspect_args);
        if (protect_commands.parsed()) return run_protect_command(protect_commands, pa);
        if (create->parsed()) return run_create(co);
        if (append->parsed()) return run_append(ao);
        if (getcol->parsed()) return run_getcol(ro);
        if (getset->parsed()) {
            if (ro.names.empty()) throw agcflow::Exception(agcflow::Status::argument, "getset needs sample names");
            return run_getset(ro);
        }
        if (getctg->parsed()) return run_getctg(ro);
        if (listref->parsed()) return run_listref(ro);
        if (listset->parsed()) return run_listset(ro);
        if (listctg->parsed()) return run_listctg(ro);
        if (info->parsed()) return run_info(ro);
    } catch (const agcflow::Exception& e) {
        std::fflush(stdout);
        std::cerr << "agc-flow: " << e.what() << '\n';
        return e.status() == agcflow::Status::internal ? 2 : 1;
    } catch (const std::exception& e) {
        std::cerr << "agc-flow: internal error: " << e.what() << '\n';
        return 2;
    }
    return 0;
}
