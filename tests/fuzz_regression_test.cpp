// The inputs that made the fuzzers find bugs (tests/fuzz/corpus/<target>/), replayed through the
// same targets on every test run: each must end without a crash (errors are fine).
#include <gtest/gtest.h>

#include <filesystem>

#include "tests/fuzz/targets.h"
#include "tests/test_support.h"

namespace agcflow {
namespace {

TEST(FuzzRegression, CorpusInputsRunClean) {
    const std::filesystem::path corpus = std::filesystem::path(AGCFLOW_SOURCE_DIR) / "tests/fuzz/corpus";
    size_t inputs = 0;
    for (const auto& t : fuzz::all_targets()) {
        const auto dir = corpus / t.name;
        if (!std::filesystem::is_directory(dir)) continue;
        for (const auto& e : std::filesystem::directory_iterator(dir)) {
            const std::string bytes = test::read_file(e.path());
            EXPECT_EQ(t.run(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()), 0) << e.path();
            ++inputs;
        }
    }
    EXPECT_GT(inputs, 0u);
}

// Every target also runs clean on the golden archives and their inputs (the fuzzers' seeds).
TEST(FuzzRegression, SeedsRunClean) {
    for (const auto& e : std::filesystem::recursive_directory_iterator(test::fixture(""))) {
        if (!e.is_regular_file() || e.file_size() > (4u << 20)) continue;
        const std::string bytes = test::read_file(e.path());
        for (const auto& t : fuzz::all_targets())
            EXPECT_EQ(t.run(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()), 0) << t.name << " " << e.path();
    }
}

}  // namespace
}  // namespace agcflow
