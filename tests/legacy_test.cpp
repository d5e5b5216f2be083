// Archives made by AGC 1.1 (format 1.0) and AGC 2.1 (format 2.0): every read command prints
// what AGC 3.2.2 prints for them (../shared/fixtures/legacy-v1/, legacy-v2/), and the format's
// decoders (collection-desc, collection-main/-details, LZ-diff V1) on their own.
#include <gtest/gtest.h>

#include "io/collection_legacy.h"
#include "io/error.h"
#include "io/varint.h"
#include "stages/lz_decoder.h"
#include "tests/test_support.h"

namespace agcflow {
namespace {

using test::fixture;
using test::read_file;
using test::run_cli;

struct Legacy {
    std::string dir, name;
};

class LegacyArchives : public ::testing::TestWithParam<Legacy> {};

std::string expected_getcol(const Legacy& l) {
    if (l.name == "toy") return read_file(fixture(l.dir + "/expected/toy.getcol.fa"));
    if (l.name == "sarscov2") return read_file(fixture("real-sarscov2_97_2022/expected/getcol.fa"));
    return read_file(fixture("syn-small/expected/getcol.fa"));
}

TEST_P(LegacyArchives, EveryReadCommandPrintsWhatAgcPrints) {
    const Legacy& l = GetParam();
    const std::string a = fixture(l.dir + "/" + l.name + ".agc").string();
    const std::string e = fixture(l.dir + "/expected/" + l.name).string();
    for (const std::string t : {"1", "2"}) {
        auto r = run_cli({"getcol", "-t", t, a});
        ASSERT_EQ(r.exit_code, 0) << r.err;
        EXPECT_TRUE(r.out == expected_getcol(l)) << "getcol -t " << t;
    }
    auto r = run_cli({"info", a});
    EXPECT_EQ(r.exit_code, 0);
    EXPECT_EQ(r.err, read_file(e + ".info.txt"));
    EXPECT_EQ(run_cli({"listset", a}).out, read_file(e + ".listset.txt"));
    EXPECT_EQ(run_cli({"listref", a}).out, read_file(e + ".listref.txt"));
    if (l.name.rfind("syn-", 0) == 0) {
        EXPECT_EQ(run_cli({"getset", "-l", "60", a, "sample01"}).out,
                  read_file(fixture("syn-small/expected/getset-l60-sample01.fa")));
        EXPECT_EQ(run_cli({"getctg", a, "chr1@sample02:1000-1999", "chr2@ref"}).out,
                  read_file(fixture("syn-small/expected/getctg-ranges.fa")));
        EXPECT_EQ(run_cli({"listctg", a, "sample00", "sample03"}).out, read_file(fixture("syn-small/expected/listctg.txt")));
    }
}

// getcol -o DIR writes each sample's file; getcol -r leaves out the reference sample (the first
// stored one; AGC 3.2.2 drops the first sorted sample of a 1.x/2.x archive instead).
TEST_P(LegacyArchives, GetcolToFilesAndWithoutTheReference) {
    const Legacy& l = GetParam();
    const std::string a = fixture(l.dir + "/" + l.name + ".agc").string();
    test::TempDir dir;
    auto r = run_cli({"getcol", "-o", dir.path().string(), a});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const std::string ref = run_cli({"listref", a}).out;
    std::string all, without_ref;
    std::istringstream names(run_cli({"listset", a}).out);
    for (std::string s; std::getline(names, s);) {
        const std::string one = read_file(dir / (s + ".fa"));
        EXPECT_EQ(one, run_cli({"getset", a, s}).out) << s;
        all += one;
        if (s != ref) without_ref += one;
    }
    EXPECT_TRUE(all == expected_getcol(l));
    EXPECT_TRUE(run_cli({"getcol", "-r", a}).out == without_ref);
}

INSTANTIATE_TEST_SUITE_P(Fixtures, LegacyArchives,
                         ::testing::Values(Legacy{"legacy-v1", "toy"}, Legacy{"legacy-v1", "syn-default"},
                                           Legacy{"legacy-v1", "syn-small-seg"}, Legacy{"legacy-v1", "sarscov2"},
                                           Legacy{"legacy-v2", "toy"}, Legacy{"legacy-v2", "syn-default"},
                                           Legacy{"legacy-v2", "syn-small-seg"}, Legacy{"legacy-v2", "sarscov2"}),
                         [](const auto& info) {
                             std::string n = info.param.dir + "_" + info.param.name;
                             for (char& c : n)
                                 if (c == '-') c = '_';
                             return n;
                         });

TEST(LegacyAppend, IsRefusedClearly) {
    test::TempDir dir;
    auto r = run_cli({"append", fixture("legacy-v2/toy.agc").string(), fixture("syn-small/input/sample00.fa").string(),
                      "-o", (dir / "x.agc").string()});
    EXPECT_NE(r.exit_code, 0);
    EXPECT_EQ(r.err, "agc-flow: " + fixture("legacy-v2/toy.agc").string() +
                         ": appending to a format 2.0 archive (AGC 2.x) is not supported; write a format 3 archive "
                         "from its samples with getcol and create\n");
    EXPECT_FALSE(std::filesystem::exists(dir / "x.agc"));
}

// ---- the decoders on their own -----------------------------------------------------------

Codes codes(const std::string& letters) {
    Codes c;
    for (char ch : letters) c.push_back(static_cast<uint8_t>(kLetterToCode[static_cast<uint8_t>(ch)]));
    return c;
}

std::vector<uint8_t> bytes(const std::string& s) { return {s.begin(), s.end()}; }

TEST(LzDiffV1, LiteralsMatchesAndNRuns) {
    const Codes ref = codes("ACGTACGTACGTACGTACGTACGTACGTACGT");  // 32 bases
    Codes out;
    // "A", then a match at the predicted position 1 of 20 + 2 bases (length is always given),
    // then a run of 4 + 1 Ns (it does not move the prediction), then a match 13 bases back.
    lz_decode(ref, bytes("A0,2.\x1e" "1\x04-13,0."), 20, out, "entry", LzVersion::v1);
    std::string letters;
    for (uint8_t c : out) letters.push_back(code_to_letter(c));
    EXPECT_EQ(letters, "A" "CGTACGTACGTACGTACGTACG" "NNNNN" "GTACGTACGTACGTACGTAC");
    // V1 has neither '!' nor matches to the end (V2 has both).
    EXPECT_THROW(lz_decode(ref, bytes("A!"), 20, out, "entry", LzVersion::v1), Error);
    EXPECT_THROW(lz_decode(ref, bytes("0."), 20, out, "entry", LzVersion::v1), Error);
    lz_decode(ref, bytes("A!0."), 20, out, "entry", LzVersion::v2);
    EXPECT_EQ(out.size(), 32u);
    EXPECT_THROW(lz_decode(ref, bytes("30,0."), 20, out, "entry", LzVersion::v1), Error);  // outside
}

// Encodes a v1 collection-desc the way AGC 1.1 writes it (zigzag deltas per contig).
std::vector<uint8_t> v1_collection(const std::vector<SampleDesc>& samples, const std::vector<StoredCommand>& cmds) {
    std::vector<uint8_t> out;
    put_cv(out, static_cast<uint32_t>(samples.size()));
    for (const auto& s : samples) {
        put_cstr(out, s.name);
        put_cv(out, static_cast<uint32_t>(s.contigs.size()));
        for (const auto& c : s.contigs) {
            put_cstr(out, c.name);
            put_cv(out, static_cast<uint32_t>(c.segments.size()));
            int64_t g = 0, id = 0, len = 0;
            for (const auto& d : c.segments) {
                put_cv(out, static_cast<uint32_t>(z1_encode(int64_t(d.group_id) - g)));
                put_cv(out, static_cast<uint32_t>(z1_encode(int64_t(d.in_group_id) - id)));
                put_cv(out, static_cast<uint32_t>(z1_encode(int64_t(d.raw_length) - len)));
                put_cv(out, d.is_rev_comp ? 1 : 0);
                g = d.group_id, id = d.in_group_id, len = d.raw_length;
            }
        }
    }
    put_cv(out, static_cast<uint32_t>(cmds.size()));
    for (const auto& c : cmds) put_cstr(out, c.command), put_cstr(out, c.date);
    return out;
}

const std::vector<SampleDesc> kSamples = {
    {"b", {{"chr1 x", {{17, 0, 60031, false}, {20, 3, 59000, true}, {16, 1, 100, false}}}, {"c2", {{2, 5, 31, false}}}}},
    {"a", {{"chr1", {{17, 4, 60031, true}}}}},
};

TEST(LegacyCollections, V1RoundTrip) {
    const auto col = decode_collection_v1(v1_collection(kSamples, {{"agc create x", "Tuesday"}}));
    ASSERT_EQ(col.samples.size(), 2u);
    for (size_t i = 0; i < kSamples.size(); ++i) {
        EXPECT_EQ(col.samples[i].name, kSamples[i].name);
        ASSERT_EQ(col.samples[i].contigs.size(), kSamples[i].contigs.size());
        for (size_t j = 0; j < kSamples[i].contigs.size(); ++j) {
            EXPECT_EQ(col.samples[i].contigs[j].name, kSamples[i].contigs[j].name);
            EXPECT_EQ(col.samples[i].contigs[j].segments, kSamples[i].contigs[j].segments);
        }
    }
    ASSERT_EQ(col.command_lines.size(), 1u);
    EXPECT_EQ(col.command_lines[0].date, "Tuesday");
    auto raw = v1_collection(kSamples, {});
    raw.push_back(0);
    EXPECT_THROW(decode_collection_v1(raw), Error);  // trailing bytes
    raw.resize(raw.size() / 2);
    EXPECT_THROW(decode_collection_v1(raw), Error);  // truncated
}

TEST(LegacyCollections, V2MainAndDetails) {
    std::vector<uint8_t> main;
    put_cv(main, 10);  // details batch
    put_cv(main, static_cast<uint32_t>(kSamples.size()));
    for (const auto& s : kSamples) {
        put_cstr(main, s.name);
        put_cv(main, static_cast<uint32_t>(s.contigs.size()));
        for (const auto& c : s.contigs) put_cstr(main, c.name), put_cv(main, static_cast<uint32_t>(c.segments.size()));
    }
    put_cv(main, 0);
    // Four sequences; each value predicted by the previous segment of its contig (Z2).
    std::vector<uint8_t> details;
    for (int field = 0; field < 4; ++field)
        for (const auto& s : kSamples)
            for (const auto& c : s.contigs) {
                uint64_t prev = 0;
                for (const auto& d : c.segments) {
                    const uint64_t v = field == 0 ? d.group_id : field == 1 ? d.in_group_id : field == 2 ? d.raw_length : d.is_rev_comp;
                    put_cv(details, static_cast<uint32_t>(field == 3 ? v : z2_encode(v, prev)));
                    prev = v;
                }
            }
    auto col = decode_collection_v2_main(main);
    EXPECT_EQ(col.details_batch, 10u);
    decode_collection_v2_details(details, col.samples, col.segment_counts);
    for (size_t i = 0; i < kSamples.size(); ++i)
        for (size_t j = 0; j < kSamples[i].contigs.size(); ++j)
            EXPECT_EQ(col.samples[i].contigs[j].segments, kSamples[i].contigs[j].segments);
    // More segments in collection-main than the details part can hold: refused before anything
    // is allocated for them.
    col = decode_collection_v2_main(main);
    col.segment_counts[0][0] = 1u << 30;
    EXPECT_THROW(decode_collection_v2_details(details, col.samples, col.segment_counts), Error);
}

}  // namespace
}  // namespace agcflow
