// Helpers shared by the tests: fixture paths, temporary folders, running the CLI.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace agcflow::test {

// ../shared/fixtures/<name>
std::filesystem::path fixture(const std::string& name);

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
};

// Runs the agc-flow binary with the given arguments (no shell), in `cwd` when not empty.
CliResult run_cli(const std::vector<std::string>& args, const std::filesystem::path& cwd = {});

}  // namespace agcflow::test
