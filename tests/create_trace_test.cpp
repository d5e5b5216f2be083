// create --trace, the thread counts create really runs at, and bench/scaling-model on a trace.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "tests/test_support.h"

namespace agcflow {
namespace {

using test::fixture;
using test::read_file;
using test::run_cli;
using test::run_program;
using test::TempDir;

const std::vector<std::string>& kSynInputs = test::kSynSmallInputs;

test::CliResult create(const std::string& out, const std::vector<std::string>& options) {
    std::vector<std::string> args = {"create", "-o", out};
    args.insert(args.end(), options.begin(), options.end());
    args.insert(args.end(), kSynInputs.begin(), kSynInputs.end());
    return run_cli(args, fixture("syn-small/input"));
}

struct TraceEvent {
    std::string name;
    int tid = -1;
};

// The events of a trace file, one per line as Trace::write puts them.
std::vector<TraceEvent> events_of(const std::string& json) {
    std::vector<TraceEvent> ev;
    static const std::regex line(R"re(\{"name":"([a-z-]+)","cat":"[a-z-]+","ph":"X","pid":1,"tid":(\d+),"ts":[0-9.]+,"dur":[0-9.]+,"args":\{"sample":-?\d+,"group":-?\d+,"bytes":\d+\}\})re");
    std::smatch m;
    size_t from = 0;
    for (size_t eol; (eol = json.find('\n', from)) != std::string::npos; from = eol + 1) {
        const std::string l = json.substr(from, eol - from);
        if (std::regex_search(l, m, line)) ev.push_back({m[1], std::stoi(m[2])});
    }
    return ev;
}

TEST(CreateTrace, EveryNodeRecordedAndTheArchiveUnchanged) {
    TempDir dir;
    auto r = create((dir / "a.agc").string(), {"-t", "2", "--trace", (dir / "t.json").string()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(read_file(dir / "a.agc") == read_file(fixture("syn-small/default.agc")));
    const std::string json = read_file(dir / "t.json");
    EXPECT_EQ(json.rfind("{\"displayTimeUnit\":\"ms\",\"otherData\":{\"command\":\"create\",\"threads\":\"2\"", 0), 0u)
        << json.substr(0, 200);
    for (const char* key : {"\"graph_tokens\":", "\"read_ahead\":", "\"room\":", "\"readers\":"})
        EXPECT_NE(json.find(key), std::string::npos) << key;
    std::set<std::string> names;
    for (auto& e : events_of(json)) names.insert(e.name);
    for (const char* node : {"read", "splitters", "splitters-par", "cut", "route", "register", "store", "compress-ref",
                             "write", "close"})
        EXPECT_TRUE(names.count(node)) << node;
    // Without --trace, no file; the option never changes the archive (above) and append has it too.
    auto a = run_cli({"append", "--trace", (dir / "append.json").string(), fixture("syn-small/first-three.agc").string(),
                      "sample03.fa", "sample04.fa.gz", "sample05.fa.gz", "-o", (dir / "b.agc").string()},
                     fixture("syn-small/input"));
    ASSERT_EQ(a.exit_code, 0) << a.err;
    EXPECT_TRUE(read_file(dir / "b.agc") == read_file(fixture("syn-small/appended.agc")));
    EXPECT_NE(read_file(dir / "append.json").find("\"command\":\"append\""), std::string::npos);
}

TEST(CreateTrace, AnUnwritableTraceIsAnErrorAndNoArchive) {
    TempDir dir;
    auto r = create((dir / "a.agc").string(), {"--trace", (dir / "no/such/dir/t.json").string()});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("cannot write the trace"), std::string::npos) << r.err;
    EXPECT_FALSE(std::filesystem::exists(dir / "a.agc"));
}

// -t 1 to 8 give AGC's archive, and -t 8 really runs more workers than this machine's cores
// (oneTBB caps an arena at the core count unless told otherwise): seen in the trace as more
// than two threads doing graph work.
TEST(CreateThreads, OneToEightThreadsAllByteIdentical) {
    TempDir dir;
    const std::string golden = read_file(fixture("syn-small/adaptive.agc"));
    for (int t = 1; t <= 8; ++t) {
        const auto out = (dir / fmt::format("t{}.agc", t)).string();
        auto r = create(out, {"-a", "-s", "5000", "-t", std::to_string(t), "--trace", (dir / "t.json").string()});
        ASSERT_EQ(r.exit_code, 0) << r.err;
        EXPECT_TRUE(read_file(out) == golden) << "-t " << t;
        if (t == 8) {
            std::set<int> workers;
            for (auto& e : events_of(read_file(dir / "t.json")))
                if (e.name != "read") workers.insert(e.tid);
            EXPECT_GE(workers.size(), 3u) << "-t 8 ran graph work on " << workers.size() << " threads";
        }
    }
}

// The model replays a trace: one line per core count, speed-ups growing with the cores.
TEST(ScalingModel, ReplaysATrace) {
    TempDir dir;
    auto r = create((dir / "a.agc").string(), {"-t", "1", "-s", "5000", "--trace", (dir / "t.json").string()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto m = run_program("/usr/bin/python3", {std::string(AGCFLOW_SOURCE_DIR) + "/bench/scaling-model",
                                              (dir / "t.json").string(), "--cores", "1,2,16"});
    ASSERT_EQ(m.exit_code, 0) << m.err;
    EXPECT_TRUE(std::regex_search(m.out, std::regex(R"(^trace: create -t 1 on \d+ cores, \d+ tasks, measured wall_s=)")))
        << m.out;
    static const std::regex line(R"(cores=(\d+) speedup=([0-9.]+) wall_s=([0-9.]+) bound=\S)");
    std::vector<double> speedups;
    for (std::sregex_iterator it(m.out.begin(), m.out.end(), line), end; it != end; ++it)
        speedups.push_back(std::stod((*it)[2]));
    ASSERT_EQ(speedups.size(), 3u) << m.out;
    EXPECT_GT(speedups[0], 0.0);
    EXPECT_GE(speedups[1], speedups[0]);
    EXPECT_GE(speedups[2], speedups[1]);
}

}  // namespace
}  // namespace agcflow
