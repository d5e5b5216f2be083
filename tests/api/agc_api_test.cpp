// A program written for AGC's C++ library (class CAGCFile of agc-api.h), in the spirit of AGC's
// own example: it checks every answer against what AGC 3.2.2's library gives, then queries one
// handle from several threads, as AGC's example does. It includes nothing of agc-flow but
// agc-api.h.
//
//   agc_api_test_cpp FIXTURES_DIR
#include <agc-api.h>

#include <atomic>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace {
int failures = 0, checks = 0;
#define CHECK(cond)                                                                                  \
    do {                                                                                             \
        ++checks;                                                                                    \
        if (!(cond)) ++failures, std::cerr << __FILE__ << ":" << __LINE__ << ": CHECK failed: " #cond "\n"; \
    } while (0)

std::vector<std::string> fasta_sequences(const std::string& path) {
    std::ifstream in(path);
    std::vector<std::string> seqs;
    for (std::string line; std::getline(in, line);)
        if (!line.empty() && line[0] == '>')
            seqs.emplace_back();
        else if (!seqs.empty())
            seqs.back() += line;
    return seqs;
}
}  // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::cerr << "usage: agc_api_test_cpp FIXTURES_DIR\n";
        return 2;
    }
    const std::string fixtures = argv[1];
    const auto expected = fasta_sequences(fixtures + "/syn-small/expected/getcol.fa");

    CAGCFile agc;
    CHECK(agc.NSample() == -1);  // not open
    CHECK(!agc.Open(fixtures + "/nonexistent.agc"));
    CHECK(agc.Open(fixtures + "/syn-small/default.agc", true));
    CHECK(!agc.Open(fixtures + "/syn-small/default.agc"));  // open already
    CHECK(agc.NSample() == 7);

    std::vector<std::string> samples;
    CHECK(agc.ListSample(samples) == 0 && samples.size() == 7 && samples.front() == "ref");
    std::string ref;
    CHECK(agc.GetReferenceSample(ref) == 0 && ref == "ref");
    std::vector<std::string> contigs;
    CHECK(agc.ListCtg("sample00", contigs) == 0 && contigs.size() == 5 && contigs[4] == "unplaced_0");
    std::vector<std::string> untouched = {"x"};
    CHECK(agc.ListCtg("nosuch", untouched) == -1 && untouched.size() == 1);
    CHECK(agc.NCtg("sample00") == 5 && agc.NCtg("nosuch") == -1);
    for (const auto& s : samples) std::cout << s << " : " << agc.NCtg(s) << '\n';

    const std::string& want = expected[4];  // sample00's "chr1 sample0 assembly"
    const int len = agc.GetCtgLen("sample00", "chr1");
    CHECK(len == static_cast<int>(want.size()));
    CHECK(agc.GetCtgLen("", "chr1") == -2);
    CHECK(agc.GetCtgLen("", "chrX") == -1);
    std::string seq;
    // GetCtgSeq returns 0 on success (AGC's header says "contig length"; AGC's library gives 0).
    CHECK(agc.GetCtgSeq("sample00", "chr1", 10, 19, seq) == 0 && seq == want.substr(10, 10));
    CHECK(agc.GetCtgSeq("sample00", "chr1", 30, 20, seq) == 0 && seq == want);
    CHECK(agc.GetCtgSeq("sample00", "chr1", len - 5, len + 5, seq) == 0 && seq == want.substr(len - 5));
    seq = "untouched";
    CHECK(agc.GetCtgSeq("", "chr1", 0, 9, seq) == -2 && seq == "untouched");
    CHECK(agc.GetCtgSeq("sample00", "chrX", 0, 9, seq) == -1 && seq == "untouched");

    // One handle, many threads.
    std::atomic<int> wrong{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 8; ++t)
        threads.emplace_back([&, t] {
            std::string s;
            for (int i = 0; i < 200; ++i) {
                const int from = (t * 7919 + i * 104729) % (len - 100);
                if (agc.GetCtgSeq("sample00", "chr1", from, from + 99, s) != 0 || s != want.substr(from, 100)) ++wrong;
            }
        });
    for (auto& t : threads) t.join();
    CHECK(wrong == 0);

    CHECK(agc.Close());
    CHECK(!agc.Close());
    CHECK(agc.NSample() == -1 && agc.GetCtgSeq("sample00", "chr1", 0, 9, seq) == -1);
    CHECK(agc.Open(fixtures + "/legacy-v2/toy.agc"));  // reopened, an AGC 2.1 archive
    CHECK(agc.GetReferenceSample(ref) == 0 && ref == "ref");
    std::cout << checks << " checks, " << failures << " failed\n";
    return failures ? 1 : 0;
}
