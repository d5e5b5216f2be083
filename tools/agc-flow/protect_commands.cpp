#include "tools/agc-flow/protect_commands.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <thread>

#include "agcflow/agcflow.hpp"

namespace {

constexpr uint64_t kMiB = uint64_t(1) << 20;
constexpr size_t kRangesShown = 20;  // without -v

std::string bytes_text(uint64_t n) {
    char buf[64];
    if (n < 1000) std::snprintf(buf, sizeof buf, "%llu bytes", static_cast<unsigned long long>(n));
    else if (n < 1000000) std::snprintf(buf, sizeof buf, "%.1f kB", n / 1e3);
    else if (n < 1000000000) std::snprintf(buf, sizeof buf, "%.1f MB", n / 1e6);
    else std::snprintf(buf, sizeof buf, "%.2f GB", n / 1e9);
    return buf;
}

std::string sidecar_of(const ProtectArgs& a) { return a.sidecar.empty() ? a.file + ".rq" : a.sidecar; }

agcflow::Session session_for(const ProtectArgs& a) {
    agcflow::SessionOptions s;
    s.threads = std::clamp(a.threads, 1u, std::max(16u, std::thread::hardware_concurrency()));
    s.max_memory = std::min<uint64_t>(a.max_memory_mib, UINT64_MAX / kMiB) * kMiB;
    if (::isatty(STDERR_FILENO)) {
        const auto start = std::chrono::steady_clock::now();
        s.progress = [start](const agcflow::Progress& p) {
            const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
            std::cerr << '\r' << p.operation << ": " << p.done / 1000000 << " MB";
            if (p.total) std::cerr << " of " << p.total / 1000000 << " MB";
            std::cerr << ", " << static_cast<int>(secs) << " s   " << std::flush;
            return true;
        };
    }
    s.message = [](agcflow::MessageLevel, std::string_view m) { std::cerr << "agc-flow: " << m << '\n'; };
    return agcflow::Session(std::move(s));
}

void end_progress_line() {
    if (::isatty(STDERR_FILENO)) std::cerr << "\r\033[K" << std::flush;
}

agcflow::ProtectOptions options_for(const ProtectArgs& a) {
    agcflow::ProtectOptions o;
    o.redundancy = a.redundancy;
    o.sidecar = a.sidecar;
    return o;
}

void add_common(CLI::App* cmd, ProtectArgs& a) {
    cmd->add_option("file", a.file, "the file (an archive or any other)")->required();
    cmd->add_option("-t", a.threads, "no. of threads (blocks coded at once)");
    cmd->add_option("--max-memory", a.max_memory_mib, "memory budget in MiB (default: half the RAM)")
        ->check(CLI::PositiveNumber);
    cmd->add_option("--sidecar", a.sidecar, "the sidecar's path (default: FILE.rq)");
}

// The damage report, as verify and repair print it.
void print_damage(const ProtectArgs& a, const agcflow::DamageReport& r) {
    const std::string& f = a.file;
    if (r.intact) {
        std::cout << f << ": intact (" << r.file_size << " bytes match the SHA-256 in " << sidecar_of(a) << ")\n";
    } else {
        std::cout << f << ": damaged: ";
        if (r.damaged_bytes)
            std::cout << bytes_text(r.damaged_bytes) << " in " << r.damaged_ranges << " range"
                      << (r.damaged_ranges == 1 ? "" : "s") << " (" << r.blocks_damaged << " of " << r.layout.blocks
                      << " blocks)";
        if (r.appended_bytes) std::cout << (r.damaged_bytes ? "; " : "") << r.appended_bytes << " bytes appended after its end";
        if (r.unchecked_bytes)
            std::cout << (r.damaged_bytes || r.appended_bytes ? "; " : "") << bytes_text(r.unchecked_bytes)
                      << " unchecked (their checksums are damaged in the sidecar)";
        if (!r.damaged_bytes && !r.appended_bytes && !r.unchecked_bytes)
            std::cout << "its SHA-256 differs, but no symbol checksum shows where";
        std::cout << '\n';
        const size_t shown = a.verbose ? r.damaged.size() : std::min(r.damaged.size(), kRangesShown);
        for (size_t i = 0; i < shown; ++i) {
            const auto& d = r.damaged[i];
            const bool missing = d.begin >= r.file_size;
            std::cout << "  " << (missing ? "missing" : "damaged") << " bytes " << d.begin << "-" << d.end - 1 << " ("
                      << d.end - d.begin << " bytes)" << (missing ? ", beyond the end of the file now" : "") << '\n';
        }
        if (shown < r.damaged.size()) std::cout << "  ... and " << r.damaged.size() - shown << " more ranges (-v lists all)\n";
    }
    if (r.sidecar_damaged) {
        std::cout << sidecar_of(a) << ": damaged";
        if (r.sidecar_bad_records) std::cout << " (" << r.sidecar_bad_records << " of " << r.sidecar_records << " repair symbols)";
        std::cout << '\n';
    }
    if (!r.intact) {
        if (r.repairable)
            std::cout << "repairable: yes (agc-flow repair " << f << ")\n";
        else if (r.damaged_bytes || r.unchecked_bytes)
            std::cout << "repairable: no: " << r.blocks_beyond << " of " << r.blocks_damaged
                      << " damaged blocks have more damage than their intact repair symbols (" << r.layout.redundancy
                      << "% redundancy); " << bytes_text(r.recoverable_bytes) << " of the damage could be recovered\n";
        else
            std::cout << "repairable: no\n";
    } else if (r.sidecar_damaged) {
        std::cout << "repairable: yes (agc-flow repair " << f << " writes the sidecar again)\n";
    }
}

int run_protect(const ProtectArgs& a) {
    agcflow::Session session = session_for(a);
    const agcflow::ProtectInfo i = agcflow::protect(session, a.file, options_for(a));
    end_progress_line();
    if (a.verbose)
        std::cerr << "agc-flow: " << sidecar_of(a) << ": " << i.sidecar_size << " bytes; " << i.symbols << " symbols of "
                  << i.symbol_size << " bytes in " << i.blocks << " blocks of up to " << i.block_symbols << ", "
                  << i.repair_symbols << " repair symbols each\n";
    return 0;
}

// verify: 0 intact, 1 damaged, 2 an error.
int run_verify(const ProtectArgs& a) {
    try {
        agcflow::Session session = session_for(a);
        std::error_code ec;
        if (!std::filesystem::exists(sidecar_of(a), ec) && std::filesystem::is_regular_file(a.file, ec)) {
            // No sidecar: an archive is checked through and through.
            try {
                agcflow::check_archive(session, a.file);
            } catch (const agcflow::Exception& e) {
                end_progress_line();
                if (e.status() != agcflow::Status::corrupt && e.status() != agcflow::Status::unsupported &&
                    e.status() != agcflow::Status::no_memory)
                    throw;
                std::cout << a.file << ": damaged: " << e.what() << " (no sidecar " << sidecar_of(a)
                          << ": checked as an archive)\n";
                return 1;
            }
            end_progress_line();
            std::cout << a.file << ": consistent (no sidecar " << sidecar_of(a)
                      << ": checked as an archive: every structure and part read, every contig rebuilt)\n";
            return 0;
        }
        const agcflow::DamageReport r = agcflow::verify(session, a.file, options_for(a));
        end_progress_line();
        print_damage(a, r);
        return r.intact && !r.sidecar_damaged ? 0 : 1;
    } catch (const agcflow::Exception& e) {
        end_progress_line();
        std::fflush(stdout);
        std::cerr << "agc-flow: " << e.what() << '\n';
        return 2;
    }
}

// repair: 0 repaired (or nothing to repair), 1 damage beyond the redundancy, 2 an error.
int run_repair(const ProtectArgs& a) {
    try {
        agcflow::Session session = session_for(a);
        const agcflow::DamageReport r = agcflow::repair(session, a.file, a.output, options_for(a));
        end_progress_line();
        if (r.refused) {
            print_damage(a, r);
            std::cerr << "agc-flow: " << r.refused_because << "; nothing was written\n";
            return 1;
        }
        const std::string out = a.output.empty() ? a.file : a.output;
        if (r.file_repaired)
            std::cout << out << ": repaired (" << bytes_text(r.damaged_bytes + r.unchecked_bytes) << " rebuilt"
                      << (r.appended_bytes ? ", " + std::to_string(r.appended_bytes) + " appended bytes cut" : "")
                      << "; SHA-256 checked)\n";
        else if (!a.output.empty())
            std::cout << out << ": written (" << a.file << " is intact)\n";
        else
            std::cout << a.file << ": intact, nothing to repair\n";
        if (r.sidecar_rewritten) std::cout << sidecar_of(a) << ": damaged, written again\n";
        return 0;
    } catch (const agcflow::Exception& e) {
        end_progress_line();
        std::fflush(stdout);
        std::cerr << "agc-flow: " << e.what() << '\n';
        return 2;
    }
}

}  // namespace

