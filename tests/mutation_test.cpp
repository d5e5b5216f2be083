// A mutation sweep, bounded in time: random bit flips, overwritten byte runs, truncations and
// appended bytes of archives (plain and --checksums) and flipped bytes of FASTA input. Every run
// must end without a signal or a time-out and within a memory bound; a --checksums archive must
// never give wrong output with exit 0; a create that accepts mutated FASTA must give it back.
#include <gtest/gtest.h>

#include <random>

#include "io/archive_reader.h"
#include "tests/test_support.h"

namespace agcflow {
namespace {

using test::fixture;
using test::read_file;
using test::run_cli;
using test::TempDir;
using test::write_file;

constexpr unsigned kTimeout = 30;      // seconds a run may take (they take milliseconds)
constexpr long kRssBoundKib = 300 << 10;  // with --max-memory 64

enum class Outcome { same, error, wrong };

struct Sweep {
    int runs = 0, same = 0, errors = 0, wrong = 0;
};

std::string mutate(std::string bytes, std::mt19937& rng, int kind) {
    switch (kind) {
        case 0: {  // one bit
            const size_t at = rng() % bytes.size();
            bytes[at] = static_cast<char>(bytes[at] ^ (1 << (rng() % 8)));
            break;
        }
        case 1: {  // a run of 1..64 random bytes
            const size_t at = rng() % bytes.size(), n = std::min<size_t>(1 + rng() % 64, bytes.size() - at);
            for (size_t i = 0; i < n; ++i) bytes[at + i] = static_cast<char>(rng());
            break;
        }
        case 2:  // truncated
            bytes.resize(rng() % bytes.size());
            break;
        default:  // bytes appended
            for (size_t i = 0, n = 1 + rng() % 100; i < n; ++i) bytes.push_back(static_cast<char>(rng()));
    }
    return bytes;
}

// Runs the read commands on mutated copies of `archive`; returns the counts.
Sweep sweep_archive(const std::filesystem::path& archive, int mutations, unsigned seed) {
    TempDir dir;
    const std::string original = read_file(archive);
    const auto a = dir / "m.agc";
    const std::string getcol = run_cli({"getcol", archive.string()}).out;
    const std::string getctg = run_cli({"getctg", archive.string(), "chr1@sample02:1000-1999", "chr2@ref"}).out;
    std::mt19937 rng(seed);
    Sweep s;
    for (int i = 0; i < mutations; ++i) {
        write_file(a, mutate(original, rng, i % 4));
        const bool ctg = i % 5 == 4;
        auto r = ctg ? run_cli({"getctg", "--max-memory", "64", a.string(), "chr1@sample02:1000-1999", "chr2@ref"}, {}, {},
                               kTimeout)
                     : run_cli({"getcol", "--max-memory", "64", "-t", "2", a.string()}, {}, {}, kTimeout);
        ++s.runs;
        EXPECT_TRUE(r.exit_code == 0 || r.exit_code == 1) << "mutation " << i << ": exit " << r.exit_code << " " << r.err;
        if (!test::kSanitized) {
            EXPECT_LE(r.peak_rss_kib, kRssBoundKib) << "mutation " << i;
        }
        if (r.exit_code != 0) {
            ++s.errors;
            EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
        } else if (r.out == (ctg ? getctg : getcol)) {
            ++s.same;
        } else {
            ++s.wrong;
        }
    }
    return s;
}

TEST(MutationSweep, PlainArchivesNeverCrashHangOrRunAway) {
    const Sweep s = sweep_archive(fixture("syn-small/default.agc"), 160, 11);
    // (Without checksums AGC's format cannot tell most damage: wrong output with exit 0 is
    // possible, as with AGC; see the README's "Integrity".)
    std::cout << "plain: " << s.runs << " runs, " << s.same << " same, " << s.errors << " errors, " << s.wrong << " wrong\n";
    EXPECT_GT(s.errors, 0);
}

TEST(MutationSweep, ChecksummedArchivesNeverGiveWrongOutput) {
    TempDir dir;
    const auto input = fixture("syn-small/input");
    auto r = run_cli({"create", "--checksums", "-o", (dir / "c.agc").string(), "ref.fa", "sample00.fa", "sample01.fa",
                      "sample02.fa", "sample03.fa", "sample04.fa.gz", "sample05.fa.gz"},
                     input);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const Sweep s = sweep_archive(dir / "c.agc", 200, 12);
    std::cout << "checksums: " << s.runs << " runs, " << s.same << " same, " << s.errors << " errors, " << s.wrong << " wrong\n";
    EXPECT_EQ(s.wrong, 0);
    EXPECT_GT(s.errors, s.runs * 9 / 10);
}

// The metadata findings (a collection emptied, a contig shortened or renamed with exit 0): every
// byte of every part of the streams that are not group data, changed in turn, in a --checksums
// archive: listctg, getcol and verify each fail, naming the damage, and never print the wrong
// names or bases.
TEST(MutationSweep, ChecksummedMetadataDamageIsAlwaysCaught) {
    TempDir dir;
    const auto input = fixture("syn-small/input");
    auto r = run_cli({"create", "--checksums", "-o", (dir / "c.agc").string(), "ref.fa", "sample00.fa", "sample01.fa"},
                     input);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const std::string original = read_file(dir / "c.agc");
    const std::string names = run_cli({"listctg", (dir / "c.agc").string(), "ref", "sample00", "sample01"}).out;
    std::vector<uint64_t> positions;
    {
        ArchiveReader reader(dir / "c.agc");
        for (const StreamInfo& st : reader.streams()) {
            if (st.name.rfind("x", 0) == 0 || st.name.rfind("seg", 0) == 0) continue;  // group data: the sweeps above
            for (const PartLocation& p : st.parts)
                for (uint64_t k = 0; k < std::min<uint64_t>(p.size + 1, 24); ++k) positions.push_back(p.offset + k);
        }
    }
    ASSERT_GT(positions.size(), 50u);
    const auto m = dir / "m.agc";
    int caught = 0;
    for (size_t i = 0; i < positions.size(); ++i) {
        std::string bad = original;
        bad[positions[i]] = static_cast<char>(bad[positions[i]] ^ (1 << (i % 8)));
        write_file(m, bad);
        auto l = run_cli({"listctg", m.string(), "ref", "sample00", "sample01"}, {}, {}, kTimeout);
        auto v = run_cli({"verify", m.string()}, {}, {}, kTimeout);
        EXPECT_TRUE(l.exit_code == 1 || (l.exit_code == 0 && l.out == names)) << "byte " << positions[i] << ": " << l.out;
        EXPECT_EQ(v.exit_code, 1) << "byte " << positions[i] << ": " << v.out << v.err;
        if (l.exit_code == 1 && v.exit_code == 1) ++caught;
    }
    std::cout << "metadata: " << positions.size() << " bytes changed, " << caught << " caught by listctg and verify\n";
}

// Mutated FASTA: create fails with one line, or stores exactly what it was given.
TEST(MutationSweep, MutatedFastaIsRefusedOrStoredExactly) {
    TempDir dir;
    const std::string ref = read_file(fixture("syn-small/input/ref.fa"));
    const std::string sample = read_file(fixture("syn-small/input/sample00.fa")).substr(0, 40000);
    write_file(dir / "ref.fa", ref);
    std::mt19937 rng(13);
    int stored = 0, refused = 0;
    for (int i = 0; i < 60; ++i) {
        std::string m = sample;
        for (int j = 0, n = 1 + static_cast<int>(rng() % 4); j < n; ++j) {
            const size_t at = rng() % m.size();
            m[at] = "ACGTNacgtn\n>\r \t@-X\x01\xff"[rng() % 21];
        }
        write_file(dir / "s.fa", m);
        auto r = run_cli({"create", "-o", (dir / "a.agc").string(), (dir / "ref.fa").string(), (dir / "s.fa").string()}, {},
                         {}, kTimeout);
        ASSERT_TRUE(r.exit_code == 0 || r.exit_code == 1) << i << ": exit " << r.exit_code << " " << r.err;
        if (r.exit_code == 1) {
            ++refused;
            EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
            EXPECT_FALSE(std::filesystem::exists(dir / "a.agc"));
            continue;
        }
        ++stored;
        // What went in (upper case, whitespace and line breaks dropped, CR LF and LF alike).
        auto want = test::parse_fasta(m);
        auto got = test::parse_fasta(run_cli({"getset", (dir / "a.agc").string(), "s"}).out);
        ASSERT_EQ(got.size(), want.size()) << i;
        for (size_t k = 0; k < want.size(); ++k) {
            std::string seq;
            for (char c : want[k].second)
                if (c != ' ' && c != '\t' && c != '\r') seq.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
            std::string name = want[k].first;
            if (!name.empty() && name.back() == '\r') name.pop_back();
            EXPECT_EQ(got[k].first, name) << i;
            EXPECT_TRUE(got[k].second == seq) << i << " record " << k;
        }
        std::filesystem::remove(dir / "a.agc");
    }
    EXPECT_GT(stored, 0);
    EXPECT_GT(refused, 0);
}

}  // namespace
}  // namespace agcflow
