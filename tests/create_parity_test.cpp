// agc-flow create against AGC 3.2.2: for the same inputs and parameters the archive must be
// byte-identical to the golden one, at any thread count.
#include <gtest/gtest.h>

#include <thread>
#include <fmt/format.h>

#include "pipeline/inspect.h"
#include "tests/test_support.h"

namespace agcflow {
namespace {

using test::fixture;
using test::read_file;
using test::run_cli;
using test::TempDir;

struct ParityCase {
    std::string name;
    std::string folder;                 // fixture folder; inputs are in <folder>/input
    std::vector<std::string> options;   // create options before the inputs
    std::vector<std::string> inputs;    // empty: read inputs.txt
    std::string golden;                 // archive in <folder>
};

void PrintTo(const ParityCase& c, std::ostream* os) { *os << c.name; }

const std::vector<std::string>& kSynInputs = test::kSynSmallInputs;

std::vector<ParityCase> cases() {
    return {
        {"syn_default", "syn-small", {}, kSynInputs, "default.agc"},
        {"syn_small_seg", "syn-small", {"-s", "5000", "-k", "25", "-l", "18", "-b", "3"}, kSynInputs, "small-seg.agc"},
        {"syn_first_three", "syn-small", {"-s", "5000"}, {"ref.fa", "sample00.fa", "sample01.fa", "sample02.fa"},
         "first-three.agc"},
        {"syn_fallback", "syn-small", {"-f", "0.01", "-s", "5000"}, kSynInputs, "fallback.agc"},
        {"syn_adaptive", "syn-small", {"-a", "-s", "5000"}, kSynInputs, "adaptive.agc"},
        {"toy_default", "toy", {}, {"ref.fa", "a.fa", "b.fa", "c.fa"}, "default.agc"},
        {"sarscov2", "real-sarscov2_97_2022", {}, {}, "default.agc"},
        {"yeast_mito", "real-yeast_mito_scerevisiae7", {}, {}, "default.agc"},
        {"human_lpa", "real-human_LPA14", {}, {}, "default.agc"},
    };
}

class CreateParity : public ::testing::TestWithParam<std::tuple<ParityCase, int>> {};

TEST_P(CreateParity, ByteIdenticalToAgc) {
    const auto& [c, threads] = GetParam();
    TempDir dir;
    auto out = dir / "out.agc";
    std::vector<std::string> args = {"create", "-t", std::to_string(threads)};
    args.insert(args.end(), c.options.begin(), c.options.end());
    args.push_back("-o");
    args.push_back(out.string());
    auto inputs = c.inputs.empty() ? test::fixture_inputs(c.folder) : c.inputs;
    args.insert(args.end(), inputs.begin(), inputs.end());
    auto cwd = c.folder == "toy" ? fixture(c.folder) : fixture(c.folder) / "input";
    auto r = run_cli(args, cwd);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const std::string golden = read_file(fixture(c.folder) / c.golden);
    const std::string ours = read_file(out);
    if (ours != golden) {
        size_t i = 0;
        while (i < ours.size() && i < golden.size() && ours[i] == golden[i]) ++i;
        FAIL() << "archive differs from " << c.folder << "/" << c.golden << " at byte " << i << " (sizes "
               << ours.size() << " vs " << golden.size() << ")\n"
               << diff_archives(fixture(c.folder) / c.golden, out).summary();
    }
}

// -c: concat.agc was made from ref.fa and sample00..02 with headers renamed sNN#1#<first word>.
TEST(CreateParityConcat, ByteIdenticalToAgcAtEveryThreadCount) {
    TempDir dir;
    std::string concat;
    for (std::string i : {"00", "01", "02"}) {
        std::string text = read_file(fixture("syn-small/input/sample" + i + ".fa"));
        size_t p = 0;
        while (p < text.size()) {
            size_t eol = text.find('\n', p);
            std::string line = text.substr(p, eol - p);
            if (!line.empty() && line[0] == '>')
                line = ">s" + i + "#1#" + line.substr(1, line.find_first_of(" \t") - 1);
            concat += line + "\n";
            p = eol + 1;
        }
    }
    test::write_file(dir / "concat-samples.fa", concat);
    const std::string golden = read_file(fixture("syn-small/concat.agc"));
    for (int t : {1, 2, 5}) {
        auto r = run_cli({"create", "-t", std::to_string(t), "-c", "-o", (dir / "c.agc").string(),
                          fixture("syn-small/input/ref.fa").string(), (dir / "concat-samples.fa").string()});
        ASSERT_EQ(r.exit_code, 0) << r.err;
        EXPECT_TRUE(read_file(dir / "c.agc") == golden) << "-t " << t;
    }
}

// Several creates at once, so that threads are preempted at random points: every archive must
// still be the golden one (this caught batches reaching the writer out of input order).
TEST(CreateParityUnderLoad, ConcurrentRunsAllByteIdentical) {
    TempDir dir;
    const auto input = fixture("real-sarscov2_97_2022/input");
    const std::string golden = read_file(fixture("real-sarscov2_97_2022/default.agc"));
    auto inputs = test::fixture_inputs("real-sarscov2_97_2022");
    for (int round = 0; round < 3; ++round) {
        std::vector<std::thread> runs;
        std::vector<int> codes(4, -1);
        for (int i = 0; i < 4; ++i)
            runs.emplace_back([&, i] {
                std::vector<std::string> args = {"create", "-t", std::to_string(2 + i % 2), "-o",
                                                 (dir / fmt::format("r{}.agc", i)).string()};
                args.insert(args.end(), inputs.begin(), inputs.end());
                codes[i] = run_cli(args, input).exit_code;
            });
        for (auto& t : runs) t.join();
        for (int i = 0; i < 4; ++i) {
            ASSERT_EQ(codes[i], 0);
            EXPECT_TRUE(read_file(dir / fmt::format("r{}.agc", i)) == golden) << "round " << round << " run " << i;
        }
    }
}

INSTANTIATE_TEST_SUITE_P(Golden, CreateParity,
                         ::testing::Combine(::testing::ValuesIn(cases()), ::testing::Values(1, 2, 5)),
                         [](const auto& info) {
                             return std::get<0>(info.param).name + "_t" + std::to_string(std::get<1>(info.param));
                         });

}  // namespace
}  // namespace agcflow
