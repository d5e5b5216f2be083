// agc-flow protect / verify / repair and create --protect as a user runs them: exit codes,
// the lines printed, a kill in the middle, the memory budget on a file larger than it.
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fcntl.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <random>
#include <set>
#include <thread>

#include "pipeline/memory_budget.h"
#include "stages/raptorq_block.h"
#include "tests/test_support.h"

extern char** environ;

namespace agcflow {
namespace {

namespace fs = std::filesystem;
using test::read_file;
using test::run_cli;
using test::write_file;

std::string random_text(size_t n, uint32_t seed) {
    std::mt19937_64 rng(seed);
    std::string s(n, '\0');
    for (size_t i = 0; i + 8 <= n; i += 8) {
        const uint64_t v = rng();
        std::memcpy(&s[i], &v, 8);
    }
    return s;
}

std::set<std::string> listing(const fs::path& dir) {
    std::set<std::string> names;
    for (const auto& e : fs::directory_iterator(dir)) names.insert(e.path().filename().string());
    return names;
}

// Runs agc-flow with `args` and kills it (SIGKILL) after `ms` milliseconds; true when it was
// still running then.
bool run_and_kill(const std::vector<std::string>& args, int ms) {
    std::vector<char*> argv{const_cast<char*>(AGCFLOW_CLI_PATH)};
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    pid_t pid = 0;
    const int rc = posix_spawn(&pid, AGCFLOW_CLI_PATH, &fa, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(ms));
    ::kill(pid, SIGKILL);
    int status = 0;
    ::waitpid(pid, &status, 0);
    return WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
}

class ProtectCli : public ::testing::Test {
protected:
    void SetUp() override {
        if (!raptorq_available()) GTEST_SKIP() << "built without liblcrq";
    }
    void make(size_t n, uint32_t seed = 3) {
        original = random_text(n, seed);
        write_file(file, original);
    }
    test::TempDir dir;
    fs::path file = dir / "data.bin";
    std::string f = file.string();
    std::string original;
};

TEST_F(ProtectCli, VerifyExitCodesAndReport) {
    make(1000000);
    auto p = run_cli({"protect", f});
    ASSERT_EQ(p.exit_code, 0) << p.err;
    EXPECT_EQ(p.out, "");
    auto v = run_cli({"verify", f});
    EXPECT_EQ(v.exit_code, 0) << v.err;
    EXPECT_EQ(v.out, f + ": intact (1000000 bytes match the SHA-256 in " + f + ".rq)\n");
    // Two symbols of 10,000 bytes damaged, the second at the end.
    std::string s = original;
    s[25000] ^= 1;
    s[999999] ^= 1;
    write_file(file, s);
    v = run_cli({"verify", f});
    EXPECT_EQ(v.exit_code, 1) << v.err;
    EXPECT_EQ(v.out, f + ": damaged: 20.0 kB in 2 ranges (1 of 1 blocks)\n"
                         "  damaged bytes 20000-29999 (10000 bytes)\n"
                         "  damaged bytes 990000-999999 (10000 bytes)\n"
                         "repairable: yes (agc-flow repair " + f + ")\n");
    // Cut short: a symbol partly there is damaged, one wholly gone is missing.
    fs::resize_file(file, 995000);
    v = run_cli({"verify", f});
    EXPECT_EQ(v.exit_code, 1);
    EXPECT_NE(v.out.find("  damaged bytes 990000-999999 (10000 bytes)\n"), std::string::npos) << v.out;
    fs::resize_file(file, 980000);
    v = run_cli({"verify", f});
    EXPECT_NE(v.out.find("  missing bytes 980000-999999 (20000 bytes), beyond the end of the file now\n"), std::string::npos)
        << v.out;
    // Errors: 2, one line.
    auto e = run_cli({"verify", (dir / "absent.bin").string()});
    EXPECT_EQ(e.exit_code, 2);
    EXPECT_EQ(e.err, "agc-flow: no sidecar " + (dir / "absent.bin.rq").string() + " (agc-flow protect " +
                         (dir / "absent.bin").string() + " writes it)\n");
    write_file(dir / "other.bin", "x");
    fs::create_directory(dir / "other.bin.rq");
    e = run_cli({"verify", (dir / "other.bin").string()});
    EXPECT_EQ(e.exit_code, 2);
    EXPECT_EQ(e.err, "agc-flow: cannot read " + (dir / "other.bin.rq").string() + ": Is a directory\n");
}

TEST_F(ProtectCli, RepairInPlaceAndIntoAFile) {
    make(3000000);
    ASSERT_EQ(run_cli({"protect", "-r", "20", f}).exit_code, 0);
    std::string s = original;
    std::fill(s.begin() + 100000, s.begin() + 400000, '\0');
    write_file(file, s);
    auto r = run_cli({"repair", f, "-o", (dir / "fixed.bin").string()});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, (dir / "fixed.bin").string() + ": repaired (330.0 kB rebuilt; SHA-256 checked)\n");
    EXPECT_TRUE(read_file(dir / "fixed.bin") == original);
    EXPECT_TRUE(read_file(file) == s);
    r = run_cli({"repair", f});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(read_file(file) == original);
    r = run_cli({"repair", f});
    EXPECT_EQ(r.exit_code, 0);
    EXPECT_EQ(r.out, f + ": intact, nothing to repair\n");
    EXPECT_EQ(listing(dir.path()), (std::set<std::string>{"data.bin", "data.bin.rq", "fixed.bin"}));
}

TEST_F(ProtectCli, RepairRefusesDamageBeyondTheRedundancy) {
    make(2000000);
    ASSERT_EQ(run_cli({"protect", f}).exit_code, 0);
    std::string s = original;
    std::fill(s.begin(), s.begin() + 600000, 'N');  // 30%
    write_file(file, s);
    const auto before = listing(dir.path());
    auto r = run_cli({"repair", f});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.out.find("repairable: no: "), std::string::npos) << r.out;
    EXPECT_EQ(r.err, "agc-flow: " + f + " cannot be repaired: 600.0 kB damaged in 1 of 1 blocks, 1 of them with more "
                                        "damage than the 10% redundancy of the sidecar covers; 0 bytes could be "
                                        "recovered; nothing was written\n");
    EXPECT_TRUE(read_file(file) == s);
    EXPECT_EQ(listing(dir.path()), before);
    auto v = run_cli({"verify", f});
    EXPECT_EQ(v.exit_code, 1);
}

