// getctg's queries as AGC 3.2.2 reads them: the parser against AGC's own regular expressions,
// and lookups on AGC-made archives whose names hold spaces, a tab, '@', ':' and '-'
// (tests/data/queries). Where AGC answers, we answer the same; where AGC silently picks one of
// two contigs, or prints nothing and exits 0, we fail with a message.
#include <gtest/gtest.h>

#include <random>
#include <regex>

#include "io/error.h"
#include "pipeline/query.h"
#include "tests/test_support.h"

namespace agcflow {
namespace {

using test::read_file;
using test::run_cli;

// AGC's parser: its four regular expressions, tried in order (agc_decompressor_lib.h:127-130).
std::optional<ContigQuery> agc_reference_parse(const std::string& text) {
    static const std::regex r1("(.+)@(.+):(.+)-(.+)"), r2("(.+)@(.+)"), r3("(.+):(.+)-(.+)"), r4("(.+)");
    std::smatch m;
    ContigQuery q;
    auto range = [&](const std::string& f, const std::string& t) -> bool {
        try {
            size_t a = 0, b = 0;
            q.from = std::stoll(f, &a);
            q.to = std::stoll(t, &b);
            q.has_range = true;
            return a == f.size() && b == t.size() && f.find_first_of("+ ") == std::string::npos &&
                   t.find_first_of("+ ") == std::string::npos;
        } catch (...) {
            return false;
        }
    };
    if (std::regex_match(text, m, r1)) {
        q.contig = m[1], q.sample = m[2];
        if (!range(m[3], m[4])) return std::nullopt;
    } else if (std::regex_match(text, m, r2)) {
        q.contig = m[1], q.sample = m[2];
    } else if (std::regex_match(text, m, r3)) {
        q.contig = m[1];
        if (!range(m[2], m[3])) return std::nullopt;
    } else if (std::regex_match(text, m, r4)) {
        q.contig = m[1];
    } else {
        return std::nullopt;
    }
    return q;
}

// The parser splits every query as AGC's regular expressions do (random queries over the
// delimiters; those with bad numbers must fail in both).
TEST(QueryParse, SplitsAsAgcsRegularExpressions) {
    std::mt19937 rng(7);
    const std::string alphabet = "a@:-1-@:";
    for (int i = 0; i < 20000; ++i) {
        const size_t len = 1 + rng() % 12;
        std::string q;
        for (size_t j = 0; j < len; ++j) q.push_back(alphabet[rng() % alphabet.size()]);
        const auto want = agc_reference_parse(q);
        std::optional<ContigQuery> got;
        try {
            got = parse_contig_query(q);
        } catch (const Error&) {
        }
        ASSERT_EQ(got.has_value(), want.has_value()) << "'" << q << "'";
        if (got) {
            EXPECT_EQ(got->contig, want->contig) << q;
            EXPECT_EQ(got->sample, want->sample) << q;
            EXPECT_EQ(got->has_range, want->has_range) << q;
            if (got->has_range) {
                EXPECT_TRUE(got->from == want->from && got->to == want->to) << q;
            }
        }
    }
}

TEST(QueryParse, ExamplesAndErrors) {
    auto p = [](const char* q) { return parse_contig_query(q); };
    EXPECT_THROW(p("m@n:2-3@ref"), Error);  // AGC: contig m, sample n, range 2-atoll("3@ref")
    EXPECT_EQ(p("e1@e@").sample, "e@");
    EXPECT_EQ(p("c@a@@").contig, "c@a");
    EXPECT_EQ(p("c@s:1-5:0-9").sample, "s:1-5");
    EXPECT_EQ(p("x:-2").contig, "x:-2");
    EXPECT_EQ(p("big@s1:-5-10").from, -5);
    try {
        p("uniq1\n");
        FAIL();
    } catch (const Error& e) {
        EXPECT_STREQ(e.what(), "bad contig query 'uniq1\n': it holds a line break");
    }
    EXPECT_THROW(p(""), Error);
    EXPECT_THROW(p("uniqref:5x-9y"), Error);  // AGC reads 5x as 5: we refuse
}

// A query of ~26,000 characters and more once crashed the std::regex parser (recursion).
TEST(QueryParse, LongQueriesAreLinear) {
    std::string q(200000, 'a');
    for (size_t i = 0; i < q.size(); i += 3) q[i] = "@:-"[i % 3];
    EXPECT_NO_THROW(parse_contig_query(q + "@x"));
    const std::string many_dashes(100000, '-');
    EXPECT_EQ(parse_contig_query("c" + many_dashes).contig, "c" + many_dashes);
}

// ---- lookups on AGC-made archives ------------------------------------------------------

const std::filesystem::path kData = std::filesystem::path(AGCFLOW_SOURCE_DIR) / "tests/data/queries";

// The record `name` of input/<sample>.fa as getctg prints it (80 letters a line).
std::string record(const std::string& sample, const std::string& name, const std::string& header = {},
                   int64_t from = -1, int64_t to = -1) {
    for (const auto& [h, seq] : test::parse_fasta(read_file(kData / "input" / (sample + ".fa")))) {
        if (h != name) continue;
        std::string s = from < 0 ? seq : seq.substr(static_cast<size_t>(from), static_cast<size_t>(to - from + 1));
        std::string out = ">" + (header.empty() ? name : header) + "\n";
        for (size_t i = 0; i < s.size(); i += 80) out += s.substr(i, 80) + "\n";
        return out;
    }
    ADD_FAILURE() << "no record " << name << " in " << sample;
    return {};
}

struct Found {
    std::string query, sample, contig, header = {};
    int64_t from = -1, to = -1;
};

TEST(QueryLookup, FoundAsAgcFindsThem) {
    const std::string a = (kData / "names.agc").string();
    const std::vector<Found> cases = {
        {"chr1@ref", "ref", "chr1 x"},
        {"chr1@s2", "s2", "chr1"},
        {"uniq1 bogus", "s1", "uniq1"},  // without a sample, the query's first word
        {"a@b@ref", "ref", "a@b"},
        {"a@b@s1", "s1", "a@b extra"},
        {"p:1-5@ref", "ref", "p:1-5"},
        {"p:1-5:0-9", "ref", "p:1-5", "p:1-5:0-9", 0, 9},
        {"HLA-A:5-10:1-3", "ref", "HLA-A:5-10", "HLA-A:5-10:1-3", 1, 3},
        {"sp@ref", "ref", "sp ace@q"},
        {"t@ref", "ref", "t\tab"},
        {"m@n:2-3@ref:0-4", "ref", "m@n:2-3", "m@n:2-3:0-4", 0, 4},
        {"sc1@s:1-5:0-9", "s:1-5", "sc1", "sc1:0-9", 0, 9},
        {"spc1@sp ace", "sp ace", "spc1 d"},
        {"xy1@x-y", "x-y", "xy1"},
        {"e1@e@", "e@", "e1"},
        {"tz1@t:z", "t:z", "tz1"},
        {"-dash", "ref", "-dash"},
    };
    for (const auto& c : cases) {
        auto r = run_cli({"getctg", a, "--", c.query});
        ASSERT_EQ(r.exit_code, 0) << c.query << ": " << r.err;
        EXPECT_EQ(r.out, record(c.sample, c.contig, c.header, c.from, c.to)) << c.query;
    }
}

TEST(QueryLookup, NeverASilentPick) {
    const std::string a = (kData / "names.agc").string();
    auto error = [&](const std::string& q) {
        auto r = run_cli({"getctg", a, "--", q});
        EXPECT_NE(r.exit_code, 0) << q;
        EXPECT_TRUE(r.out.empty()) << q;
        return r.err;
    };
    // With a sample, the whole query must be a stored name's first word (AGC: "There is no
    // sample:contig pair"); agc-flow used to print "chr1 x" for these.
    EXPECT_EQ(error("chr1 bogus@ref"), "agc-flow: no contig chr1 bogus in sample ref of " + a + "\n");
    EXPECT_EQ(error("chr1 x@ref"), "agc-flow: no contig chr1 x in sample ref of " + a + "\n");
    EXPECT_EQ(error("sp ace@q@ref"), "agc-flow: no contig sp ace@q in sample ref of " + a + "\n");
    // Two contigs of ref share the first word c2: AGC takes the first for c2@ref; we name both.
    EXPECT_EQ(error("c2@ref"), "agc-flow: contig c2 is ambiguous in " + a +
                                   ": it could be 'c2 x' of sample ref or 'c2 y' of sample ref\n");
    EXPECT_EQ(error("c2"), "agc-flow: contig c2 is ambiguous in " + a +
                               ": it could be 'c2 x' of sample ref or 'c2 y' of sample ref\n");
    EXPECT_EQ(error("chr1"), "agc-flow: contig chr1 is in 3 samples of " + a + "; name one as chr1@<sample>\n");
    EXPECT_EQ(error("a@b"), "agc-flow: no sample b in " + a + "\n");
    EXPECT_EQ(error("p:1-5"), "agc-flow: no contig p in " + a + "\n");
    EXPECT_EQ(error("sx1@s@x"), "agc-flow: no sample x in " + a + "\n");
    EXPECT_EQ(error(""), "agc-flow: empty contig query\n");
    // Checked before anything is printed: a good query before a bad one prints nothing.
    auto r = run_cli({"getctg", a, "chr1@ref", "nosuch"});
    EXPECT_NE(r.exit_code, 0);
    EXPECT_TRUE(r.out.empty());
}

// Format 1.x compares first words in every lookup; 2.x compares stored first words with the
// whole query (AGC 3.2.2 reads them so).
TEST(QueryLookup, LegacyArchivesAsAgcReadsThem) {
    const std::string v1 = (kData / "names-v1.agc").string(), v2 = (kData / "names-v2.agc").string();
    auto r = run_cli({"getctg", v1, "chr1 x@ref"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, record("ref", "chr1 x"));
    r = run_cli({"getctg", v1, "uniq2 other"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, record("s2", "uniq2"));
    r = run_cli({"getctg", v2, "uniq2 other"});
    EXPECT_NE(r.exit_code, 0);
    EXPECT_EQ(r.err, "agc-flow: no contig uniq2 other in " + v2 + "\n");
    r = run_cli({"getctg", v2, "chr1 x@ref"});
    EXPECT_NE(r.exit_code, 0);
    r = run_cli({"getctg", v2, "chr1@ref", "c2@ref"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, record("ref", "chr1 x") + record("ref", "c2 x"));
}

// create refuses names no query could reach afterwards.
TEST(QueryLookup, CreateRefusesUnreachableNames) {
    test::TempDir dir;
    auto refused = [&](const std::string& fasta, const std::string& file = "ref.fa") {
        test::write_file(dir / file, fasta);
        auto r = run_cli({"create", "-o", (dir / "x.agc").string(), (dir / file).string()});
        EXPECT_NE(r.exit_code, 0) << fasta;
        EXPECT_FALSE(std::filesystem::exists(dir / "x.agc"));
        return r.err;
    };
    const std::string seq = "ACGTTGCAACGTAGCTAGCTAGGATCGATCGATTTACG\n";
    EXPECT_EQ(refused(">c2 x\n" + seq + ">c2 y\n" + seq),
              "agc-flow: " + (dir / "ref.fa").string() +
                  ": contigs 'c2 x' and 'c2 y' of sample ref share the first word 'c2' (AGC's getctg finds contigs by it, "
                  "and reaches only the first)\n");
    EXPECT_EQ(refused("> lead\n" + seq), "agc-flow: " + (dir / "ref.fa").string() +
                                             ": contig ' lead' of sample ref could not be queried: its name starts with a space\n");
    // Contigs of a sample named s@x: "c@s@x" means sample x.
    EXPECT_EQ(refused(">c\n" + seq, "s@x.fa"),
              "agc-flow: " + (dir / "s@x.fa").string() +
                  ": contig 'c' of sample s@x could not be queried: AGC's getctg would read 'c@s@x' as another contig or sample\n");
    // What AGC's parser still reaches is accepted: '@', ':' and '-' in names, a range-like
    // sample name (reachable with a range), a name starting with '-'.
    test::write_file(dir / "ok.fa", ">a@b\n" + seq + ">p:1-5\n" + seq + ">-dash\n" + seq + ">m@n:2-3\n" + seq);
    test::write_file(dir / "s:1-5.fa", ">sc1\n" + seq);
    auto r = run_cli({"create", "-o", (dir / "ok.agc").string(), (dir / "ok.fa").string(), (dir / "s:1-5.fa").string()});
    EXPECT_EQ(r.exit_code, 0) << r.err;
}

// A repeated option's last value counts, as in AGC.
TEST(CliOptions, RepeatedOptionsTakeTheLast) {
    const std::string a = (kData / "names.agc").string();
    auto r = run_cli({"getctg", "-l", "60", "-l", "40", "-t", "2", "-t", "1", a, "chr1@ref"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(test::parse_fasta(r.out).size(), 1u);
    EXPECT_EQ(r.out.find('\n', r.out.find('\n') + 1) - r.out.find('\n') - 1, 40u);
}

}  // namespace
}  // namespace agcflow
