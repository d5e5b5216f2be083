// Reading AGC-made archives: the collection, the segments and whole contigs must come out
// exactly as AGC's own getcol printed them.
#include <gtest/gtest.h>

#include <map>

#include "io/archive_catalog.h"
#include "io/error.h"
#include "stages/segment_decoder.h"
#include "tests/test_support.h"

namespace agcflow {
namespace {

using test::fixture;

std::string to_letters(const Codes& c) {
    std::string s(c.size(), ' ');
    for (size_t i = 0; i < c.size(); ++i) s[i] = code_to_letter(c[i]);
    return s;
}

// Every contig of every sample, in archive order, as AGC's getcol prints them.
void expect_collection_matches(const std::filesystem::path& archive, const std::filesystem::path& expected) {
    ArchiveCatalog cat(archive);
    SegmentDecoder dec(cat.reader(), cat.params());
    SegmentScratch scratch;
    auto recs = test::parse_fasta(test::read_file(expected));
    size_t r = 0;
    Codes contig;
    for (uint32_t si = 0; si < cat.sample_names().size(); ++si) {
        for (const auto& c : cat.sample(si).contigs) {
            ASSERT_LT(r, recs.size());
            EXPECT_EQ(c.name, recs[r].first);
            assemble_contig(c, dec, cat.params().k, {}, contig, scratch);
            ASSERT_EQ(to_letters(contig), recs[r].second) << "sample " << cat.sample_names()[si] << " contig " << c.name;
            ++r;
        }
    }
    EXPECT_EQ(r, recs.size());
}

TEST(ArchiveRead, ToyExampleFromAgcRelease) {
    expect_collection_matches(fixture("toy/toy_ex.agc"), fixture("toy/getcol.fa"));
}
TEST(ArchiveRead, ToyDefault) { expect_collection_matches(fixture("toy/default.agc"), fixture("toy/getcol.fa")); }
TEST(ArchiveRead, SynSmallDefault) {
    expect_collection_matches(fixture("syn-small/default.agc"), fixture("syn-small/expected/getcol.fa"));
}
TEST(ArchiveRead, SynSmallAppended) {
    expect_collection_matches(fixture("syn-small/appended.agc"), fixture("syn-small/expected/appended-getcol.fa"));
}
TEST(ArchiveRead, SynSmallConcat) {
    expect_collection_matches(fixture("syn-small/concat.agc"), fixture("syn-small/expected/concat-getcol.fa"));
}
TEST(ArchiveRead, SarsCov2) {
    expect_collection_matches(fixture("real-sarscov2_97_2022/default.agc"),
                              fixture("real-sarscov2_97_2022/expected/getcol.fa"));
}
TEST(ArchiveRead, YeastMito) {
    expect_collection_matches(fixture("real-yeast_mito_scerevisiae7/default.agc"),
                              fixture("real-yeast_mito_scerevisiae7/expected/getcol.fa"));
}
TEST(ArchiveRead, HumanLpa) {
    expect_collection_matches(fixture("real-human_LPA14/default.agc"),
                              fixture("real-human_LPA14/expected/getcol.fa"));
}

TEST(ArchiveRead, ParamsAndSamples) {
    ArchiveCatalog cat(fixture("toy/toy_ex.agc"));
    EXPECT_EQ(cat.params().k, 31u);
    EXPECT_EQ(cat.params().min_match_len, 20u);
    EXPECT_EQ(cat.params().pack_cardinality, 50u);
    EXPECT_EQ(cat.params().segment_size, 60000u);
    EXPECT_EQ(cat.version(), 3000u);
    EXPECT_EQ(cat.sample_names(), (std::vector<std::string>{"ref", "a", "b", "c"}));
    ArchiveCatalog small(fixture("syn-small/small-seg.agc"));
    EXPECT_EQ(small.params().k, 25u);
    EXPECT_EQ(small.params().min_match_len, 18u);
    EXPECT_EQ(small.params().pack_cardinality, 3u);
    EXPECT_EQ(small.params().segment_size, 5000u);
}

// One thread's scratch serving two archives: the pack it keeps belongs to one decoder, and
// another archive's segment with the same group and pack numbers must not be taken from it.
TEST(ArchiveRead, ScratchSharedByTwoArchivesGivesEachItsOwnSegments) {
    ArchiveCatalog a(fixture("syn-small/default.agc")), b(fixture("toy/toy_ex.agc"));
    SegmentDecoder da(a), db(b);
    Codes want_a, want_b, got;
    {
        SegmentScratch fresh;
        da.decode(1, 1, want_a, fresh);
    }
    {
        SegmentScratch fresh;
        db.decode(1, 1, want_b, fresh);
    }
    ASSERT_NE(want_a, want_b);
    SegmentScratch shared;
    for (int round = 0; round < 3; ++round) {
        da.decode(1, 1, got, shared);
        EXPECT_EQ(got, want_a);
        db.decode(1, 1, got, shared);
        EXPECT_EQ(got, want_b);
    }
}

}  // namespace
}  // namespace agcflow
