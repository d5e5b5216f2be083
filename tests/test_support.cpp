#include "tests/test_support.h"

#include <cstdlib>

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace agcflow::test {

std::filesystem::path fixture(const std::string& name) {
    return std::filesystem::path(AGCFLOW_FIXTURES_DIR) / name;
}

std::vector<std::string> fixture_inputs(const std::string& folder) {
    std::ifstream in(fixture(folder) / "inputs.txt");
    std::vector<std::string> v;
    for (std::string w; in >> w;) v.push_back(w);
    return v;
}

std::string read_file(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read " + p.string());
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

void write_file(const std::filesystem::path& p, const std::string& bytes) {
    std::ofstream out(p, std::ios::binary);
    out << bytes;
    if (!out) throw std::runtime_error("cannot write " + p.string());
}

TempDir::TempDir() {
    static std::atomic<int> counter{0};
    auto base = std::filesystem::temp_directory_path();
    path_ = base / ("agcflow-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
}

TempDir::~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
}

static std::string slurp_fd(const std::filesystem::path& p) { return read_file(p); }

std::vector<std::pair<std::string, std::string>> parse_fasta(const std::string& text) {
    std::vector<std::pair<std::string, std::string>> recs;
    size_t p = 0;
    while (p < text.size()) {
        size_t eol = text.find('\n', p);
        std::string line = text.substr(p, eol == std::string::npos ? std::string::npos : eol - p);
        p = eol == std::string::npos ? text.size() : eol + 1;
        if (!line.empty() && line[0] == '>')
            recs.emplace_back(line.substr(1), "");
        else if (!recs.empty())
            recs.back().second += line;
    }
    return recs;
}

CliResult run_program(const std::string& program, const std::vector<std::string>& args,
                      const std::filesystem::path& cwd, const std::filesystem::path& stdin_file,
                      unsigned timeout_seconds) {
    TempDir io;
    auto out_path = io / "stdout";
    auto err_path = io / "stderr";
    auto rss_path = io / "rss";
    // Everything the child needs is made before fork: between fork and exec the child of a
    // multithreaded process may only make system calls (an allocation can wait forever for a
    // lock another thread held at the fork; seen under ASan with tests that run programs from
    // several threads). Through tests/rss_probe.c, which measures the program's own peak RSS.
    std::vector<std::string> copy{AGCFLOW_RSS_PROBE_PATH, rss_path.string(), std::to_string(timeout_seconds), program};
    copy.insert(copy.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : copy) argv.push_back(a.data());
    argv.push_back(nullptr);
    const std::string in_path = stdin_file.empty() ? std::string("/dev/null") : stdin_file.string();
    const std::string dir = cwd.string();
    pid_t pid = ::fork();
    if (pid < 0) throw std::runtime_error("fork failed");
    if (pid == 0) {
        int out = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        int err = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        int in = ::open(in_path.c_str(), O_RDONLY);
        ::dup2(in, 0);
        ::dup2(out, 1);
        ::dup2(err, 2);
        if (!dir.empty() && ::chdir(dir.c_str()) != 0) ::_exit(127);
        ::execv(argv[0], argv.data());
        ::_exit(127);
    }
    int status = 0;
    struct rusage usage {};
    ::wait4(pid, &status, 0, &usage);
    CliResult r;
    std::error_code ec;
    r.peak_rss_kib = std::filesystem::exists(rss_path, ec) ? std::atol(read_file(rss_path).c_str()) : -1;
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    r.out = slurp_fd(out_path);
    r.err = slurp_fd(err_path);
    return r;
}

}  // namespace agcflow::test
