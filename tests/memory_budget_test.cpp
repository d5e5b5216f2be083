// --max-memory: the plans the budget gives, the reference cache of the decoder, and peak RSS
// of create and getcol on a generated collection under a small budget.
#include <gtest/gtest.h>

#include <set>

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sstream>

#include "io/archive_catalog.h"
#include "pipeline/memory_budget.h"
#include "stages/segment_decoder.h"
#include "stages/singleton_map.h"
#include "tests/test_support.h"

namespace agcflow {
namespace {

using test::read_file;
using test::run_cli;
using test::TempDir;

TEST(MemoryPlan, KmerEntriesGetWhatTheReferenceLeavesWithinBounds) {
    const uint64_t R = 3'100'000'000ull;  // a human reference
    const auto roomy = plan_create_memory(64ull << 30, R, 32);
    EXPECT_EQ(roomy.kmer_budget, 4 * R);  // never more than 4 bytes per base
    // One sample read ahead and three in the graph (cut, routed, stored); one in the graph at -t 1.
    EXPECT_EQ(roomy.read_ahead, 4u);
    EXPECT_EQ(plan_create_memory(64ull << 30, R, 1).read_ahead, 2u);
    // Four reader threads: four samples ahead when the budget has room for them, fewer if not.
    EXPECT_EQ(plan_create_memory(64ull << 30, R, 32, 4).read_ahead, 7u);
    EXPECT_EQ(plan_create_memory(3 * R + 3 * 2 * R, R, 32, 4).read_ahead, 3u);
    const auto tight = plan_create_memory(12ull << 30, R, 32);
    EXPECT_LT(tight.kmer_budget, roomy.kmer_budget);
    EXPECT_EQ(tight.kmer_budget, (12ull << 30) - R - SingletonMap::fixed_bytes(R, 32));
    EXPECT_EQ(tight.read_ahead, 1u);
    // Bytes for small samples to be read further ahead: what the budget leaves, up to a cap.
    EXPECT_EQ(roomy.ahead_bytes, kSmallSampleReadAhead);
    EXPECT_EQ(tight.ahead_bytes, 0u);
    const uint64_t virus = 10'000;
    const auto small = plan_create_memory(3 * virus + 2 * 2 * virus + 5'000, virus, 1);
    EXPECT_EQ(small.read_ahead, 2u);
    EXPECT_EQ(small.ahead_bytes, 5'000u);
    // The writer's backlog for small samples: as many as a second allowance holds at 2R each, at
    // most kMaxSmallBacklog; none for large samples (the writer's backlog is then 64 or 4P).
    EXPECT_EQ(small.backlog, 0u);
    EXPECT_EQ(plan_create_memory(3 * virus + 2 * 2 * virus + kSmallSampleReadAhead + 100'000, virus, 1).backlog, 5u);
    EXPECT_EQ(plan_create_memory(64ull << 30, virus, 1).backlog, kSmallSampleBacklog / (2 * virus));
    EXPECT_EQ(plan_create_memory(64ull << 30, 1'000, 1).backlog, kMaxSmallBacklog);
    EXPECT_EQ(roomy.backlog, 0u);
    // Below what the reference needs: the least the phase can run in (about 64 passes).
    const auto starved = plan_create_memory(1ull << 30, R, 32);
    EXPECT_EQ(starved.kmer_budget, SingletonMap::kBytesPerEntry * R / 64);
    EXPECT_GT(starved.needed, 1ull << 30);
}

TEST(MemoryPlan, ExtractTokensAndCache) {
    const uint64_t contig = 250'000'000;  // a chromosome
    const auto roomy = plan_extract_memory(16ull << 30, contig, 4, false);
    EXPECT_EQ(roomy.tokens, 9u);  // 2 * threads + 1
    EXPECT_GT(roomy.reference_cache, 8ull << 30);
    EXPECT_EQ(plan_extract_memory(16ull << 30, contig, 4, true).tokens, 1u);  // -s
    const auto tight = plan_extract_memory(1ull << 30, contig, 4, false);
    EXPECT_EQ(tight.tokens, 1u);
    EXPECT_EQ(tight.reference_cache, 8 * kMiB);  // the floor
    EXPECT_EQ(plan_extract_memory(0, 1000, 2, false).tokens, 5u);  // default budget
}

// A collection whose splitter phase would take ~12 bytes per reference base in one pass.
struct BudgetCollection {
    TempDir dir;
    std::vector<std::string> files;
    BudgetCollection() {
        auto g = test::run_generator({"--out", dir.path().string(), "--samples", "1", "--contigs", "4", "--length",
                                      "5000000", "--divergent", "0", "--gzip-every", "0", "--no-short-contigs",
                                      "--list", (dir / "list.txt").string()});
        EXPECT_EQ(g.exit_code, 0) << g.err;
        std::istringstream list(read_file(dir / "list.txt"));
        for (std::string f; list >> f;) files.push_back(f);
    }
};

TEST(MemoryBudget, CreateAndGetcolStayUnderASmallBudget) {
    BudgetCollection c;
    const long fixed_kib = static_cast<long>(kFixedMemory / 1024);

    std::vector<std::string> args{"create", "-t", "2", "-v", "1", "--max-memory", "100", "-o",
                                  (c.dir / "small.agc").string()};
    args.insert(args.end(), c.files.begin(), c.files.end());
    auto small = run_cli(args);
    ASSERT_EQ(small.exit_code, 0) << small.err;
    if (!test::kSanitized) {
        EXPECT_LE(small.peak_rss_kib, 100 * 1024 + fixed_kib) << small.err;
    }
    EXPECT_NE(small.err.find("memory plan:"), std::string::npos) << small.err;
    EXPECT_EQ(small.err.find("warning"), std::string::npos) << small.err;

    // The budget never changes the archive.
    args = {"create", "-t", "2", "-o", (c.dir / "default.agc").string()};
    args.insert(args.end(), c.files.begin(), c.files.end());
    ASSERT_EQ(run_cli(args).exit_code, 0);
    EXPECT_EQ(read_file(c.dir / "small.agc"), read_file(c.dir / "default.agc"));

    auto all = run_cli({"getcol", "-t", "2", (c.dir / "small.agc").string()});
    auto lean = run_cli({"getcol", "-t", "2", "--max-memory", "16", (c.dir / "small.agc").string()});
    ASSERT_EQ(lean.exit_code, 0) << lean.err;
    EXPECT_EQ(lean.out, all.out);
    if (!test::kSanitized) {
        EXPECT_LE(lean.peak_rss_kib, 16 * 1024 + fixed_kib);
        EXPECT_LT(lean.peak_rss_kib, all.peak_rss_kib);
    }
}

// getcol and getset writing into a pipe whose reader is slow: the writer waits, the contigs in
// flight stay bounded, and the peak stays within the budget (what the reader got is all of it).
TEST(MemoryBudget, SlowConsumerStaysWithinTheBudget) {
    BudgetCollection c;
    std::vector<std::string> args{"create", "-t", "2", "-o", (c.dir / "a.agc").string()};
    args.insert(args.end(), c.files.begin(), c.files.end());
    ASSERT_EQ(run_cli(args).exit_code, 0);
    const long fixed_kib = static_cast<long>(kFixedMemory / 1024);
    const std::string expected = run_cli({"getcol", (c.dir / "a.agc").string()}).out;
    for (const std::vector<std::string>& cmd :
         {std::vector<std::string>{"getcol", "-t", "2", "--max-memory", "16", (c.dir / "a.agc").string()},
          std::vector<std::string>{"getset", "-t", "2", "--max-memory", "16", (c.dir / "a.agc").string(), "ref", "sample1"}}) {
        int fds[2];
        ASSERT_EQ(::pipe(fds), 0);
        std::vector<char*> argv{const_cast<char*>(AGCFLOW_CLI_PATH)};  // (before fork, as in run_program)
        for (const auto& a : cmd) argv.push_back(const_cast<char*>(a.c_str()));
        argv.push_back(nullptr);
        const pid_t pid = ::fork();
        ASSERT_GE(pid, 0);
        if (pid == 0) {
            ::dup2(fds[1], 1);
            ::close(fds[0]);
            ::close(fds[1]);
            const int devnull = ::open("/dev/null", O_WRONLY);
            ::dup2(devnull, 2);
            ::execv(AGCFLOW_CLI_PATH, argv.data());
            ::_exit(127);
        }
        ::close(fds[1]);
        std::string got;
        char buf[16384];
        for (ssize_t n; (n = ::read(fds[0], buf, sizeof buf)) > 0;) {
            got.append(buf, static_cast<size_t>(n));
            ::usleep(200);  // ~80 MB/s at most: far slower than decoding
        }
        ::close(fds[0]);
        int status = 0;
        struct rusage usage {};
        ::wait4(pid, &status, 0, &usage);
        EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << cmd[0];
        if (!test::kSanitized) {
            EXPECT_LE(usage.ru_maxrss, 16 * 1024 + fixed_kib) << cmd[0];
        }
        if (cmd[0] == "getcol") {
            EXPECT_TRUE(got == expected);
        } else {
            EXPECT_EQ(got.size(), expected.size());  // (the collection is these two samples)
        }
    }
}

TEST(MemoryBudget, TooSmallABudgetIsReportedNotFatal) {
    BudgetCollection c;
    std::vector<std::string> args{"create", "--max-memory", "20", "-o", (c.dir / "a.agc").string()};
    args.insert(args.end(), c.files.begin(), c.files.end());
    auto r = run_cli(args);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    uint64_t bases = 0;
    for (auto& [name, seq] : test::parse_fasta(read_file(c.files.front()))) bases += seq.size();
    EXPECT_NE(r.err.find("agc-flow: warning: a reference of " + std::to_string(bases) + " bases needs about"),
              std::string::npos)
        << r.err;
    EXPECT_NE(r.err.find("--max-memory 20 MiB will be exceeded"), std::string::npos) << r.err;
}

TEST(SegmentDecoderCache, StaysWithinItsLimitAndDecodesTheSame) {
    BudgetCollection c;
    std::vector<std::string> args{"create", "-s", "5000", "-o", (c.dir / "a.agc").string()};
    args.insert(args.end(), c.files.begin(), c.files.end());
    ASSERT_EQ(run_cli(args).exit_code, 0);
    ArchiveCatalog catalog(c.dir / "a.agc", true);
    SegmentDecoder unlimited(catalog.reader(), catalog.params(), UINT64_MAX);
    SegmentDecoder limited(catalog.reader(), catalog.params(), 64 * 1024);
    SegmentScratch s1, s2;
    Codes a, b;
    uint64_t segments = 0;
    std::set<std::pair<uint32_t, uint32_t>> packs, references;  // (group, pack) touched
    const uint32_t P = catalog.params().pack_cardinality;
    for (uint32_t si = 0; si < catalog.sample_names().size(); ++si)
        for (const ContigDesc& cd : catalog.sample(si).contigs)
            for (const SegmentDesc& d : cd.segments) {
                if (d.group_id < 16)
                    packs.emplace(d.group_id, d.in_group_id / P);
                else if (d.in_group_id > 0)
                    packs.emplace(d.group_id, (d.in_group_id - 1) / P);
                if (d.group_id >= 16) references.emplace(d.group_id, 0);
                unlimited.decode(d.group_id, d.in_group_id, a, s1);
                limited.decode(d.group_id, d.in_group_id, b, s2);
                ASSERT_EQ(a, b);
                ASSERT_LE(limited.cached_bytes(), 64u * 1024);
                ++segments;
            }
    EXPECT_GT(segments, 4000u);
    EXPECT_GT(limited.reference_loads(), unlimited.reference_loads());  // evicted, decoded again
    EXPECT_GT(unlimited.cached_bytes(), 10'000'000u);
    // With room, every pack and reference is decompressed once (as AGC's getcol -f), whatever
    // the number of segments read from it.
    EXPECT_EQ(unlimited.pack_loads(), packs.size());
    EXPECT_EQ(unlimited.reference_loads(), references.size());
}

}  // namespace
}  // namespace agcflow
