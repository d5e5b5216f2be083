// FASTA input for create: record splitting, conversion, gzip, sample naming.
#include <gtest/gtest.h>

#include <random>

#include <fmt/format.h>

#include "io/error.h"
#include "io/fasta_input.h"
#include "stages/nucleotide.h"
#include "tests/test_support.h"

namespace agcflow {
namespace {

using test::TempDir;
using test::write_file;

std::string letters(const Codes& c) {
    std::string s;
    for (auto x : c) s.push_back(code_to_letter(x));
    return s;
}

TEST(FastaInput, RecordsWithCrLfLowerCaseAndDescriptions) {
    TempDir dir;
    write_file(dir / "a.fa", ">c1 first one\r\nacgtN\r\nRYk\r\n>c2\r\nTT GG\r\n");
    auto recs = read_fasta_file((dir / "a.fa").string());
    ASSERT_EQ(recs.size(), 2u);
    EXPECT_EQ(recs[0].name, "c1 first one");
    EXPECT_EQ(letters(recs[0].seq), "ACGTNRYK");
    EXPECT_EQ(recs[1].name, "c2");
    EXPECT_EQ(letters(recs[1].seq), "TTGG");
}

// Lines and records crossing the 1 MiB read buffer: one 2.5 Mb line, CRLF lines of 61, a
// header and a '>' falling at arbitrary buffer offsets.
TEST(FastaInput, LinesAndRecordsAcrossReadBuffers) {
    TempDir dir;
    std::string a, b, text;
    for (int i = 0; i < 2'500'000; ++i) a.push_back("ACGTN"[(i * 7 + i / 13) % 5]);
    for (int i = 0; i < 1'300'000; ++i) b.push_back("acgtRY"[(i * 5 + i / 7) % 6]);
    text = ">long one line\n" + a + "\n>crlf\r\n";
    for (size_t i = 0; i < b.size(); i += 61) text += b.substr(i, 61) + "\r\n";
    text += ">last\nAC GT\n";
    write_file(dir / "x.fa", text);
    auto recs = read_fasta_file((dir / "x.fa").string());
    ASSERT_EQ(recs.size(), 3u);
    EXPECT_EQ(letters(recs[0].seq), a);
    std::string upper = b;
    for (auto& c : upper) c = static_cast<char>(std::toupper(c));
    EXPECT_EQ(letters(recs[1].seq), upper);
    EXPECT_EQ(recs[2].name, "last");
    EXPECT_EQ(letters(recs[2].seq), "ACGT");
}

// Letters are turned into codes 16 at a time when all 16 are ACGT in either case, else through
// the table: random mixes of long and short ACGT stretches in both cases, N runs, IUPAC codes,
// spaces, tabs and CRLF, at every line length, against the table applied letter by letter.
TEST(FastaInput, EveryMixOfLettersAsTheTable) {
    TempDir dir;
    std::mt19937_64 rng(17);
    std::string text;
    std::vector<Codes> want;
    for (int r = 0; r < 40; ++r) {
        std::string seq;
        while (seq.size() < 3000) {
            const int what = static_cast<int>(rng() % 10);
            const size_t len = what < 6 ? rng() % 70 : 1 + rng() % 5;
            for (size_t j = 0; j < len; ++j) {
                if (what < 3) seq.push_back("ACGT"[rng() & 3]);
                else if (what < 6) seq.push_back("acgtACGT"[rng() & 7]);
                else if (what < 8) seq.push_back(rng() % 2 ? 'N' : 'n');
                else seq.push_back("RYKMSWBDHVrykmswbdhv"[rng() % 20]);
            }
        }
        Codes codes;
        for (unsigned char c : seq) codes.push_back(static_cast<uint8_t>(kLetterToCode[c]));
        want.push_back(codes);
        text += fmt::format(">r{}\n", r);
        const size_t width = 1 + rng() % 130;
        const bool crlf = rng() % 3 == 0;
        for (size_t i = 0; i < seq.size(); i += width) {
            std::string line = seq.substr(i, width);
            if (rng() % 8 == 0) line.insert(line.begin() + static_cast<std::ptrdiff_t>(rng() % (line.size() + 1)), rng() % 2 ? ' ' : '\t');
            text += line + (crlf ? "\r\n" : "\n");
        }
    }
    write_file(dir / "mix.fa", text);
    auto recs = read_fasta_file((dir / "mix.fa").string());
    ASSERT_EQ(recs.size(), want.size());
    for (size_t r = 0; r < want.size(); ++r) EXPECT_EQ(recs[r].seq, want[r]) << "record " << r;
}

// A byte that is no nucleotide letter is reported at its base, wherever it falls among 16, or
// among the last letters of the line (fewer than 16, converted at once with what follows them).
TEST(FastaInput, BadLetterInsideALongStretchIsReportedAtItsBase) {
    TempDir dir;
    for (size_t at : {size_t(0), size_t(7), size_t(15), size_t(16), size_t(31), size_t(40), size_t(64), size_t(69)}) {
        std::string seq(70, 'A');
        for (size_t j = 0; j < seq.size(); ++j) seq[j] = "ACGTacgt"[j % 8];
        seq[at] = 'X';
        write_file(dir / "x.fa", fmt::format(">a\n{}\n>b\nACGTACGTACGTACGTACGTACGT\n", seq));
        try {
            read_fasta_file((dir / "x.fa").string());
            ADD_FAILURE() << "no error for X at " << at;
        } catch (const Error& e) {
            EXPECT_EQ(std::string(e.what()),
                      fmt::format("{}, record 1 (a): 'X' at base {} is not an IUPAC nucleotide letter (AGC would "
                                  "store it wrongly)",
                                  (dir / "x.fa").string(), at + 1));
        }
    }
}

TEST(FastaInput, MultiMemberGzip) {
    TempDir dir;
    write_file(dir / "p1.fa", ">a\nACGT\n");
    write_file(dir / "p2.fa", ">b\nGGCC\n");
    ASSERT_EQ(std::system(("cd " + dir.path().string() + " && gzip p1.fa p2.fa && cat p1.fa.gz p2.fa.gz > m.fa.gz").c_str()), 0);
    auto recs = read_fasta_file((dir / "m.fa.gz").string());
    ASSERT_EQ(recs.size(), 2u);
    EXPECT_EQ(letters(recs[1].seq), "GGCC");
    std::string whole = test::read_file(dir / "m.fa.gz");
    write_file(dir / "t.fa.gz", whole.substr(0, whole.size() - 12));
    EXPECT_THROW(read_fasta_file((dir / "t.fa.gz").string()), Error);
}

TEST(FastaInput, SampleNamesAsAgc) {
    EXPECT_EQ(sample_name_from_path("x/y/HG002.fa.gz"), "HG002");
    EXPECT_EQ(sample_name_from_path("a.fasta.gz"), "a");
    EXPECT_EQ(sample_name_from_path("b.fna"), "b");
    EXPECT_EQ(sample_name_from_path("c.fas.gz"), "c.fas");  // only .fna .gz .fa .fasta are stripped
    EXPECT_EQ(sample_name_from_path("d.fa.fa"), "d");
    EXPECT_EQ(sample_name_from_path("OP302811.1.fa.gz"), "OP302811.1");
    EXPECT_EQ(dedup_input_names({"a.fa", "b.fa", "a.fa", "./a.fa"}), (std::vector<std::string>{"a.fa", "b.fa", "./a.fa"}));
}

}  // namespace
}  // namespace agcflow
