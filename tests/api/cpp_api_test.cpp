// The C++ API (agcflow.hpp) as a program linked against libagcflow sees it: RAII handles, one
// exception type with the C API's status, callbacks as std::function.
//
//   cpp_api_test FIXTURES_DIR TEMP_DIR
#include <agcflow/agcflow.hpp>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

namespace {

int failures = 0, checks = 0;

#define CHECK(cond)                                                                      \
    do {                                                                                 \
        ++checks;                                                                        \
        if (!(cond)) {                                                                   \
            ++failures;                                                                  \
            std::cerr << __FILE__ << ":" << __LINE__ << ": CHECK failed: " #cond "\n";   \
        }                                                                                \
    } while (0)

// `body` must throw agcflow::Exception with `status`.
template <typename F>
void expect_throws(agcflow::Status status, F&& body, int line) {
    ++checks;
    try {
        body();
        ++failures;
        std::cerr << "line " << line << ": no exception\n";
    } catch (const agcflow::Exception& e) {
        if (e.status() != status) {
            ++failures;
            std::cerr << "line " << line << ": " << e.status_name() << ": " << e.what() << "\n";
        }
    }
}
#define EXPECT_THROWS(status, ...) expect_throws(status, [&] { __VA_ARGS__; }, __LINE__)

std::string slurp(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

// (header, sequence) records of a FASTA text.
std::vector<std::pair<std::string, std::string>> fasta(const std::string& text) {
    std::vector<std::pair<std::string, std::string>> recs;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        if (!line.empty() && line[0] == '>')
            recs.emplace_back(line.substr(1), "");
        else if (!recs.empty())
            recs.back().second += line;
    }
    return recs;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 3) {
        std::cerr << "usage: cpp_api_test FIXTURES_DIR TEMP_DIR\n";
        return 2;
    }
    const std::filesystem::path fixtures = argv[1], tmp = argv[2];
    const auto syn = fixtures / "syn-small";
    const std::vector<std::string> inputs = {(syn / "input/ref.fa").string(), (syn / "input/sample00.fa").string(),
                                             (syn / "input/sample01.fa").string(), (syn / "input/sample02.fa").string()};

    // Create from files and from memory: the same bytes (and the golden first-three.agc).
    std::vector<std::string> messages;
    agcflow::Session session({.threads = 2,
                              .message = [&](agcflow::MessageLevel, std::string_view m) { messages.emplace_back(m); }});
    agcflow::CreateOptions options;
    options.segment_size = 5000;
    agcflow::create(session, agcflow::Output::path((tmp / "files.agc").string()), inputs, options);
    CHECK(slurp(tmp / "files.agc") == slurp(syn / "first-three.agc"));
    {
        agcflow::Writer w(session, agcflow::Output::path((tmp / "memory.agc").string()), options);
        for (const std::string& in : inputs) {
            const std::string name = std::filesystem::path(in).stem().string();
            w.add_sample(name);
            for (const auto& [header, seq] : fasta(slurp(in))) w.add_contig(header, seq);
        }
        w.finish();
    }
    CHECK(slurp(tmp / "memory.agc") == slurp(syn / "first-three.agc"));
    // An archive written to a callback is the same too.
    std::string streamed;
    agcflow::create(session, agcflow::Output::callback([&](std::span<const char> b) { streamed.append(b.data(), b.size()); }),
                    inputs, options);
    CHECK(streamed == slurp(syn / "first-three.agc"));
    // Abandoned writers leave nothing.
    {
        agcflow::Writer w(session, agcflow::Output::path((tmp / "abandoned.agc").string()));
        w.add_sample("ref");
        w.add_contig("c", "ACGTACGTACGTACGTACGTACGTACGTACGTACGTACGTACGT");
    }
    CHECK(!std::filesystem::exists(tmp / "abandoned.agc"));
    // Append.
    agcflow::append(session, (syn / "first-three.agc").string(), agcflow::Output::path((tmp / "appended.agc").string()),
                    std::vector<std::string>{(syn / "input/sample03.fa").string(), (syn / "input/sample04.fa.gz").string(),
                                             (syn / "input/sample05.fa.gz").string()});
    CHECK(slurp(tmp / "appended.agc") == slurp(syn / "appended.agc"));