TEST_F(ProtectCli, ProtectOptionsAndErrors) {
    make(1000);
    auto r = run_cli({"protect", "-r", "0", f});
    EXPECT_NE(r.exit_code, 0);
    r = run_cli({"protect", "--sidecar", (dir / "side.rq").string(), "-r", "50", f});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(fs::exists(dir / "side.rq"));
    EXPECT_FALSE(fs::exists(dir / "data.bin.rq"));
    EXPECT_EQ(run_cli({"verify", "--sidecar", (dir / "side.rq").string(), f}).exit_code, 0);
    r = run_cli({"protect", (dir / "absent").string()});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_EQ(r.err, "agc-flow: cannot open " + (dir / "absent").string() + ": No such file or directory\n");
    r = run_cli({"protect", dir.path().string()});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_EQ(r.err, "agc-flow: cannot read " + dir.path().string() + ": Is a directory\n");
}

TEST_F(ProtectCli, CreateAndAppendWriteTheSidecarInTheSameRun) {
    const std::string ref = test::fixture("syn-small/input/ref.fa").string();
    const std::string s1 = test::fixture("syn-small/input/sample00.fa").string();
    const std::string out = (dir / "p.agc").string();
    auto c = run_cli({"create", "--protect", "-o", out, ref});
    ASSERT_EQ(c.exit_code, 0) << c.err;
    EXPECT_EQ(run_cli({"verify", out}).exit_code, 0);
    // The archive itself is the one create makes without --protect.
    ASSERT_EQ(run_cli({"create", "-o", (dir / "plain.agc").string(), ref}).exit_code, 0);
    EXPECT_TRUE(read_file(out) == read_file(dir / "plain.agc"));
    const std::string app = (dir / "a.agc").string();
    c = run_cli({"append", "--protect=25", "-o", app, out, s1});
    ASSERT_EQ(c.exit_code, 0) << c.err;
    auto v = run_cli({"verify", app});
    EXPECT_EQ(v.exit_code, 0) << v.out;
    // Written again without --protect: the old sidecar is stale, and the user is told.
    c = run_cli({"create", "-o", out, ref, s1});
    EXPECT_EQ(c.exit_code, 0);
    EXPECT_EQ(c.err, "agc-flow: warning: " + out + ".rq was written for an earlier " + out +
                         " and does not match it now (agc-flow protect " + out + " writes it anew)\n");
    EXPECT_EQ(run_cli({"verify", out}).exit_code, 1);
    // To standard output there is nothing to protect.
    c = run_cli({"create", "--protect", ref});
    EXPECT_EQ(c.exit_code, 1);
    EXPECT_EQ(c.err, "agc-flow: protect needs the archive written to a file\n");
    EXPECT_EQ(c.out, "");
}

