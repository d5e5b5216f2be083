// getctg --regions FILE: a BED file's ranges printed exactly as one getctg
// "contig[@sample]:start-(end-1)" per line would print them; an empty range as its header alone;
// the whole file checked before anything is printed. And --sample-in-name headers.
#include <gtest/gtest.h>

#include <random>

#include "io/archive_catalog.h"
#include "pipeline/range_extract.h"
#include "pipeline/regions.h"
#include "tests/test_support.h"

namespace agcflow {
namespace {

using test::read_file;
using test::run_cli;
using test::TempDir;
using test::write_file;

struct Collection {
    TempDir dir;
    std::filesystem::path archive;
    std::vector<std::pair<std::string, std::vector<std::pair<std::string, size_t>>>> samples;  // (sample, contigs)
};

// A generated collection of 4 samples, and its contigs' lengths (from the FASTA files).
Collection& collection() {
    static Collection& c = *[] {
        auto* made = new Collection;  // (kept for the whole run)
        Collection& c = *made;
        auto g = test::run_generator({"--out", c.dir.path().string(), "--samples", "3", "--length", "40000", "--seed", "3",
                                      "--gzip-every", "0", "--list", (c.dir / "list.txt").string()});
        EXPECT_EQ(g.exit_code, 0) << g.err;
        c.archive = c.dir / "c.agc";
        auto r = run_cli({"create", "-s", "2000", "-i", (c.dir / "list.txt").string(), "-o", c.archive.string(),
                          (c.dir / "ref.fa").string()});
        EXPECT_EQ(r.exit_code, 0) << r.err;
        std::istringstream list(read_file(c.dir / "list.txt"));
        for (std::string f; list >> f;) {
            std::vector<std::pair<std::string, size_t>> contigs;
            for (auto& [h, s] : test::parse_fasta(read_file(f))) contigs.emplace_back(h.substr(0, h.find(' ')), s.size());
            c.samples.emplace_back(std::filesystem::path(f).stem().string(), contigs);
        }
        return made;
    }();
    return c;
}

// What one getctg per BED line prints (or, for an empty range, the header alone).
std::string one_query_per_line(const Collection& c, const std::vector<BedRegion>& regions) {
    std::string out;
    for (const auto& r : regions) {
        if (r.end == r.start) {
            auto full = run_cli({"getctg", c.archive.string(), r.name + ":0-0"});
            EXPECT_EQ(full.exit_code, 0) << full.err;
            const std::string header = full.out.substr(1, full.out.find(":0-0\n") - 1);
            out += ">" + header + ":" + std::to_string(r.start) + "-" + std::to_string(int64_t(r.start) - 1) + "\n";
            continue;
        }
        auto q = run_cli({"getctg", c.archive.string(), r.name + ":" + std::to_string(r.start) + "-" + std::to_string(r.end - 1)});
        EXPECT_EQ(q.exit_code, 0) << q.err;
        out += q.out;
    }
    return out;
}

TEST(Regions, SameAsOneGetctgPerLine) {
    Collection& c = collection();
    std::mt19937 rng(42);
    std::string bed = "# a comment\ntrack name=test\nbrowser position chr1:1-100\n\n";
    std::vector<BedRegion> regions;
    for (int i = 0; i < 150; ++i) {
        const auto& [sample, contigs] = c.samples[rng() % c.samples.size()];
        const auto& [contig, len] = contigs[rng() % contigs.size()];
        uint64_t a = rng() % (len + 50), b = rng() % (len + 50);  // some past the end
        if (i % 10 == 0) b = a;                                   // empty
        if (a > b) std::swap(a, b);
        const std::string name = contig + "@" + sample;
        const std::string line = name + "\t" + std::to_string(a) + "\t" + std::to_string(b) + (i % 3 ? "\tfeature\t0\t+" : "");
        bed += line + (i % 4 == 0 ? "\r\n" : "\n");
        regions.push_back({0, name, a, b});
        if (i % 25 == 0) {  // a duplicated line
            bed += line + "\n";
            regions.push_back({0, name, a, b});
        }
    }
    write_file(c.dir / "r.bed", bed);
    auto r = run_cli({"getctg", "--regions", (c.dir / "r.bed").string(), c.archive.string(), "-t", "2"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(r.out == one_query_per_line(c, regions));
    // From standard input ("-"), the same.
    auto s = run_cli({"getctg", "--regions", "-", c.archive.string()}, {}, c.dir / "r.bed");
    ASSERT_EQ(s.exit_code, 0) << s.err;
    EXPECT_TRUE(s.out == r.out);
}

TEST(Regions, SpaceSeparatedColumns) {
    Collection& c = collection();
    write_file(c.dir / "u.bed", "chr1@ref 10 20\n");
    auto r = run_cli({"getctg", "--regions", (c.dir / "u.bed").string(), c.archive.string()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, run_cli({"getctg", c.archive.string(), "chr1@ref:10-19"}).out);
}

TEST(Regions, ABadLineIsAnErrorNamingItAndNothingIsPrinted) {
    Collection& c = collection();
    const std::string bed = (c.dir / "bad.bed").string();
    const std::string a = c.archive.string();
    auto check = [&](const std::string& text, const std::string& message) {
        write_file(bed, "chr1@ref\t0\t10\n# fine so far\n" + text);
        auto r = run_cli({"getctg", "--regions", bed, a});
        EXPECT_NE(r.exit_code, 0) << text;
        EXPECT_TRUE(r.out.empty()) << text;
        EXPECT_EQ(r.err, "agc-flow: " + bed + ":3: " + message + "\n") << text;
    };
    check("chr1@ref\t5\n", "a region needs 3 columns (contig, start, end), not 2");
    check("chr1@ref\tx\t10\n", "bad start 'x'");
    check("chr1@ref\t0\t-1\n", "bad end '-1'");
    check("chr1@ref\t10\t5\n", "end 5 is before start 10");
    check("chrX@ref\t0\t5\n", "no contig chrX in sample ref of " + a);
    check("chr1@nosuch\t0\t5\n", "no sample nosuch in " + a);
    check("chr1\t0\t5\n", "contig chr1 is in 4 samples of " + a + "; name one as chr1@<sample>");
    auto r = run_cli({"getctg", "--regions", (c.dir / "none.bed").string(), a});
    EXPECT_EQ(r.err, "agc-flow: cannot open " + (c.dir / "none.bed").string() + ": No such file or directory\n");
    r = run_cli({"getctg", "--regions", bed, a, "chr1@ref"});
    EXPECT_EQ(r.err, "agc-flow: getctg takes contig queries or --regions FILE, not both\n");
}

TEST(Regions, SampleInName) {
    Collection& c = collection();
    write_file(c.dir / "s.bed", "chr1@sample1\t0\t5\n");
    auto r = run_cli({"getctg", "--sample-in-name", "--regions", (c.dir / "s.bed").string(), c.archive.string()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto plain = run_cli({"getctg", c.archive.string(), "chr1@sample1:0-4"});
    EXPECT_EQ(r.out, ">sample1#" + plain.out.substr(1));
    auto q = run_cli({"getctg", "--sample-in-name", c.archive.string(), "chr2@ref"});
    EXPECT_EQ(q.out.substr(0, q.out.find('\n')), ">ref#chr2");
    // A name already in PanSN form for its sample keeps its header.
    TempDir d;
    write_file(d / "ref.fa", ">ref#1#chr1\nACGTTGCAACGTAGCTAGCTAGGATCGATCGATTTACG\n");
    ASSERT_EQ(run_cli({"create", "-o", (d / "p.agc").string(), (d / "ref.fa").string()}).exit_code, 0);
    auto p = run_cli({"getctg", "--sample-in-name", (d / "p.agc").string(), "ref#1#chr1@ref"});
    EXPECT_EQ(p.out.substr(0, p.out.find('\n')), ">ref#1#chr1");
}

// The ranges' segments are decoded once per window however many ranges touch them; a budget
// too small for all of them at once gives several windows and the same bytes.
TEST(Regions, EachSegmentDecodedOncePerWindow) {
    Collection& c = collection();
    ArchiveCatalog catalog(c.archive);
    SegmentDecoder decoder(catalog);
    std::vector<RangeRequest> ranges;
    std::mt19937 rng(5);
    for (int i = 0; i < 400; ++i) {
        const uint32_t si = rng() % catalog.sample_names().size();
        const uint32_t ci = rng() % catalog.sample(si).contigs.size();
        const uint64_t len = catalog.contig_length({si, ci});
        const uint64_t a = rng() % len, b = std::min<uint64_t>(len, a + rng() % 3000);
        ranges.push_back({{si, ci}, a, b});
    }
    auto run = [&](uint64_t budget, RangeExtractStats& stats) {
        std::string out;
        stats = extract_ranges(
            catalog, decoder, ranges, budget, Operation::none(),
            [](size_t, std::span<const uint8_t> codes, std::vector<uint8_t>& bytes) { bytes.assign(codes.begin(), codes.end()); },
            [&](size_t, std::span<const uint8_t> bytes) { out.append(bytes.begin(), bytes.end()); });
        return out;
    };
    RangeExtractStats one, many;
    const std::string all = run(uint64_t(1) << 30, one), windows = run(64 * 1024, many);
    EXPECT_EQ(one.windows, 1u);
    EXPECT_LT(one.segments_decoded, one.segment_uses);  // shared segments decoded once
    EXPECT_GT(many.windows, 5u);
    EXPECT_TRUE(all == windows);
    // Each range as assemble_contig makes it.
    size_t at = 0;
    SegmentScratch scratch;
    for (const auto& r : ranges) {
        Codes want;
        if (r.end > r.begin)
            assemble_contig(catalog.contig(r.contig), decoder, catalog.params().k,
                            {int64_t(r.begin), int64_t(r.end) - 1}, want, scratch);
        ASSERT_TRUE(all.compare(at, want.size(), std::string(want.begin(), want.end())) == 0);
        at += want.size();
    }
    EXPECT_EQ(at, all.size());
}

TEST(Regions, ParserSkipsCommentsAndAcceptsCrlf) {
    auto r = parse_bed("#x\ntrack\nbrowser x\ntracks\t1\t2\r\n\r\nc\t0\t0\n", "f.bed");
    ASSERT_EQ(r.size(), 2u);
    EXPECT_EQ(r[0].name, "tracks");
    EXPECT_EQ(r[0].line, 4u);
    EXPECT_EQ(r[1].line, 6u);
    EXPECT_EQ(r[1].start, r[1].end);
}

}  // namespace
}  // namespace agcflow
