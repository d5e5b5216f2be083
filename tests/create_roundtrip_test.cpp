// create on generated collections: every archive reads back to exactly its input (upper-cased),
// identically at any thread count; and every kind of bad input is refused with one clear line,
// a non-zero exit and no archive at the output path.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstdint>
#include <sstream>
#include <string>
#include <fmt/format.h>

#include "tests/test_support.h"

namespace agcflow {
namespace {

using test::read_file;
using test::run_program;
using test::run_cli;
using test::TempDir;
using test::write_file;

// Deterministic PRNG (splitmix64), so the collection is the same everywhere.
struct Rng {
    uint64_t s;
    uint64_t next() {
        uint64_t z = (s += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }
    uint64_t below(uint64_t n) { return next() % n; }
};

std::string random_dna(Rng& r, size_t n) {
    std::string s(n, 'A');
    for (auto& c : s) c = "ACGT"[r.below(4)];
    return s;
}

std::string fasta(const std::vector<std::pair<std::string, std::string>>& recs, size_t width = 60) {
    std::string out;
    for (auto& [name, seq] : recs) {
        out += ">" + name + "\n";
        for (size_t i = 0; i < seq.size(); i += width) out += seq.substr(i, width) + "\n";
    }
    return out;
}

std::string upper(std::string s) {
    for (auto& c : s) c = static_cast<char>(std::toupper(c));
    return s;
}

// A collection made by tools/gen-collection in dir: the file names (reference first) and what
// getcol must print for it (every record, bases upper-cased, 80 per line).
std::pair<std::vector<std::string>, std::string> make_collection(const TempDir& dir, int n, uint64_t seed) {
    auto g = test::run_generator({"--out", dir.path().string(), "--samples", std::to_string(n), "--seed",
                                  std::to_string(seed), "--length", "60000", "--lowercase", "0.001", "--list",
                                  (dir / "list.txt").string()});
    EXPECT_EQ(g.exit_code, 0) << g.err;
    std::vector<std::string> files;
    std::string expected;
    std::istringstream list(read_file(dir / "list.txt"));
    for (std::string f; list >> f;) {
        files.push_back(f);
        std::string text = f.ends_with(".gz") ? run_program("/bin/gzip", {"-dc", (dir / f).string()}).out
                                              : read_file(dir / f);
        auto recs = test::parse_fasta(text);
        for (auto& r : recs) r.second = upper(r.second);
        expected += fasta(recs, 80);
    }
    return {files, expected};
}

TEST(CreateRoundTrip, GeneratedCollectionReadsBackAtEveryThreadCount) {
    TempDir dir;
    auto [files, expected] = make_collection(dir, 7, 42);
    std::string first;
    for (int t : {1, 2, 4}) {
        for (auto opts : {std::vector<std::string>{}, std::vector<std::string>{"-s", "2000", "-b", "3", "-k", "21"}}) {
            std::vector<std::string> args = {"create", "-t", std::to_string(t), "-o", "out.agc"};
            args.insert(args.end(), opts.begin(), opts.end());
            args.insert(args.end(), files.begin(), files.end());
            auto r = run_cli(args, dir.path());
            ASSERT_EQ(r.exit_code, 0) << r.err;
            auto back = run_cli({"getcol", "-t", "3", (dir / "out.agc").string()});
            ASSERT_EQ(back.exit_code, 0) << back.err;
            EXPECT_TRUE(back.out == expected) << "t=" << t << " opts=" << opts.size();
            if (opts.empty()) {
                std::string bytes = read_file(dir / "out.agc");
                if (first.empty()) first = bytes;
                EXPECT_TRUE(bytes == first) << "archive depends on -t (t=" << t << ")";
            }
        }
    }
}

TEST(CreateRoundTrip, ArchiveGoesToStdoutWithoutO) {
    TempDir dir;
    auto [files, expected] = make_collection(dir, 2, 7);
    std::vector<std::string> args = {"create"};
    args.insert(args.end(), files.begin(), files.end());
    auto r = run_cli(args, dir.path());
    ASSERT_EQ(r.exit_code, 0) << r.err;
    write_file(dir / "piped.agc", r.out);
    auto back = run_cli({"getcol", (dir / "piped.agc").string()});
    EXPECT_TRUE(back.out == expected);
}

// ---- bad input ----

struct BadCase {
    std::string what;
    std::string content;  // second input's content; empty name means "missing file"
    std::string message;  // expected stderr line (without "agc-flow: ")
};

void expect_refused(const TempDir& dir, const std::vector<std::string>& inputs, const std::string& message) {
    std::vector<std::string> args = {"create", "-o", "out.agc"};
    args.insert(args.end(), inputs.begin(), inputs.end());
    auto r = run_cli(args, dir.path());
    EXPECT_NE(r.exit_code, 0);
    EXPECT_EQ(r.err, "agc-flow: " + message + "\n");
    EXPECT_FALSE(std::filesystem::exists(dir / "out.agc"));
    for (auto& e : std::filesystem::directory_iterator(dir.path()))
        EXPECT_EQ(e.path().filename().string().find("out.agc"), std::string::npos) << e.path();
}

TEST(CreateErrors, BadInputsAreRefusedAndLeaveNoArchive) {
    TempDir dir;
    Rng r{1};
    write_file(dir / "ref.fa", fasta({{"c1", random_dna(r, 5000)}}));
    expect_refused(dir, {"ref.fa", "missing.fa"}, "cannot open missing.fa: No such file or directory");
    std::filesystem::create_directory(dir / "folder.fa");
    expect_refused(dir, {"ref.fa", "folder.fa"}, "cannot read folder.fa: is a directory");
    write_file(dir / "empty.fa", "");
    expect_refused(dir, {"ref.fa", "empty.fa"}, "empty.fa: empty file, or no FASTA records");
    write_file(dir / "text.fa", "hello world\n");
    expect_refused(dir, {"ref.fa", "text.fa"}, "text.fa: not a FASTA file (it does not start with '>')");
    write_file(dir / "x.fa", ">a\nACGTXACGT\n");
    expect_refused(dir, {"ref.fa", "x.fa"},
                   "x.fa, record 1 (a): 'X' at base 5 is not an IUPAC nucleotide letter (AGC would store it wrongly)");
    write_file(dir / "at.fa", ">a\nAC\n>b\nAC@GT\n");
    expect_refused(dir, {"ref.fa", "at.fa"},
                   "at.fa, record 2 (b): '@' at base 3 is not an IUPAC nucleotide letter (AGC would store it wrongly)");
    write_file(dir / "gap.fa", ">a\nAC-GT\n");
    expect_refused(dir, {"ref.fa", "gap.fa"},
                   "gap.fa, record 1 (a): '-' at base 3 is not an IUPAC nucleotide letter (AGC would store it wrongly)");
    write_file(dir / "hole.fa", ">a\n>b\nACGT\n");
    expect_refused(dir, {"ref.fa", "hole.fa"}, "hole.fa, record 1 (a): empty sequence (AGC would drop it)");
    write_file(dir / "dup.fa", ">a x\nACGT\n>a x\nACGT\n");
    expect_refused(dir, {"ref.fa", "dup.fa"}, "dup.fa: contig name 'a x' occurs twice (AGC would corrupt it)");
    std::filesystem::create_directories(dir / "other");
    write_file(dir / "other" / "ref.fa", fasta({{"c1", "ACGT"}}));
    expect_refused(dir, {"ref.fa", "other/ref.fa"}, "inputs ref.fa and other/ref.fa give the same sample name ref");
    write_file(dir / "bad.fa.gz", std::string("\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03garbage", 18));
    auto res = run_cli({"create", "-o", "out.agc", "ref.fa", "bad.fa.gz"}, dir.path());
    EXPECT_NE(res.exit_code, 0);
    EXPECT_EQ(res.err.rfind("agc-flow: cannot read bad.fa.gz: ", 0), 0u) << res.err;
    EXPECT_FALSE(std::filesystem::exists(dir / "out.agc"));
}

TEST(CreateErrors, AnExistingOutputIsKeptWhenCreateFails) {
    TempDir dir;
    write_file(dir / "ref.fa", ">c\nACGT\n");
    write_file(dir / "out.agc", "previous");
    auto r = run_cli({"create", "-o", "out.agc", "ref.fa", "missing.fa"}, dir.path());
    EXPECT_NE(r.exit_code, 0);
    EXPECT_EQ(read_file(dir / "out.agc"), "previous");
}

TEST(CreateErrors, DuplicateFileNamesAreDroppedAsAgcDoes) {
    TempDir dir;
    Rng r{3};
    write_file(dir / "ref.fa", fasta({{"c1", random_dna(r, 3000)}}));
    write_file(dir / "s.fa", fasta({{"c1", random_dna(r, 3000)}}));
    auto a = run_cli({"create", "-o", "a.agc", "ref.fa", "s.fa", "s.fa"}, dir.path());
    ASSERT_EQ(a.exit_code, 0) << a.err;
    auto l = run_cli({"listset", (dir / "a.agc").string()});
    EXPECT_EQ(l.out, "ref\ns\n");
}

// Every mode, alone and combined, reads back exactly and does not depend on -t.
TEST(CreateRoundTrip, EveryModeAndCombination) {
    TempDir dir;
    auto [files, expected] = make_collection(dir, 6, 99);
    const std::vector<std::vector<std::string>> modes = {
        {"-a"}, {"-f", "0.02"}, {"-a", "-f", "0.05"}, {"-a", "-s", "2000"}, {"-f", "0.05", "-s", "3000", "-b", "2"}};
    for (const auto& mode : modes) {
        std::string first;
        for (int t : {1, 3}) {
            std::vector<std::string> args = {"create", "-t", std::to_string(t), "-o", "m.agc"};
            args.insert(args.end(), mode.begin(), mode.end());
            args.insert(args.end(), files.begin(), files.end());
            auto r = run_cli(args, dir.path());
            ASSERT_EQ(r.exit_code, 0) << r.err;
            auto back = run_cli({"getcol", (dir / "m.agc").string()});
            EXPECT_TRUE(back.out == expected) << mode[0] << " t=" << t;
            std::string bytes = read_file(dir / "m.agc");
            if (first.empty()) first = bytes;
            EXPECT_TRUE(bytes == first) << mode[0] << ": archive depends on -t";
        }
    }
    // -c with -a and -f on one PanSN-style file of all samples.
    std::string all;
    for (size_t i = 1; i < files.size(); ++i) {
        if (files[i].ends_with(".gz")) continue;
        std::string text = read_file(dir / files[i]);
        for (size_t p = 0; (p = text.find('>', p)) != std::string::npos; ++p) text.insert(p + 1, fmt::format("s{}#", i));
        all += text;
    }
    write_file(dir / "all.fa", all);
    for (auto mode : {std::vector<std::string>{"-c"}, std::vector<std::string>{"-c", "-a", "-f", "0.02", "-b", "3"}}) {
        std::vector<std::string> args = {"create", "-o", "c.agc", "ref.fa", "all.fa"};
        args.insert(args.begin() + 1, mode.begin(), mode.end());
        auto r = run_cli(args, dir.path());
        ASSERT_EQ(r.exit_code, 0) << r.err;
        auto back = run_cli({"getcol", (dir / "c.agc").string()});
        // The sample records come back after the reference's, their bases upper-cased.
        auto recs = test::parse_fasta(all);
        for (auto& r : recs) r.second = upper(r.second);
        const std::string expected_tail = fasta(recs, 80);
        ASSERT_NE(back.out.find(">s1#"), std::string::npos);
        EXPECT_TRUE(back.out.substr(back.out.find(">s1#")) == expected_tail) << mode.size();
    }
}

// -c with a record count that is a multiple of P: AGC cuts the last collection batch twice,
// the second time with no contigs (P21); the archive still reads back exactly.
TEST(CreateConcatenated, BatchQuirkAndRoundTrip) {
    TempDir dir;
    Rng r{9};
    std::vector<std::pair<std::string, std::string>> recs;
    for (int i = 0; i < 6; ++i) recs.emplace_back(fmt::format("g{} desc", i), random_dna(r, 4000 + 100 * i));
    write_file(dir / "all.fa", fasta(recs));
    auto c = run_cli({"create", "-c", "-b", "3", "-s", "1000", "-o", "c.agc", "all.fa"}, dir.path());
    ASSERT_EQ(c.exit_code, 0) << c.err;
    auto list = run_cli({"listset", (dir / "c.agc").string()});
    EXPECT_EQ(list.out, "g0\ng1\ng2\ng3\ng4\ng5\n");
    auto back = run_cli({"getcol", (dir / "c.agc").string()});
    EXPECT_TRUE(back.out == fasta(recs, 80));
    auto info = run_cli({"inspect", (dir / "c.agc").string()});
    EXPECT_NE(info.out.find("collection-contigs parts=3"), std::string::npos) << info.out;
}

TEST(CreateConcatenated, NonConsecutiveRecordsOfOneSampleAreRefused) {
    TempDir dir;
    write_file(dir / "all.fa", ">a 1\nACGT\n>b 1\nACGT\n>a 2\nACGT\n");
    auto r = run_cli({"create", "-c", "-o", "c.agc", "all.fa"}, dir.path());
    EXPECT_NE(r.exit_code, 0);
    EXPECT_EQ(r.err, "agc-flow: all.fa: records of sample a are not consecutive (AGC would drop the later ones)\n");
    EXPECT_FALSE(std::filesystem::exists(dir / "c.agc"));
}

}  // namespace
}  // namespace agcflow

namespace agcflow {
namespace {

// A run killed while it waits for input (a FIFO nobody writes yet) leaves nothing behind, not
// even a temporary: the archive is written as an unnamed file until it is complete.
TEST(CreateErrors, InterruptedRunLeavesNothing) {
    for (int sig : {SIGINT, SIGTERM, SIGKILL}) {
        TempDir dir;
        write_file(dir / "ref.fa", ">c\nACGTACGTTTGACCA\n");
        ASSERT_EQ(::mkfifo((dir / "wait.fa").c_str(), 0644), 0);
        pid_t pid = ::fork();
        ASSERT_GE(pid, 0);
        if (pid == 0) {
            if (::chdir(dir.path().c_str()) != 0) ::_exit(127);
            int devnull = ::open("/dev/null", O_WRONLY);
            ::dup2(devnull, 2);
            ::execl(AGCFLOW_CLI_PATH, "agc-flow", "create", "-o", "out.agc", "ref.fa", "wait.fa", nullptr);
            ::_exit(127);
        }
        // Opening the FIFO for writing returns once agc-flow has opened it for reading: the
        // run has got as far as the second input, with its output open.
        const int fifo = ::open((dir / "wait.fa").c_str(), O_WRONLY);
        ASSERT_GE(fifo, 0);
        ::kill(pid, sig);
        int status = 0;
        ::waitpid(pid, &status, 0);
        ::close(fifo);
        EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == sig) << sig;
        std::vector<std::string> left;
        for (auto& e : std::filesystem::directory_iterator(dir.path())) left.push_back(e.path().filename().string());
        std::sort(left.begin(), left.end());
        EXPECT_EQ(left, (std::vector<std::string>{"ref.fa", "wait.fa"})) << "signal " << sig;
    }
}

}  // namespace
}  // namespace agcflow
