// create --preset fast / max: other zstd levels in an archive AGC still reads, recorded in
// file_type_info and kept by append.
#include <gtest/gtest.h>
#include <zstd.h>

#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "io/archive_catalog.h"
#include "io/compression_profile.h"
#include "io/stream_names.h"
#include "io/zstd_codec.h"
#include "tests/test_support.h"

namespace agcflow {
namespace {

using test::fixture;
using test::read_file;
using test::run_cli;
using test::run_program;
using test::TempDir;

// syn-small's samples (its inputs but the reference).
const std::vector<std::string> kSamples(test::kSynSmallInputs.begin() + 1, test::kSynSmallInputs.end());

std::string create(const TempDir& dir, const std::string& name, const std::vector<std::string>& extra,
                   const std::vector<std::string>& samples = kSamples) {
    const auto out = (dir / name).string();
    std::vector<std::string> args = {"create", "-t", "2", "-s", "5000", "-b", "2", "-o", out};
    args.insert(args.end(), extra.begin(), extra.end());
    args.push_back("ref.fa");
    args.insert(args.end(), samples.begin(), samples.end());
    auto r = run_cli(args, fixture("syn-small/input"));
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return out;
}

std::string preset_of(const std::string& archive) {
    ArchiveCatalog c(archive, false);
    auto it = c.file_type_info().find(kPresetKey);
    return it == c.file_type_info().end() ? "" : it->second;
}

// Every compressed part of every group (its reference, its packs) is what zstd makes of its
// content at the profile's level for that kind of part: the levels the archive was written with.
void expect_parts_at_levels(const std::string& archive, const CompressionProfile& profile) {
    ArchiveCatalog c(archive, false);
    size_t parts = 0;
    for (const StreamInfo& s : c.reader().streams()) {
        const auto group = parse_group_stream(s.name);
        if (!group) continue;
        const bool reference = group->reference;
        for (size_t i = 0; i < s.parts.size(); ++i) {
            Part p = c.reader().part(s, i);
            if (p.metadata == 0) continue;  // stored plain
            const uint8_t marker = p.payload.back();
            std::span<const uint8_t> frame(p.payload.data(), p.payload.size() - 1);
            std::vector<uint8_t> raw;
            if (marker == 1)
                zstd_decompress_frame_upto(frame, p.metadata + 1, raw, s.name);  // a reference as tuples
            else
                zstd_decompress_frame(frame, p.metadata, raw, s.name);
            const int level = !reference ? profile.pack_level
                              : marker == 1 ? profile.reference_tuple_level
                                            : profile.reference_plain_level;
            EXPECT_TRUE(zstd_compress(raw, level) == std::vector<uint8_t>(frame.begin(), frame.end()))
                << archive << ": " << s.name << " part " << i << " is not at level " << level;
            ++parts;
        }
    }
    EXPECT_GT(parts, 5u);
}

TEST(Preset, FastAndMaxKeepTheBasesAndRecordThePreset) {
    TempDir dir;
    const auto plain = create(dir, "agc.agc", {});
    const auto agc = create(dir, "agc-named.agc", {"--preset", "agc"});
    const auto fast = create(dir, "fast.agc", {"--preset", "fast"});
    const auto max = create(dir, "max.agc", {"--preset", "max"});
    // --preset agc is the default, byte for byte; the others differ and say so.
    EXPECT_TRUE(read_file(agc) == read_file(plain));
    EXPECT_EQ(preset_of(plain), "");
    EXPECT_EQ(preset_of(fast), "fast");
    EXPECT_EQ(preset_of(max), "max");
    expect_parts_at_levels(plain, agc_profile());
    expect_parts_at_levels(fast, preset_profile(Preset::fast));
    expect_parts_at_levels(max, preset_profile(Preset::max));
    const auto bases = run_cli({"getcol", plain}).out;
    ASSERT_FALSE(bases.empty());
    for (const auto& a : {fast, max}) {
        auto r = run_cli({"getcol", a});
        EXPECT_EQ(r.exit_code, 0) << r.err;
        EXPECT_TRUE(r.out == bases) << a;
        EXPECT_NE(read_file(a), read_file(plain)) << a;
    }
    auto info = run_cli({"info", "-v", "1", fast});  // (AGC's info writes to stderr)
    EXPECT_NE(info.err.find("agcflow_preset : fast"), std::string::npos) << info.err;
}

// --preset max packs up to 500 segments of a group (not 50) unless -b says otherwise: on a
// collection of more than 50 samples its packs are fewer and its archive smaller.
TEST(Preset, MaxPacksMoreSegmentsUnlessBIsGiven) {
    TempDir dir;
    auto g = test::run_generator({"--out", (dir / "g").string(), "--samples", "69", "--contigs", "1", "--length",
                                  "20000", "--seed", "11", "--list", (dir / "list.txt").string()});
    ASSERT_EQ(g.exit_code, 0) << g.err;
    std::vector<std::string> inputs;
    std::istringstream list(read_file(dir / "list.txt"));
    for (std::string f; list >> f;) inputs.push_back(f);
    auto make = [&](const std::string& name, std::vector<std::string> args) {
        const auto out = (dir / name).string();
        args.insert(args.begin(), {"create", "-t", "2", "-o", out});
        args.insert(args.end(), inputs.begin(), inputs.end());
        auto r = run_cli(args);
        EXPECT_EQ(r.exit_code, 0) << r.err;
        return out;
    };
    const auto plain = make("agc.agc", {});
    const auto max = make("max.agc", {"--preset", "max"});
    const auto max50 = make("max-b50.agc", {"--preset", "max", "-b", "50"});
    EXPECT_EQ(ArchiveCatalog(plain, false).params().pack_cardinality, 50u);
    EXPECT_EQ(ArchiveCatalog(max, false).params().pack_cardinality, 500u);
    EXPECT_EQ(ArchiveCatalog(max50, false).params().pack_cardinality, 50u);
    const auto bases = run_cli({"getcol", plain}).out;
    ASSERT_FALSE(bases.empty());
    EXPECT_TRUE(run_cli({"getcol", max}).out == bases);
    EXPECT_TRUE(run_cli({"getcol", max50}).out == bases);
    EXPECT_LT(std::filesystem::file_size(max), std::filesystem::file_size(max50));
}

TEST(Preset, TheSameArchiveAtEveryThreadCount) {
    TempDir dir;
    const auto one = read_file(create(dir, "one.agc", {"--preset", "fast", "-t", "1"}));
    for (const char* t : {"2", "5"})
        EXPECT_TRUE(read_file(create(dir, std::string("t") + t + ".agc", {"--preset", "fast", "-t", t})) == one) << t;
}

TEST(Preset, AppendKeepsTheArchivesPreset) {
    TempDir dir;
    const std::vector<std::string> first(kSamples.begin(), kSamples.begin() + 3);
    for (auto [name, preset] : {std::pair{"fast", Preset::fast}, std::pair{"max", Preset::max}}) {
        const auto before = create(dir, std::string(name) + "-3.agc", {"--preset", name}, first);
        const auto out = (dir / (std::string(name) + "-6.agc")).string();
        auto r = run_cli({"append", before, "sample03.fa", "sample04.fa.gz", "sample05.fa.gz", "-o", out},
                         fixture("syn-small/input"));
        ASSERT_EQ(r.exit_code, 0) << r.err;
        EXPECT_EQ(preset_of(out), name);
        expect_parts_at_levels(out, preset_profile(preset));
        EXPECT_TRUE(run_cli({"getcol", out}).out == read_file(fixture("syn-small/expected/appended-getcol.fa"))) << name;
    }
}

TEST(Preset, AnUnknownPresetIsRefused) {
    auto r = run_cli({"create", "--preset", "ultra", "-o", "/dev/null", "ref.fa"}, fixture("syn-small/input"));
    EXPECT_NE(r.exit_code, 0);
    EXPECT_NE(r.err.find("ultra"), std::string::npos) << r.err;
}

// AGC 3.2.2 itself extracts the same bases from preset archives (needs its program: configure
// with -DAGCFLOW_AGC_BINARY=/path/to/agc, or have `agc` on PATH; skipped otherwise).
TEST(Preset, AgcReadsThemToTheSameBases) {
    const std::string agc_binary = AGCFLOW_AGC_BINARY;
    if (agc_binary.empty()) GTEST_SKIP() << "no AGC program found at configure time";
    TempDir dir;
    for (const char* preset : {"fast", "max"}) {
        const auto a = create(dir, std::string(preset) + ".agc", {"--preset", preset, "--checksums"});
        auto r = run_program(agc_binary, {"getcol", a});
        EXPECT_EQ(r.exit_code, 0) << r.err;
        EXPECT_TRUE(r.out == run_cli({"getcol", a}).out) << preset;
        auto s = run_program(agc_binary, {"getset", a, "sample02"});
        EXPECT_EQ(s.exit_code, 0) << s.err;
        EXPECT_TRUE(s.out == run_cli({"getset", a, "sample02"}).out) << preset;
        EXPECT_FALSE(s.out.empty());
    }
}

}  // namespace
}  // namespace agcflow