    // Concatenated genomes (-c) in memory: the inputs separate the files (the first is the
    // reference), samples come from the records' first words.
    {
        std::ofstream concat(tmp / "concat.fa");
        for (const std::string& in : {inputs[1], inputs[2]})
            for (const auto& [header, seq] : fasta(slurp(in)))
                concat << ">" << std::filesystem::path(in).stem().string() << "#1#" << header << "\n" << seq << "\n";
    }
    agcflow::CreateOptions concat_options;
    concat_options.concatenated = true;
    concat_options.batch_size = 3;
    const std::vector<std::string> concat_files = {inputs[0], (tmp / "concat.fa").string()};
    agcflow::create(session, agcflow::Output::path((tmp / "concat-files.agc").string()), concat_files, concat_options);
    {
        agcflow::Writer w(session, agcflow::Output::path((tmp / "concat-memory.agc").string()), concat_options);
        for (const std::string& in : concat_files) {
            w.add_sample("");
            for (const auto& [header, seq] : fasta(slurp(in))) w.add_contig(header, seq);
        }
        w.finish();
    }
    CHECK(slurp(tmp / "concat-memory.agc") == slurp(tmp / "concat-files.agc"));
    CHECK(agcflow::Archive(session, (tmp / "concat-memory.agc").string()).samples().size() == 13);  // the reference's 4 records and 9

    // Queries.
    agcflow::Archive archive(session, (syn / "default.agc").string());
    const auto info = archive.info();
    CHECK(info.version_major == 3 && info.samples == 7 && info.k == 31);
    CHECK(archive.reference() == "ref");
    const auto samples = archive.samples();
    CHECK(samples.size() == 7 && samples[1] == "sample00");
    const auto contigs = archive.contigs("sample00");
    CHECK(contigs.size() == 5 && contigs[0] == "chr1 sample0 assembly");
    const auto expected = fasta(slurp(syn / "expected/getcol.fa"));
    // expected[4] is sample00's first contig
    CHECK(archive.length("chr1", "sample00") == expected[4].second.size());
    CHECK(archive.sequence("chr1", "sample00") == expected[4].second);
    CHECK(archive.sequence("chr1", "sample00", 100, 250) == expected[4].second.substr(100, 150));
    std::string buf(64, 'x');
    CHECK(archive.sequence(buf, "chr1", "sample00", 10, 74) == 64 && buf == expected[4].second.substr(10, 64));
    const std::vector<agcflow::Range> ranges = {{"chr1", "sample00", 0, 10}, {"chr2", "ref", 5, 5}, {"chr1", "sample00", 50, 60}};
    const auto got = archive.sequences(ranges);
    CHECK(got.size() == 3 && got[0] == expected[4].second.substr(0, 10) && got[1].empty() &&
          got[2] == expected[4].second.substr(50, 10));
    std::string col;
    archive.write_collection(agcflow::Output::callback([&](std::span<const char> b) { col.append(b.data(), b.size()); }));
    CHECK(col == slurp(syn / "expected/getcol.fa"));
    // AGC's range warnings arrive as messages.
    messages.clear();
    std::string ctg;
    archive.write_queries(std::vector<std::string>{"chr2@ref:10-5"},
                          agcflow::Output::callback([&](std::span<const char> b) { ctg.append(b.data(), b.size()); }));
    CHECK(messages.size() == 1 && messages[0] == "Warning: End of range (5) is prior to start of range (10) so changed to whole contig");

    // Errors: one exception type, the C API's status.
    EXPECT_THROWS(agcflow::Status::not_found, archive.sequence("chrX", "ref"));
    EXPECT_THROWS(agcflow::Status::not_found, archive.contigs("nosuch"));
    EXPECT_THROWS(agcflow::Status::range, archive.sequence("chr1", "sample00", 20, 10));
    EXPECT_THROWS(agcflow::Status::io, agcflow::Archive(session, (tmp / "none.agc").string()));
    EXPECT_THROWS(agcflow::Status::corrupt, agcflow::Archive(session, inputs[0]));
    EXPECT_THROWS(agcflow::Status::argument, agcflow::create(session, agcflow::Output::path((tmp / "x.agc").string()),
                                                             inputs, agcflow::CreateOptions{.k = 40}));
    EXPECT_THROWS(agcflow::Status::io, agcflow::create(session, agcflow::Output::callback([](std::span<const char>) {
                                                           throw std::runtime_error("disk gone");
                                                       }), inputs));