TEST_F(ProtectCli, VerifyWithoutASidecarChecksAnArchiveThrough) {
    const std::string ref = test::fixture("syn-small/input/ref.fa").string();
    const std::string s1 = test::fixture("syn-small/input/sample00.fa").string();
    const std::string out = (dir / "c.agc").string();
    ASSERT_EQ(run_cli({"create", "--checksums", "-o", out, ref, s1}).exit_code, 0);
    auto v = run_cli({"verify", out});
    EXPECT_EQ(v.exit_code, 0) << v.err;
    EXPECT_EQ(v.out, out + ": consistent (no sidecar " + out + ".rq: checked as an archive: every structure and part "
                                                              "read, every contig rebuilt)\n");
    // A byte of every part changed in turn: each one is found.
    const std::string good = read_file(out);
    int found = 0, tried = 0;
    for (size_t at = 16; at + 64 < good.size(); at += good.size() / 23, ++tried) {
        std::string bad = good;
        bad[at] ^= 0x10;
        write_file(out, bad);
        v = run_cli({"verify", out});
        if (v.exit_code == 1 && v.out.rfind(out + ": damaged: ", 0) == 0) ++found;
        else ADD_FAILURE() << "byte " << at << ": exit " << v.exit_code << " " << v.out << v.err;
    }
    EXPECT_EQ(found, tried);
    // A golden archive made by AGC.
    v = run_cli({"verify", test::fixture("syn-small/default.agc").string()});
    EXPECT_EQ(v.exit_code, 0) << v.out << v.err;
}

TEST_F(ProtectCli, AKillDuringProtectOrRepairLeavesNothingBehind) {
    make(64000000, 9);
    // protect killed: no sidecar, FILE as it was.
    EXPECT_TRUE(run_and_kill({"protect", "-t", "2", f}, 300));
    EXPECT_EQ(listing(dir.path()), std::set<std::string>{"data.bin"});
    EXPECT_TRUE(read_file(file) == original);
    ASSERT_EQ(run_cli({"protect", "-t", "2", f}).exit_code, 0);
    // repair in place killed: FILE as it was (damaged), no temporaries.
    std::string s = original;
    std::fill(s.begin() + 1000000, s.begin() + 5000000, '\0');
    write_file(file, s);
    EXPECT_TRUE(run_and_kill({"repair", "-t", "2", f}, 300));
    EXPECT_EQ(listing(dir.path()), (std::set<std::string>{"data.bin", "data.bin.rq"}));
    EXPECT_TRUE(read_file(file) == s);
    EXPECT_EQ(run_cli({"repair", "-t", "2", f}).exit_code, 0);
    EXPECT_TRUE(read_file(file) == original);
}

TEST_F(ProtectCli, MemoryStaysUnderTheBudgetOnAFileSeveralTimesLarger) {
    AGCFLOW_SKIP_WHEN_SANITIZED();
    const long budget_mib = 16;
    const long bound_kib = budget_mib * 1024 + static_cast<long>(kFixedMemory / 1024);
    make(128000000, 11);  // 128 MB: twice budget + fixed part, 8 times the budget
    const std::string mem = std::to_string(budget_mib);
    auto p = run_cli({"protect", "-t", "2", "--max-memory", mem, f});
    ASSERT_EQ(p.exit_code, 0) << p.err;
    EXPECT_LE(p.peak_rss_kib, bound_kib);
    std::string s = original;
    std::fill(s.begin() + 50000000, s.begin() + 56000000, '\0');
    write_file(file, s);
    auto v = run_cli({"verify", "--max-memory", mem, f});
    EXPECT_EQ(v.exit_code, 1);
    EXPECT_LE(v.peak_rss_kib, bound_kib);
    auto r = run_cli({"repair", "-t", "2", "--max-memory", mem, f});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_LE(r.peak_rss_kib, bound_kib);
    EXPECT_TRUE(read_file(file) == original);
    std::cerr << "peak RSS (KiB) at --max-memory " << budget_mib << ": protect " << p.peak_rss_kib << ", verify "
              << v.peak_rss_kib << ", repair " << r.peak_rss_kib << "\n";
}

}  // namespace
}  // namespace agcflow
