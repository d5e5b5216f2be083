// Helpers shared by the tests: fixture paths, temporary folders, running the CLI.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace agcflow::test {

// Built with a sanitizer (AGCFLOW_SANITIZE): tests of memory bounds are skipped.
#ifdef AGCFLOW_SANITIZED
inline constexpr bool kSanitized = true;
#else
inline constexpr bool kSanitized = false;
#endif
#define AGCFLOW_SKIP_WHEN_SANITIZED() \
    if (::agcflow::test::kSanitized) GTEST_SKIP() << "memory bounds are not measured under a sanitizer"

// ../shared/fixtures/<name>
std::filesystem::path fixture(const std::string& name);
// The inputs a fixture folder's inputs.txt lists (files in its input/), in order.
std::vector<std::string> fixture_inputs(const std::string& folder);

// The inputs of fixtures/syn-small (in its input/ folder), reference first, as its COMMANDS list them.
inline const std::vector<std::string> kSynSmallInputs = {"ref.fa",      "sample00.fa",    "sample01.fa",   "sample02.fa",
                                                         "sample03.fa", "sample04.fa.gz", "sample05.fa.gz"};

std::string read_file(const std::filesystem::path& p);
void write_file(const std::filesystem::path& p, const std::string& bytes);

// A fresh temporary directory, removed when the object goes away.
class TempDir {
public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::filesystem::path& path() const { return path_; }
    std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

private:
    std::filesystem::path path_;
};

struct CliResult {
    int exit_code = -1;
    std::string out;  // stdout bytes
    std::string err;  // stderr bytes
    long peak_rss_kib = 0;  // the program's peak resident set size
};

// Runs a program with the given arguments (no shell), in `cwd` when not empty, with standard
// input from `stdin_file` (/dev/null when empty).
// A run longer than `timeout_seconds` (0: none) is killed by SIGALRM (exit_code 128 + 14).
CliResult run_program(const std::string& program, const std::vector<std::string>& args,
                      const std::filesystem::path& cwd = {}, const std::filesystem::path& stdin_file = {},
                      unsigned timeout_seconds = 0);
// The agc-flow binary, and the collection generator tools/gen-collection.
inline CliResult run_cli(const std::vector<std::string>& args, const std::filesystem::path& cwd = {},
                         const std::filesystem::path& stdin_file = {}, unsigned timeout_seconds = 0) {
    return run_program(AGCFLOW_CLI_PATH, args, cwd, stdin_file, timeout_seconds);
}
inline CliResult run_generator(const std::vector<std::string>& args) { return run_program(AGCFLOW_GEN_PATH, args); }

// (header, sequence) of each record, in order; sequence lines joined.
std::vector<std::pair<std::string, std::string>> parse_fasta(const std::string& text);

}  // namespace agcflow::test
