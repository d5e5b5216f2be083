// agc-flow append: byte parity with AGC's append, and its failure cases (the input archive is
// never modified, a failure leaves no output).
#include <gtest/gtest.h>
#include <fmt/format.h>

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
