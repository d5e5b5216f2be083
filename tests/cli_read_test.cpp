// The read commands, run as a user runs them: output bytes must equal AGC's (fixtures'
// expected/ folders), and every kind of bad input gets one clear line and a non-zero exit.
#include <gtest/gtest.h>

#include "io/archive_writer.h"
#include "io/collection.h"
#include "io/varint.h"
#include "io/zstd_codec.h"
#include "tests/test_support.h"

namespace agcflow {
namespace {

using test::fixture;
using test::read_file;
using test::run_cli;
using test::TempDir;

const std::string kSyn = fixture("syn-small").string();

void expect_output(const std::vector<std::string>& args, const std::filesystem::path& expected) {
    auto r = run_cli(args);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(r.out == read_file(expected)) << "output differs from " << expected;
}

// ---- byte parity with AGC on the golden archives ----

TEST(CliRead, GetcolMatchesAgc) {
    expect_output({"getcol", kSyn + "/default.agc"}, kSyn + "/expected/getcol.fa");
    expect_output({"getcol", "-t", "3", kSyn + "/appended.agc"}, kSyn + "/expected/appended-getcol.fa");
    expect_output({"getcol", kSyn + "/concat.agc"}, kSyn + "/expected/concat-getcol.fa");
    expect_output({"getcol", fixture("toy/toy_ex.agc")}, fixture("toy/getcol.fa"));
    for (auto d : {"real-human_LPA14", "real-sarscov2_97_2022", "real-yeast_mito_scerevisiae7"})
        expect_output({"getcol", "-t", "2", fixture(d) / "default.agc"}, fixture(d) / "expected/getcol.fa");
}

TEST(CliRead, GetsetLineLengthMatchesAgc) {
    expect_output({"getset", "-l", "60", kSyn + "/default.agc", "sample01"}, kSyn + "/expected/getset-l60-sample01.fa");
}

TEST(CliRead, GetctgRangesMatchAgc) {
    expect_output({"getctg", kSyn + "/default.agc", "chr1@sample02:1000-1999", "chr2@ref"},
                  kSyn + "/expected/getctg-ranges.fa");
}

TEST(CliRead, ListsMatchAgc) {
    expect_output({"listset", kSyn + "/default.agc"}, kSyn + "/expected/listset.txt");
    expect_output({"listctg", kSyn + "/default.agc", "sample00", "sample03"}, kSyn + "/expected/listctg.txt");
    expect_output({"listref", kSyn + "/default.agc"}, kSyn + "/expected/listref.txt");
}

TEST(CliRead, InfoGoesToStderr) {
    auto r = run_cli({"info", kSyn + "/small-seg.agc"});
    ASSERT_EQ(r.exit_code, 0);
    EXPECT_EQ(r.out, "");
    EXPECT_EQ(r.err,
              "No. samples      : 7\nk-mer length     : 25\nMin. match length: 18\nSegment size     : 5000\n"
              "Batch size       : 3\nReference name   : ref\nCommand lines:\n");
}

// getset of every sample, concatenated in archive order, is getcol; also at several -t.
TEST(CliRead, GetsetOfAllSamplesEqualsGetcol) {
    auto names = run_cli({"listctg", kSyn + "/default.agc", "ref"});
    std::vector<std::string> args = {"getset", "-t", "4", kSyn + "/default.agc", "ref"};
    for (int i = 0; i < 6; ++i) args.push_back("sample0" + std::to_string(i));
    expect_output(args, kSyn + "/expected/getcol.fa");
    args.push_back("-s");
    expect_output(args, kSyn + "/expected/getcol.fa");
}

TEST(CliRead, GetcolToDirectoryWritesOneFilePerSample) {
    TempDir dir;
    auto r = run_cli({"getcol", "-r", "-o", dir.path().string(), kSyn + "/default.agc"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_FALSE(std::filesystem::exists(dir / "ref.fa"));
    for (int i = 0; i < 6; ++i) {
        std::string s = "sample0" + std::to_string(i);
        auto one = run_cli({"getset", kSyn + "/default.agc", s});
        EXPECT_TRUE(read_file(dir / (s + ".fa")) == one.out) << s;
    }
}

TEST(CliRead, GzipOutputDecompressesToPlain) {
    TempDir dir;
    auto r = run_cli({"getset", "-g", "6", "-o", (dir / "s.fa.gz").string(), kSyn + "/default.agc", "sample01"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    ASSERT_EQ(std::system(("gzip -dc " + (dir / "s.fa.gz").string() + " > " + (dir / "s.fa").string()).c_str()), 0);
    auto plain = run_cli({"getset", kSyn + "/default.agc", "sample01"});
    EXPECT_TRUE(read_file(dir / "s.fa") == plain.out);
}

TEST(CliRead, RangesFollowAgcRules) {
    const std::string a = kSyn + "/default.agc";
    auto whole = run_cli({"getctg", a, "chr2@ref"});
    ASSERT_EQ(whole.exit_code, 0);
    std::string seq;
    for (size_t p = whole.out.find('\n') + 1; p < whole.out.size(); ++p)
        if (whole.out[p] != '\n') seq.push_back(whole.out[p]);
    // 0-based inclusive; the header gets ":from-to".
    auto r = run_cli({"getctg", a, "chr2@ref:10-19"});
    EXPECT_EQ(r.out, ">chr2:10-19\n" + seq.substr(10, 10) + "\n");
    // A range past the end is cut at the end; one starting past the end is empty.
    r = run_cli({"getctg", a, "chr2@ref:" + std::to_string(seq.size() - 5) + "-" + std::to_string(seq.size() + 100)});
    EXPECT_EQ(r.out, ">chr2:" + std::to_string(seq.size() - 5) + "-" + std::to_string(seq.size() + 100) + "\n" +
                         seq.substr(seq.size() - 5) + "\n");
    // from > to: a warning, and the whole contig under its plain name.
    r = run_cli({"getctg", a, "chr2@ref:20-10"});
    EXPECT_EQ(r.exit_code, 0);
    EXPECT_EQ(r.err, "Warning: End of range (10) is prior to start of range (20) so changed to whole contig\n");
    EXPECT_EQ(r.out, whole.out);
    // Ranges that span segment boundaries, checked against the whole contig.
    for (auto [f, t] : {std::pair{59990, 60100}, std::pair{0, 120000}, std::pair{119950, 180100}}) {
        if (static_cast<size_t>(f) >= seq.size()) continue;
        r = run_cli({"getctg", "-l", "1000000", a, "chr2@ref:" + std::to_string(f) + "-" + std::to_string(t)});
        std::string got = r.out.substr(r.out.find('\n') + 1);
        got.pop_back();
        EXPECT_EQ(got, seq.substr(f, t - f + 1)) << f << "-" << t;
    }
}

// ---- bad input: one line on stderr, non-zero exit, no output file ----

void expect_error(const std::vector<std::string>& args, const std::string& message) {
    auto r = run_cli(args);
    EXPECT_NE(r.exit_code, 0);
    EXPECT_EQ(r.err, "agc-flow: " + message + "\n");
}

TEST(CliReadErrors, MissingArchive) {
    expect_error({"listset", "/nonexistent/x.agc"}, "cannot open archive /nonexistent/x.agc: No such file or directory");
}

TEST(CliReadErrors, NotAnArchive) {
    TempDir dir;
    auto p = dir / "x.agc";
    test::write_file(p, std::string(1000, 'A'));
    expect_error({"listset", p.string()}, p.string() + ": not an AGC archive, or truncated (bad footer length)");
    test::write_file(p, "tiny");
    expect_error({"listset", p.string()}, p.string() + ": not an AGC archive (file too small)");
}

TEST(CliReadErrors, TruncatedArchive) {
    TempDir dir;
    std::string bytes = read_file(kSyn + "/default.agc");
    for (size_t cut : {size_t(1), size_t(100), bytes.size() / 2}) {
        auto p = dir / "t.agc";
        test::write_file(p, bytes.substr(0, bytes.size() - cut));
        auto r = run_cli({"getcol", p.string()});
        EXPECT_NE(r.exit_code, 0) << cut;
        EXPECT_EQ(r.err.rfind("agc-flow: " + p.string() + ": not an AGC archive, or truncated", 0), 0u) << r.err;
        EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1);
    }
}

TEST(CliReadErrors, CorruptZstdPart) {
    // toy_ex.agc: stream x1d's part at offset 249 is metadata 56 then a zstd frame.
    TempDir dir;
    std::string bytes = read_file(fixture("toy/toy_ex.agc"));
    ASSERT_EQ(static_cast<uint8_t>(bytes[251]), 0x28);  // zstd magic
    bytes[251] = 0x00;
    auto p = dir / "c.agc";
    test::write_file(p, bytes);
    auto r = run_cli({"getcol", p.string()});
    EXPECT_NE(r.exit_code, 0);
    EXPECT_EQ(r.err, "agc-flow: corrupt archive: stream x1d part 0: zstd: Unknown frame descriptor\n");
}

// An archive written with our container writer, with chosen streams.
std::string make_archive(const std::map<std::string, std::string>& type_info, bool with_params = true) {
    TempDir dir;
    auto p = dir / "a.agc";
    {
        OutputFile out(p);
        ArchiveWriter w(out);
        auto samples = w.register_stream("collection-samples");
        auto raw = encode_sample_names({});
        w.add_part(samples, zstd_compress(raw, 19), raw.size());
        if (with_params) {
            Bytes params;
            for (uint32_t v : {31u, 20u, 50u, 60000u}) put_u32le(params, v);
            w.add_part(w.register_stream("params"), params, 0);
        }
        Bytes fti;
        for (auto& [k, v] : type_info) {
            put_cstr(fti, k);
            put_cstr(fti, v);
        }
        w.add_part(w.register_stream("file_type_info"), fti, type_info.size());
        w.finish();
        out.commit();
    }
    return read_file(p);
}

TEST(CliReadErrors, UnsupportedVersion) {
    TempDir dir;
    auto p = dir / "v4.agc";
    test::write_file(p, make_archive({{"file_version_major", "4"}, {"file_version_minor", "0"}}));
    expect_error({"listset", p.string()},
                 p.string() + ": unsupported archive version 4.0 (agc-flow reads AGC formats 1.x to 3.x)");
    test::write_file(p, make_archive({{"file_version_major", "0"}, {"file_version_minor", "9"}}));
    expect_error({"listset", p.string()},
                 p.string() + ": unsupported archive version 0.9 (agc-flow reads AGC formats 1.x to 3.x)");
    // A 2.x archive reads its collection from collection-main (this one has v3 streams only).
    test::write_file(p, make_archive({{"file_version_major", "2"}, {"file_version_minor", "0"}}));
    expect_error({"listset", p.string()}, "corrupt archive: " + p.string() + ": missing stream collection-main");
    test::write_file(p, make_archive({{"producer", "x"}}));
    expect_error({"listset", p.string()}, p.string() + ": not an AGC archive (no file version in file_type_info)");
    test::write_file(p, make_archive({{"file_version_major", "3"}, {"file_version_minor", "0"}}, false));
    expect_error({"listset", p.string()}, "corrupt archive: " + p.string() + ": missing stream params");
}

TEST(CliReadErrors, PartPastTheEnd) {
    // A footer whose part size points past the data.
    TempDir dir;
    std::string bytes = read_file(fixture("toy/toy_ex.agc"));
    // collection-samples: "... 01 01 00 02 02 84 01 14": size 20 -> 0xF0.
    auto at = bytes.find(std::string("collection-samples\0\x01\x01\x00\x02\x02\x84\x01\x14", 27));
    ASSERT_NE(at, std::string::npos);
    bytes[at + 26] = static_cast<char>(0xF0);
    bytes[at + 25] = 0x02;
    bytes.insert(at + 26, 1, '\x7f');
    // The footer grew by one byte: fix the trailing length.
    uint64_t len = 0;
    for (int i = 7; i >= 0; --i) len = (len << 8) | static_cast<uint8_t>(bytes[bytes.size() - 8 + i]);
    ++len;
    for (int i = 0; i < 8; ++i) bytes[bytes.size() - 8 + i] = static_cast<char>(len >> (8 * i));
    auto p = dir / "p.agc";
    test::write_file(p, bytes);
    expect_error({"listset", p.string()},
                 p.string() + ": truncated or corrupt archive (stream collection-samples has a part past the end of the data)");
}

TEST(CliReadErrors, UnknownSampleLeavesNoOutputFile) {
    TempDir dir;
    auto out = dir / "out.fa";
    expect_error({"getset", "-o", out.string(), kSyn + "/default.agc", "sample01", "nosuch"},
                 "no sample nosuch in " + kSyn + "/default.agc");
    EXPECT_FALSE(std::filesystem::exists(out));
    EXPECT_TRUE(std::filesystem::is_empty(dir.path()));
    expect_error({"listctg", kSyn + "/default.agc", "nosuch"}, "no sample nosuch in " + kSyn + "/default.agc");
}

TEST(CliReadErrors, UnknownAndAmbiguousContigs) {
    const std::string a = kSyn + "/default.agc";
    expect_error({"getctg", a, "chrX"}, "no contig chrX in " + a);
    expect_error({"getctg", a, "chrX@ref"}, "no contig chrX in sample ref of " + a);
    expect_error({"getctg", a, "chr1@nosuch"}, "no sample nosuch in " + a);
    expect_error({"getctg", a, "chr1"}, "contig chr1 is in 7 samples of " + a + "; name one as chr1@<sample>");
    expect_error({"getctg", a, "chr1@ref:1x-20"}, "bad range in contig query 'chr1@ref:1x-20': from and to must be integers");
}

TEST(CliReadErrors, GetcolOutputMustBeADirectory) {
    expect_error({"getcol", "-o", "/nonexistent/dir", kSyn + "/default.agc"},
                 "output path /nonexistent/dir is not an existing directory");
}

}  // namespace
}  // namespace agcflow