ProtectCommands add_protect_commands(CLI::App& app, ProtectArgs& args) {
    ProtectCommands c;
    c.protect = app.add_subcommand("protect", "write FILE.rq: RaptorQ repair data for FILE (any file)");
    add_common(c.protect, args);
    c.protect->add_option("-r", args.redundancy, "redundancy: repair data in percent of FILE's size (default: 10; min: 1; max: 100)")
        ->check(CLI::Range(1, 100));
    c.protect->add_flag("-v", args.verbose, "print the sidecar's layout");
    c.verify = app.add_subcommand("verify", "check FILE against FILE.rq (without one: check an archive through); exit 0 intact, 1 damaged, 2 error");
    add_common(c.verify, args);
    c.verify->add_flag("-v", args.verbose, "list every damaged range");
    c.repair = app.add_subcommand("repair", "restore FILE's exact bytes from FILE.rq; exit 0 done, 1 damage beyond repair, 2 error");
    add_common(c.repair, args);
    c.repair->add_option("-o", args.output, "write the repaired file here (default: repair FILE in place)");
    c.repair->add_flag("-v", args.verbose, "list every damaged range when refusing");
    return c;
}

int run_protect_command(const ProtectCommands& c, const ProtectArgs& args) {
    if (c.protect->parsed()) return run_protect(args);
    if (c.verify->parsed()) return run_verify(args);
    return run_repair(args);
}
