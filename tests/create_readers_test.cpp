// Several FASTA reader threads (CreateConfig::readers): the archive does not change, and a bad
// input is reported as with one reader, the first bad file in input order. Nor does the archive
// change with the size of the pieces contigs are searched for splitters in.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <sstream>
#include <thread>

#include "io/error.h"
#include "io/fasta_input.h"
#include "pipeline/create.h"
#include "pipeline/sample_reader.h"
#include "tests/test_support.h"

namespace agcflow {
namespace {

using test::read_file;
using test::TempDir;

std::vector<SampleInput> generated(const TempDir& dir, int samples) {
    auto g = test::run_generator({"--out", dir.path().string(), "--samples", std::to_string(samples), "--length",
                                  "200000", "--seed", "5", "--list", (dir / "list.txt").string()});
    EXPECT_EQ(g.exit_code, 0) << g.err;
    std::vector<SampleInput> inputs;
    std::istringstream list(read_file(dir / "list.txt"));
    for (std::string f; list >> f;) inputs.push_back({sample_name_from_path(f), f});
    return inputs;
}

TEST(CreateReaders, SeveralReadersWriteTheSameArchive) {
    TempDir dir;
    auto inputs = generated(dir, 9);
    CreateConfig one;
    one.threads = 2;
    one.readers = 1;
    create_archive(inputs, dir / "one.agc", one);
    for (uint32_t readers : {2u, 3u, 5u}) {
        // Roomy; then budgets with room for one and for two samples ahead (1 and 2 reader threads).
        for (uint64_t budget : {uint64_t(0), uint64_t(6) << 20, uint64_t(8) << 20}) {
            CreateConfig cfg = one;
            cfg.readers = readers;
            cfg.max_memory = budget;
            create_archive(inputs, dir / "many.agc", cfg);
            EXPECT_EQ(read_file(dir / "many.agc"), read_file(dir / "one.agc")) << readers << " readers";
        }
    }
}

TEST(CreatePieces, ArchiveDoesNotDependOnThePieceSize) {
    TempDir dir;
    auto inputs = generated(dir, 4);
    for (bool adaptive : {false, true}) {
        CreateConfig whole;  // 200 kb contigs: one piece each at the default 1 Mb
        whole.threads = 2;
        whole.adaptive = adaptive;
        create_archive(inputs, dir / "whole.agc", whole);
        for (uint64_t piece : {uint64_t(1), uint64_t(30), uint64_t(31), uint64_t(4099), uint64_t(65536)}) {
            CreateConfig cfg = whole;
            cfg.cut_piece = piece;
            create_archive(inputs, dir / "pieces.agc", cfg);
            EXPECT_EQ(read_file(dir / "pieces.agc"), read_file(dir / "whole.agc"))
                << "pieces of " << piece << (adaptive ? ", adaptive" : "");
        }
    }
}

// Splitters by the walks' k-mers (stages/candidate_splitters.h) or by the full singleton map:
// the same archive, also for a reference with repeats that takes several rounds, at -t 1 and 3,
// and equal to AGC's golden archive of syn-small.
TEST(CreateSplitters, CandidatesAndTheFullMapWriteTheSameArchive) {
    TempDir dir;
    auto inputs = generated(dir, 3);
    const auto golden = test::fixture("syn-small") / "default.agc";
    std::vector<SampleInput> small;
    for (const char* f : {"ref.fa", "sample00.fa", "sample01.fa", "sample02.fa", "sample03.fa", "sample04.fa.gz",
                          "sample05.fa.gz"}) {
        const auto path = test::fixture("syn-small") / "input" / f;
        small.push_back({sample_name_from_path(path.filename().string()), path.string()});
    }
    for (int which = 0; which < 2; ++which) {
        const auto& set = which == 0 ? inputs : small;
        for (uint32_t t : {1u, 3u}) {
            CreateConfig map, candidates;
            map.threads = candidates.threads = t;
            // Points every 1500 bases on the generated reference: some fall into its repeats.
            if (which == 0) map.segment_size = candidates.segment_size = 1500;
            map.candidate_splitters_from = UINT64_MAX;
            candidates.candidate_splitters_from = 0;
            map.verbosity = candidates.verbosity = 1;
            std::vector<std::string> notes, map_notes;
            Operation op("create", {}, [&](Severity, const std::string& m) { notes.push_back(m); });
            Operation map_op("create", {}, [&](Severity, const std::string& m) { map_notes.push_back(m); });
            create_archive(set, dir / "map.agc", map, map_op);
            create_archive(set, dir / "candidates.agc", candidates, op);
            EXPECT_TRUE(std::any_of(map_notes.begin(), map_notes.end(), [](const std::string& n) {
                return n.find("pass(es) over the reference") != std::string::npos;
            }));
            EXPECT_EQ(read_file(dir / "candidates.agc"), read_file(dir / "map.agc")) << t;
            auto note = std::find_if(notes.begin(), notes.end(), [](const std::string& n) {
                return n.find("scan(s) of the reference for the walks' k-mers") != std::string::npos;
            });
            ASSERT_NE(note, notes.end());
            const int scans = std::stoi(note->substr(note->find(':') + 2));
            EXPECT_GT(scans, which == 0 ? 1 : 0) << *note;  // the generated reference's repeats take rounds
            if (which == 1) {
                EXPECT_EQ(read_file(dir / "map.agc"), read_file(golden));
            }
        }
    }
}

TEST(CreateReaders, TheFirstBadFileInInputOrderIsReported) {
    TempDir dir;
    auto inputs = generated(dir, 6);
    test::write_file(dir / "bad1.fa", ">a\nACGTXACGT\n");
    test::write_file(dir / "bad2.fa", "not fasta\n");
    // The big samples before bad1 take longer to read than bad2, read by another thread.
    inputs.insert(inputs.begin() + 5, {"bad1", (dir / "bad1.fa").string()});
    inputs.push_back({"bad2", (dir / "bad2.fa").string()});
    for (uint32_t readers : {1u, 4u}) {
        CreateConfig cfg;
        cfg.threads = 2;
        cfg.readers = readers;
        try {
            create_archive(inputs, dir / "x.agc", cfg);
            ADD_FAILURE() << "no error with " << readers << " readers";
        } catch (const Error& e) {
            EXPECT_EQ(std::string(e.what()), (dir / "bad1.fa").string() +
                                                 ", record 1 (a): 'X' at base 5 is not an IUPAC nucleotide letter "
                                                 "(AGC would store it wrongly)");
        }
        EXPECT_FALSE(std::filesystem::exists(dir / "x.agc"));
    }
}

// Small samples are read far ahead, within the bytes given, and a reader that ran out of room
// is woken once a quarter of it is free again, not for every sample the graph takes.
TEST(CreateReaders, SmallSamplesAreReadAheadWithinTheirBytes) {
    TempDir dir;
    std::vector<SampleInput> files;
    constexpr int kSamples = 300;
    auto name_of = [](int i) { return std::string(1, 's').append(std::to_string(i)); };
    for (int i = 0; i < kSamples; ++i) {
        const std::string name = name_of(i);
        std::string text = ">c\n";
        text.append(1000, "ACGT"[i % 4]).push_back('\n');
        test::write_file(dir / (name + ".fa"), text);
        files.push_back({name, (dir / (name + ".fa")).string()});
    }
    struct Run {
        size_t ahead, readers;
        uint64_t ahead_bytes;
        size_t most_held, most_waits;
    };
    // No bytes: one sample ahead, as the token count says. 10 kB: five samples of 2 kB (2
    // bytes per base) are held, also by two reader threads (one read at a time beyond the two
    // ahead). 16 MiB: the count cap; a reader waits about once per 64 taken.
    for (const Run& run : {Run{1, 1, 0, 1, kSamples}, Run{1, 1, 10'000, 5, kSamples}, Run{2, 4, 10'000, 5, kSamples},
                           Run{1, 1, 16u << 20, 257, kSamples / 48}}) {
        FileInputs inputs(files);
        CreateConfig cfg;
        BatchSource source(inputs, cfg, Operation::none());
        PrefetchingSource prefetch(source, run.ahead, run.readers, false, nullptr, run.ahead_bytes);
        std::this_thread::sleep_for(std::chrono::milliseconds(200));  // let the reader fill what it may
        int taken = 0;
        while (auto b = prefetch.next()) {
            ASSERT_EQ(b->new_samples, std::vector<std::string>{name_of(taken)});
            ++taken;
            std::this_thread::sleep_for(std::chrono::microseconds(100));  // slower than the reader
        }
        EXPECT_EQ(taken, kSamples);
        EXPECT_EQ(prefetch.most_held(), run.most_held) << run.ahead_bytes;
        EXPECT_LE(prefetch.reader_waits(), run.most_waits) << run.ahead_bytes;
    }
}

// -c: the splitters are chosen from the reference's records while the reader thread goes on
// with the batches that hold them; an error there must not free them under the splitter phase.
TEST(CreateReaders, AConcatenatedInputsErrorLeavesTheReferenceInMemory) {
    TempDir dir;
    std::string text;
    uint32_t x = 3;
    for (const char* name : {"a 1", "b 1", "a 2"}) {
        text += std::string(">") + name + "\n";
        for (int i = 0; i < 5000; ++i) text += "ACGT"[((x = x * 1103515245u + 12345u) >> 16) & 3];
        text += "\n";
    }
    test::write_file(dir / "all.fa", text);
    FileInputs inputs({{"all", (dir / "all.fa").string()}});
    CreateConfig cfg;
    cfg.concatenated = true;
    BatchSource source(inputs, cfg, Operation::none());
    const std::vector<ContigView> reference = source.reference_sequences();
    std::vector<std::vector<uint8_t>> copies;
    for (ContigView c : reference) copies.emplace_back(c.begin(), c.end());
    ASSERT_EQ(copies.size(), 3u);
    try {
        while (source.next()) {
        }
        ADD_FAILURE() << "no error";
    } catch (const Error& e) {
        EXPECT_EQ(std::string(e.what()), (dir / "all.fa").string() +
                                             ": records of sample a are not consecutive (AGC would drop the later ones)");
    }
    for (size_t i = 0; i < copies.size(); ++i)
        EXPECT_TRUE(std::equal(reference[i].begin(), reference[i].end(), copies[i].begin(), copies[i].end()))
            << "contig " << i;
}

}  // namespace
}  // namespace agcflow