    // Many threads on one Archive.
    std::atomic<int> wrong{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 6; ++t)
        threads.emplace_back([&, t] {
            for (int i = 0; i < 100; ++i) {
                const size_t start = static_cast<size_t>((t * 997 + i * 131) % 5000);
                if (archive.sequence("chr1", "sample00", start, start + 100) != expected[4].second.substr(start, 100)) ++wrong;
            }
        });
    for (auto& t : threads) t.join();
    CHECK(wrong == 0);

    // Progress, and cancelling from it (an exception in the callback cancels too).
    int calls = 0;
    agcflow::Session cancelling({.progress = [&](const agcflow::Progress& p) {
        ++calls;
        return p.done < 2;
    }});
    EXPECT_THROWS(agcflow::Status::cancelled,
                  agcflow::create(cancelling, agcflow::Output::path((tmp / "cancelled.agc").string()), inputs));
    CHECK(calls == 2 && !std::filesystem::exists(tmp / "cancelled.agc"));
    agcflow::Session throwing({.progress = [](const agcflow::Progress&) -> bool { throw std::runtime_error("stop"); }});
    EXPECT_THROWS(agcflow::Status::cancelled,
                  agcflow::create(throwing, agcflow::Output::path((tmp / "cancelled.agc").string()), inputs));
    // The limit: a writer holds the one place; a second operation fails at once.
    agcflow::Session one({.max_operations = 1, .wait_when_busy = false});
    agcflow::Archive a1(one, (syn / "default.agc").string());
    {
        agcflow::Writer w(one, agcflow::Output::path((tmp / "held.agc").string()));
        EXPECT_THROWS(agcflow::Status::busy, a1.sequence("chr1", "ref", 0, 5));
        CHECK(one.running() == 1);
    }
    CHECK(a1.sequence("chr1", "ref", 0, 5).size() == 5);

    // Protection: protect, verify, repair; damage beyond the redundancy is a report, not an exception.
    if (agcflow::raptorq_available()) {
        const auto file = tmp / "guarded.bin";
        std::string bytes(800000, '\0');
        for (size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<char>((i * 2654435761u) >> 13);
        { std::ofstream(file, std::ios::binary) << bytes; }
        const agcflow::ProtectInfo pi = agcflow::protect(session, file.string(), {.redundancy = 25});
        CHECK(pi.file_size == bytes.size() && pi.redundancy == 25);
        CHECK(agcflow::verify(session, file.string()).intact);
        std::string bad = bytes;
        bad[100] ^= 1;
        { std::ofstream(file, std::ios::binary) << bad; }
        agcflow::DamageReport r = agcflow::verify(session, file.string());
        CHECK(!r.intact && r.repairable && r.damaged.size() == 1 && r.damaged[0].begin == 0 && r.damaged[0].end == 8000);
        r = agcflow::repair(session, file.string());
        CHECK(r.file_repaired && !r.refused && slurp(file) == bytes);
        bad.assign(bytes.size(), 'N');
        { std::ofstream(file, std::ios::binary) << bad; }
        r = agcflow::repair(session, file.string());
        CHECK(r.refused && r.refused_because.find("cannot be repaired") != std::string::npos && slurp(file) == bad);
        EXPECT_THROWS(agcflow::Status::io, agcflow::verify(session, (tmp / "unprotected").string()));
        agcflow::check_archive(session, (syn / "default.agc").string());
        EXPECT_THROWS(agcflow::Status::corrupt, agcflow::check_archive(session, file.string()));
    }

    std::cout << checks << " checks, " << failures << " failed\n";
    return failures ? 1 : 0;
}
