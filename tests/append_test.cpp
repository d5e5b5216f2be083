// agc-flow append: byte parity with AGC's append, and its failure cases (the input archive is
// never modified, a failure leaves no output).
#include <gtest/gtest.h>
#include <fmt/format.h>

#include <algorithm>
#include <filesystem>

#include "tests/test_support.h"

namespace agcflow {
namespace {

using test::fixture;
using test::read_file;
using test::run_cli;
using test::TempDir;

TEST(AppendParity, ByteIdenticalToAgcAtEveryThreadCount) {
    const auto input = fixture("syn-small/input");
    const std::string golden = read_file(fixture("syn-small/appended.agc"));
    const std::string before = read_file(fixture("syn-small/first-three.agc"));
    TempDir dir;
    for (int t : {1, 2, 5}) {
        auto out = dir / fmt::format("a{}.agc", t);
        auto r = run_cli({"append", "-t", std::to_string(t), fixture("syn-small/first-three.agc").string(),
                          "sample03.fa", "sample04.fa.gz", "sample05.fa.gz", "-o", out.string()},
                         input);
        ASSERT_EQ(r.exit_code, 0) << r.err;
        EXPECT_TRUE(read_file(out) == golden) << "-t " << t;
    }
    auto col = run_cli({"getcol", (dir / "a2.agc").string()});
    EXPECT_TRUE(col.out == read_file(fixture("syn-small/expected/appended-getcol.fa")));
    EXPECT_TRUE(read_file(fixture("syn-small/first-three.agc")) == before);
}

TEST(AppendAdaptiveParity, ByteIdenticalToAgcAtEveryThreadCount) {
    const auto input = fixture("syn-small/input");
    const std::string golden = read_file(fixture("syn-small/appended-adaptive.agc"));
    TempDir dir;
    for (int t : {1, 2, 5}) {
        auto out = dir / fmt::format("a{}.agc", t);
        auto r = run_cli({"append", "-a", "-t", std::to_string(t), fixture("syn-small/first-three-adaptive.agc").string(),
                          "sample03.fa", "sample04.fa.gz", "sample05.fa.gz", "-o", out.string()},
                         input);
        ASSERT_EQ(r.exit_code, 0) << r.err;
        EXPECT_TRUE(read_file(out) == golden) << "-t " << t;
    }
    auto col = run_cli({"getcol", (dir / "a2.agc").string()});
    EXPECT_TRUE(col.out == read_file(fixture("syn-small/expected/appended-getcol.fa")));
}

// New splitters of append -a must be absent from the archive's first sample, whose k-mers AGC
// counts again (the golden archive above cannot tell that apart from an empty exclusion set);
// splitters found in one appended sample serve the next; bases that are no IUPAC code (an
// 'X' in an AGC-made archive) are dropped from the first sample first. Archives made by AGC
// 3.2.2 (tests/data/append-adaptive/COMMANDS).
TEST(AppendAdaptiveParity, NewSplittersAvoidTheFirstSamplesKmers) {
    const std::filesystem::path data = std::filesystem::path(AGCFLOW_SOURCE_DIR) / "tests/data/append-adaptive";
    TempDir dir;
    for (int t : {1, 2}) {
        auto r = run_cli({"append", "-a", "-t", std::to_string(t), fixture("syn-small/first-three-adaptive.agc").string(),
                          "probe.fa", "probeb.fa", "-o", (dir / "probe.agc").string()},
                         data);
        ASSERT_EQ(r.exit_code, 0) << r.err;
        EXPECT_TRUE(read_file(dir / "probe.agc") == read_file(data / "probe.agc")) << "-t " << t;
        r = run_cli({"append", "-a", "-t", std::to_string(t), "x-base.agc", "probex.fa", "-o", (dir / "x.agc").string()},
                    data);
        ASSERT_EQ(r.exit_code, 0) << r.err;
        EXPECT_TRUE(read_file(dir / "x.agc") == read_file(data / "x-app.agc")) << "-t " << t;
    }
}

// append -a onto a collection whose new samples share no splitter with its reference (another
// generated genome): new splitters are found, the new samples are cut at them into LZ groups,
// and everything reads back.
TEST(AppendAdaptive, DivergentSamplesRoundTrip) {
    TempDir a, b, dir;
    for (auto* d : {&a, &b}) {
        auto g = test::run_generator({"--out", d->path().string(), "--samples", "2", "--length", "60000", "--seed",
                                      d == &a ? "11" : "12", "--gzip-every", "0", "--divergent", "0"});
        ASSERT_EQ(g.exit_code, 0) << g.err;
    }
    auto files = [](const TempDir& d) {
        std::vector<std::string> v;
        for (auto& e : std::filesystem::directory_iterator(d.path())) v.push_back(e.path().string());
        std::sort(v.begin(), v.end());
        return v;
    };
    auto fa = files(a), fb = files(b);
    std::vector<std::string> args = {"create", "-a", "-s", "5000", "-o", (dir / "a.agc").string()};
    // (the reference first: the generator names it ref.fa)
    std::stable_partition(fa.begin(), fa.end(), [](const std::string& f) { return f.ends_with("/ref.fa"); });
    args.insert(args.end(), fa.begin(), fa.end());
    auto r = run_cli(args);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    // b's samples under new names (their file names are a's)
    std::vector<std::string> renamed;
    for (const auto& f : fb) {
        auto to = dir / ("other_" + std::filesystem::path(f).filename().string());
        std::filesystem::copy_file(f, to);
        renamed.push_back(to.string());
    }
    std::vector<std::string> append = {"append", "-a", "-t", "2", (dir / "a.agc").string(), "-o", (dir / "b.agc").string()};
    append.insert(append.end(), renamed.begin(), renamed.end());
    r = run_cli(append);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto splitters = [&](const std::filesystem::path& p) {
        auto i = run_cli({"inspect", p.string()});
        auto at = i.out.find("\nsplitters: ");
        return std::stoul(i.out.substr(at + 12));
    };
    EXPECT_GT(splitters(dir / "b.agc"), splitters(dir / "a.agc") + 5);
    // Every appended sample comes back as it went in (upper case, 80 letters a line).
    for (const auto& f : renamed) {
        const std::string sample = std::filesystem::path(f).stem().string();
        auto got = run_cli({"getset", (dir / "b.agc").string(), sample});
        ASSERT_EQ(got.exit_code, 0) << got.err;
        auto want = test::parse_fasta(read_file(f)), have = test::parse_fasta(got.out);
        ASSERT_EQ(want.size(), have.size());
        for (size_t i = 0; i < want.size(); ++i) {
            std::string up = want[i].second;
            for (char& c : up) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
            EXPECT_EQ(have[i].first, want[i].first);
            EXPECT_TRUE(have[i].second == up) << sample << " " << want[i].first;
        }
    }
}

// Appending to an archive of our own, twice over, reads back everything.
TEST(Append, RepeatedAppendsReadBack) {
    TempDir dir;
    const auto input = fixture("syn-small/input");
    auto r = run_cli({"create", "-b", "2", "-o", (dir / "a.agc").string(), "ref.fa", "sample00.fa"}, input);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    r = run_cli({"append", (dir / "a.agc").string(), "sample01.fa", "-o", (dir / "b.agc").string()}, input);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    r = run_cli({"append", (dir / "b.agc").string(), "sample02.fa", "sample03.fa", "-o", (dir / "c.agc").string()},
                input);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto all = run_cli({"getcol", (dir / "c.agc").string()});
    std::string expected;
    for (auto s : {"ref", "sample00", "sample01", "sample02", "sample03"})
        expected += run_cli({"getset", fixture("syn-small/default.agc").string(), s}).out;
    EXPECT_TRUE(all.out == expected);
}

TEST(AppendErrors, ExistingSampleNameIsRefused) {
    TempDir dir;
    auto out = dir / "o.agc";
    auto r = run_cli({"append", fixture("syn-small/first-three.agc").string(), "sample01.fa", "-o", out.string()},
                     fixture("syn-small/input"));
    EXPECT_NE(r.exit_code, 0);
    EXPECT_EQ(r.err, "agc-flow: sample sample01 (sample01.fa) is already in the archive\n");
    EXPECT_FALSE(std::filesystem::exists(out));
}

TEST(AppendErrors, OutputMustNotBeTheInputAndBadInputLeavesNothing) {
    TempDir dir;
    std::filesystem::copy_file(fixture("syn-small/first-three.agc"), dir / "in.agc");
    const std::string before = read_file(dir / "in.agc");
    auto r = run_cli({"append", "in.agc", "x.fa", "-o", "in.agc"}, dir.path());
    EXPECT_NE(r.exit_code, 0);
    EXPECT_EQ(r.err, "agc-flow: the output archive must not be the input archive in.agc\n");
    test::write_file(dir / "bad.fa", ">c\nACXGT\n");
    r = run_cli({"append", "in.agc", "bad.fa", "-o", "out.agc"}, dir.path());
    EXPECT_NE(r.exit_code, 0);
    EXPECT_FALSE(std::filesystem::exists(dir / "out.agc"));
    r = run_cli({"append", "nosuch.agc", "bad.fa", "-o", "out.agc"}, dir.path());
    EXPECT_EQ(r.err, "agc-flow: cannot open archive nosuch.agc: No such file or directory\n");
    EXPECT_TRUE(read_file(dir / "in.agc") == before);
}

}  // namespace
}  // namespace agcflow
