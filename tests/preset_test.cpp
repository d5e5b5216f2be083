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
#include "stages/group_parts.h"
#include "stages/lz_encoder.h"
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

// A real collection made with --preset max, from its fixture folder's input/ (inputs.txt's order).
std::string create_real_max(const TempDir& dir, const std::string& folder) {
    const auto out = (dir / (folder + ".agc")).string();
    std::vector<std::string> args = {"create", "-t", "2", "--preset", "max", "-o", out};
    for (const auto& f : test::fixture_inputs(folder)) args.push_back(f);
    auto r = run_cli(args, fixture(folder) / "input");
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return out;
}

// --preset max stores a reference with repeats in the smaller of its two forms (zstd of the plain
// codes, or of their tuples), not by AGC's periodicity rule; others by that rule. On human LPA the
// two choices differ.
TEST(Preset, MaxStoresEachReferenceInItsSmallerForm) {
    TempDir dir;
    const auto archive = create_real_max(dir, "real-human_LPA14");
    const CompressionProfile max = preset_profile(Preset::max);
    ArchiveCatalog c(archive, false);
    size_t references = 0, not_agcs_form = 0;
    for (const StreamInfo& s : c.reader().streams()) {
        const auto group = parse_group_stream(s.name);
        if (!group || !group->reference) continue;
        for (size_t i = 0; i < s.parts.size(); ++i) {
            Part p = c.reader().part(s, i);
            const Codes codes = decode_reference_part(p.metadata, p.payload, s.name);
            auto form_size = [&](std::span<const uint8_t> content, int level) {
                const size_t z = zstd_compress(content, level).size() + 1;
                return z < codes.size() ? z : codes.size();
            };
            const size_t tuples = form_size(pack_tuples(codes), max.reference_tuple_level);
            const size_t plain = form_size(codes, max.reference_plain_level);
            const bool plain_form = p.metadata != 0 && p.payload.back() == 0;
            if (repeated_kmer_fraction(codes) >= kRepeatsForBothForms) {
                EXPECT_EQ(p.payload.size(), std::min(tuples, plain)) << s.name;
                not_agcs_form += p.metadata != 0 && plain_form != is_periodic(codes);
            } else {  // AGC's rule
                EXPECT_EQ(p.payload.size(), is_periodic(codes) ? plain : tuples) << s.name;
            }
            ++references;
        }
    }
    EXPECT_GT(references, 5u);
    EXPECT_GT(not_agcs_form, 0u);
}

// The matches of the LZ-diff entries of an archive's delta packs (min_match_len 20), as the
// length and the distance of each from the predicted reference position.
std::vector<std::pair<uint64_t, uint64_t>> delta_matches(const std::string& archive) {
    std::vector<std::pair<uint64_t, uint64_t>> matches;
    ArchiveCatalog c(archive, false);
    for (const StreamInfo& s : c.reader().streams()) {
        const auto group = parse_group_stream(s.name);
        if (!group || group->reference || group->group < kNumRawGroups) continue;
        for (size_t i = 0; i < s.parts.size(); ++i) {
            Part p = c.reader().part(s, i);
            const auto pack = decode_pack(p.metadata, p.payload, s.name);
            std::string entry;
            for (uint8_t b : pack) {
                if (b != 0xFF) {
                    entry.push_back(static_cast<char>(b));
                    continue;
                }
                int64_t pred = 0;
                for (size_t j = 0; j < entry.size();) {
                    const char b0 = entry[j];
                    if ((b0 >= 'A' && b0 <= 'Z') || b0 == '!') {  // a literal
                        ++pred, ++j;
                    } else if (b0 == 30) {  // an N run: pred stays
                        j = entry.find('\x04', j) + 1;
                    } else {  // [-]offset[,length - 20]. ; no length: to the end
                        const size_t dot = entry.find('.', j);
                        const std::string m = entry.substr(j, dot - j);
                        const size_t comma = m.find(',');
                        const int64_t offset = std::stoll(m.substr(0, comma));
                        const uint64_t len = comma == std::string::npos ? UINT64_MAX : std::stoull(m.substr(comma + 1)) + 20;
                        matches.emplace_back(len, static_cast<uint64_t>(offset < 0 ? -offset : offset));
                        pred += offset + static_cast<int64_t>(len);
                        j = dot + 1;
                    }
                }
                entry.clear();
            }
        }
    }
    return matches;
}

// --preset max writes a short match far from the predicted position as literals: in the yeast
// mitochondria's default archive there are such matches, in its max archive none.
TEST(Preset, MaxWritesNoShortDetours) {
    TempDir dir;
    auto detours = [](const std::string& archive) {
        size_t n = 0, all = 0;
        for (auto [len, distance] : delta_matches(archive)) {
            n += len < LzEncoder::kShortDetour && distance > LzEncoder::kFarDetour;
            ++all;
        }
        EXPECT_GT(all, 100u) << archive;
        return n;
    };
    EXPECT_GT(detours(fixture("real-yeast_mito_scerevisiae7/default.agc").string()), 10u);
    EXPECT_EQ(detours(create_real_max(dir, "real-yeast_mito_scerevisiae7")), 0u);
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
    // Real collections whose max archives store references in the other form than AGC's rule
    // (LPA) and write short far matches as literals (yeast mitochondria).
    for (const char* folder : {"real-human_LPA14", "real-yeast_mito_scerevisiae7"}) {
        const auto a = create_real_max(dir, folder);
        auto r = run_program(agc_binary, {"getcol", a});
        EXPECT_EQ(r.exit_code, 0) << r.err;
        EXPECT_TRUE(r.out == read_file(fixture(folder) / "expected/getcol.fa")) << folder;
    }
}

}  // namespace
}  // namespace agcflow
