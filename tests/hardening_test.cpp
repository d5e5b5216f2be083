// What a hostile user found (issue 15), each a test: no crash, no runaway, no escape from an
// output directory, no replaced device, link, foreign file or input, no stale temporary, and
// input mistakes that once passed silently.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <thread>

#include "agcflow/agcflow.h"
#include "io/archive_catalog.h"
#include "io/archive_writer.h"
#include "io/error.h"
#include "io/output_file.h"
#include "io/varint.h"
#include "stages/segment_decoder.h"
#include "tests/test_support.h"

namespace agcflow {
namespace {

using test::fixture;
using test::read_file;
using test::run_cli;
using test::TempDir;
using test::write_file;

const std::string kSyn = fixture("syn-small").string();

// Runs the program in a child with a resource limit (and optionally as another user).
test::CliResult run_limited(const std::vector<std::string>& args, int resource, rlim_t limit, uid_t uid = 0) {
    TempDir io;
    // (Made before fork: the child of a multithreaded process only makes system calls.)
    const std::string out_path = (io / "out").string(), err_path = (io / "err").string();
    std::vector<char*> argv{const_cast<char*>(AGCFLOW_CLI_PATH)};
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    const pid_t pid = ::fork();
    if (pid == 0) {
        const int out = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        const int err = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        ::dup2(out, 1);
        ::dup2(err, 2);
        if (resource >= 0) {
            struct rlimit rl {limit, limit};
            ::setrlimit(resource, &rl);
        }
        if (uid && (::setgid(uid) != 0 || ::setuid(uid) != 0)) ::_exit(126);
        ::execv(AGCFLOW_CLI_PATH, argv.data());
        ::_exit(127);
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    test::CliResult r;
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    r.out = read_file(io / "out");
    r.err = read_file(io / "err");
    return r;
}

// ---- crashes -------------------------------------------------------------------------------

TEST(Hardening, VeryLongQueryIsAnErrorNotACrash) {
    const std::string q(30000, 'c');
    auto r = run_cli({"getctg", kSyn + "/default.agc", q + "@ref"});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_EQ(r.err, "agc-flow: no contig " + q + " in sample ref of " + kSyn + "/default.agc\n");
    std::string many;
    for (int i = 0; i < 20000; ++i) many += "a@:-";
    r = run_cli({"getctg", kSyn + "/default.agc", many});
    EXPECT_EQ(r.exit_code, 1) << r.err.substr(0, 200);
}

// An archive that shrinks while it is read gives an error (it used to be memory-mapped: SIGBUS).
TEST(Hardening, ArchiveShrinkingWhileReadIsAnError) {
    TempDir dir;
    std::filesystem::copy_file(kSyn + "/default.agc", dir / "a.agc");
    ArchiveCatalog catalog(dir / "a.agc");
    SegmentDecoder decoder(catalog);
    ASSERT_EQ(::truncate((dir / "a.agc").c_str(), 5000), 0);
    SegmentScratch scratch;
    Codes out;
    try {
        for (const ContigDesc& c : catalog.sample(3).contigs) assemble_contig(c, decoder, catalog.params().k, {}, out, scratch);
        FAIL() << "no error";
    } catch (const Error& e) {
        EXPECT_EQ(std::string(e.what()), "corrupt archive: " + (dir / "a.agc").string() +
                                             ": the file changed while being read (it is shorter now)");
    }
}

// A size field made huge: an error at once, no allocation of it.
TEST(Hardening, CorruptSizeFieldsDoNotRunAwayWithMemory) {
    TempDir dir;
    // toy_ex.agc: stream x1d's part at offset 249 has metadata 56 (AV: 01 38) then a zstd frame.
    std::string bytes = read_file(fixture("toy/toy_ex.agc"));
    ASSERT_EQ(static_cast<uint8_t>(bytes[249]), 1);
    ASSERT_EQ(static_cast<uint8_t>(bytes[250]), 56);
    bytes[250] = static_cast<char>(0xFF);  // 255 bytes claimed
    write_file(dir / "a.agc", bytes);
    auto r = run_limited({"getcol", (dir / "a.agc").string()}, test::kSanitized ? -1 : RLIMIT_AS, rlim_t(2) << 30);
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_EQ(r.err, "agc-flow: corrupt archive: stream x1d part 0: the frame holds 56 bytes, the archive says 255\n");
}

// Out of address space: one line and exit 1, not SIGABRT.
TEST(Hardening, AllocationFailureIsOneLineNotAnAbort) {
    AGCFLOW_SKIP_WHEN_SANITIZED();
    TempDir dir;
    auto g = test::run_generator({"--out", dir.path().string(), "--samples", "1", "--length", "3000000", "--gzip-every",
                                  "0", "--no-short-contigs"});
    ASSERT_EQ(g.exit_code, 0) << g.err;
    // (Below ~50 MB of address space the program cannot even start: its static initialisers fail.)
    int failed = 0;
    for (rlim_t mb = 50; mb <= 200; mb += 10) {
        auto r = run_limited({"create", "-t", "2", "-o", (dir / "a.agc").string(), (dir / "ref.fa").string(),
                              (dir / "sample1.fa").string()},
                             RLIMIT_AS, mb << 20);
        EXPECT_TRUE(r.exit_code == 0 || r.exit_code == 1) << mb << " MB: exit " << r.exit_code << " " << r.err;
        if (r.exit_code == 1) {
            ++failed;
            EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
            EXPECT_EQ(r.err.rfind("agc-flow: out of memory", 0), 0u) << r.err;
            EXPECT_FALSE(std::filesystem::exists(dir / "a.agc"));
        }
        std::filesystem::remove(dir / "a.agc");
        r = run_limited({"getcol", "-t", "2", kSyn + "/default.agc"}, RLIMIT_AS, mb << 20);
        EXPECT_TRUE(r.exit_code == 0 || r.exit_code == 1) << mb << " MB getcol: exit " << r.exit_code << " " << r.err;
        if (r.exit_code == 1) {
            EXPECT_EQ(r.err.rfind("agc-flow: out of memory", 0), 0u) << r.err;
        }
    }
    EXPECT_GT(failed, 0);  // the limits did bite
}

// A file-size limit: an error (EFBIG), not SIGXFSZ, and no partial file.
TEST(Hardening, FileSizeLimitIsAnError) {
    TempDir dir;
    auto r = run_limited({"getcol", "-o", dir.path().string(), kSyn + "/default.agc"}, RLIMIT_FSIZE, 4096);
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("file size limit exceeded"), std::string::npos) << r.err;
    r = run_limited({"create", "-o", (dir / "a.agc").string(), kSyn + "/input/ref.fa"}, RLIMIT_FSIZE, 4096);
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_EQ(r.err, "agc-flow: cannot write " + (dir / "a.agc").string() + ": file size limit exceeded\n");
    EXPECT_FALSE(std::filesystem::exists(dir / "a.agc"));
}

// ---- files -----------------------------------------------------------------------------------

// An archive built through the C API with sample names of our choosing.
void archive_with_samples(const std::filesystem::path& out, const std::vector<std::string>& samples) {
    agcflow_session* s = nullptr;
    ASSERT_EQ(agcflow_session_create(nullptr, &s), AGCFLOW_OK);
    agcflow_output o = agcflow_output_path(out.c_str());
    agcflow_writer* w = nullptr;
    ASSERT_EQ(agcflow_writer_create(s, &o, nullptr, &w), AGCFLOW_OK);
    const std::string seq = "ACGTTGCAACGTAGCTAGCTAGGATCGATCGATTTACGGCAT";
    for (const auto& name : samples) {
        ASSERT_EQ(agcflow_writer_add_sample(w, name.c_str()), AGCFLOW_OK);
        ASSERT_EQ(agcflow_writer_add_contig(w, "c", seq.data(), seq.size()), AGCFLOW_OK) << agcflow_last_error();
    }
    ASSERT_EQ(agcflow_writer_finish(w), AGCFLOW_OK) << agcflow_last_error();
    agcflow_writer_destroy(w);
    agcflow_session_destroy(s);
}

TEST(Hardening, GetcolToADirectoryNeverWritesOutsideIt) {
    TempDir dir;
    for (const std::string evil : {"../evil", "/tmp/agcflow-evil", "..", "a/b"}) {
        archive_with_samples(dir / "a.agc", {"ref", evil});
        std::filesystem::create_directories(dir / "out");
        auto r = run_cli({"getcol", "-o", (dir / "out").string(), (dir / "a.agc").string()});
        EXPECT_EQ(r.exit_code, 1) << evil;
        EXPECT_EQ(r.err, "agc-flow: sample name '" + evil + "' cannot be a file name in " + (dir / "out").string() +
                             " (it would be written outside it); extract it with getset\n");
        EXPECT_TRUE(std::filesystem::is_empty(dir / "out")) << evil;
        EXPECT_FALSE(std::filesystem::exists(dir / "evil.fa"));
        EXPECT_FALSE(std::filesystem::exists("/tmp/agcflow-evil.fa"));
    }
}

TEST(Hardening, DevicesAndFifosAreWrittenAsStreams) {
    // (As root, the output used to be renamed over /dev/null.)
    auto r = run_cli({"getset", "-o", "/dev/null", kSyn + "/default.agc", "sample01"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    struct stat st {};
    ASSERT_EQ(::stat("/dev/null", &st), 0);
    EXPECT_TRUE(S_ISCHR(st.st_mode));
    TempDir dir;
    ASSERT_EQ(::mkfifo((dir / "fifo").c_str(), 0644), 0);
    std::string got;
    std::thread reader([&] { got = read_file(dir / "fifo"); });
    r = run_cli({"getset", "-o", (dir / "fifo").string(), kSyn + "/default.agc", "sample01"});
    reader.join();
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(got, run_cli({"getset", kSyn + "/default.agc", "sample01"}).out);
    ASSERT_EQ(::lstat((dir / "fifo").c_str(), &st), 0);
    EXPECT_TRUE(S_ISFIFO(st.st_mode));
}

TEST(Hardening, SymbolicLinksAreFollowedNotReplaced) {
    TempDir dir;
    write_file(dir / "target.fa", "old");
    std::filesystem::create_symlink("target.fa", dir / "link.fa");
    auto r = run_cli({"getset", "-o", (dir / "link.fa").string(), kSyn + "/default.agc", "sample01"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(std::filesystem::is_symlink(dir / "link.fa"));
    EXPECT_EQ(read_file(dir / "target.fa"), run_cli({"getset", kSyn + "/default.agc", "sample01"}).out);
    // A dangling link: the file it names is made.
    std::filesystem::create_symlink("made.fa", dir / "dangling.fa");
    r = run_cli({"getset", "-o", (dir / "dangling.fa").string(), kSyn + "/default.agc", "sample01"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(std::filesystem::is_symlink(dir / "dangling.fa"));
    EXPECT_TRUE(std::filesystem::exists(dir / "made.fa"));
}

// A read-only file of another user is never replaced, even in a directory everyone may write.
TEST(Hardening, AFileTheUserCouldNotWriteIsNotReplaced) {
    TempDir dir;
    ASSERT_EQ(::chmod(dir.path().c_str(), 01777), 0);
    const auto victim = dir / "victim.fa";
    write_file(victim, "precious");
    ASSERT_EQ(::chmod(victim.c_str(), 0444), 0);
    // As root, run as nobody (root could write the file); otherwise as ourselves (0444 bars us).
    const uid_t as = ::geteuid() == 0 ? 65534 : 0;
    auto r = run_limited({"getset", "-o", victim.string(), kSyn + "/default.agc", "sample01"}, -1, 0, as);
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_EQ(r.err, "agc-flow: cannot replace " + victim.string() + ": Permission denied (it is not writable)\n");
    EXPECT_EQ(read_file(victim), "precious");
}

TEST(Hardening, AnOutputThatIsAnInputIsRefused) {
    TempDir dir;
    std::filesystem::copy_file(kSyn + "/input/ref.fa", dir / "ref.fa");
    std::filesystem::copy_file(kSyn + "/input/sample00.fa", dir / "s.fa");
    const std::string before = read_file(dir / "s.fa");
    auto r = run_cli({"create", "-o", (dir / "s.fa").string(), (dir / "ref.fa").string(), (dir / "s.fa").string()});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_EQ(r.err, "agc-flow: the output " + (dir / "s.fa").string() + " is one of the inputs (" + (dir / "s.fa").string() + ")\n");
    EXPECT_EQ(read_file(dir / "s.fa"), before);
    // Through a symbolic link too.
    std::filesystem::create_symlink("s.fa", dir / "alias.fa");
    r = run_cli({"create", "-o", (dir / "alias.fa").string(), (dir / "ref.fa").string(), (dir / "s.fa").string()});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_EQ(read_file(dir / "s.fa"), before);
}

// Where the file system has no unnamed files, named temporaries are used, and those of
// processes that are gone (killed) are removed by the next output to the same directory.
TEST(Hardening, StaleTemporariesOfDeadProcessesAreRemoved) {
    TempDir dir;
    const pid_t dead = ::fork();
    if (dead == 0) ::_exit(0);
    ::waitpid(dead, nullptr, 0);
    const auto stale = dir / ("out.fa.agcflow-tmp-" + std::to_string(dead) + "-3");
    const auto alive = dir / ("other.agc.agcflow-tmp-" + std::to_string(::getpid()) + "-9");
    write_file(stale, "x");
    write_file(alive, "y");
    OutputFile::use_named_temporaries(true);
    {
        OutputFile out(dir / "out.fa");
        out.write(std::string("data"));
        out.commit();
    }
    OutputFile::use_named_temporaries(false);
    EXPECT_FALSE(std::filesystem::exists(stale));
    EXPECT_TRUE(std::filesystem::exists(alive));
    EXPECT_EQ(read_file(dir / "out.fa"), "data");
    size_t files = 0;
    for (auto& e : std::filesystem::directory_iterator(dir.path())) ++files, (void)e;
    EXPECT_EQ(files, 2u);  // out.fa and the live process's temporary
}

// ---- input -----------------------------------------------------------------------------------

TEST(Hardening, ALoneCarriageReturnInAHeaderIsRefused) {
    TempDir dir;
    write_file(dir / "ref.fa", ">chr1 desc\rACGT\nACGTACGTTTGA\n");
    auto r = run_cli({"create", "-o", (dir / "a.agc").string(), (dir / "ref.fa").string()});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_EQ(r.err, "agc-flow: " + (dir / "ref.fa").string() +
                         ", record 1 (chr1 desc): a carriage return inside the header (only CR LF may end a line)\n");
    write_file(dir / "ok.fa", ">chr1 desc\r\nACGTACGTTTGA\r\n");
    r = run_cli({"create", "-o", (dir / "a.agc").string(), (dir / "ok.fa").string()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(run_cli({"listctg", (dir / "a.agc").string(), "ok"}).out, "ok\n   chr1 desc\n");
}

TEST(Hardening, AnInputListThatIsADirectoryIsRefused) {
    TempDir dir;
    auto r = run_cli({"create", "-i", dir.path().string(), "-o", (dir / "a.agc").string(), kSyn + "/input/ref.fa"});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_EQ(r.err, "agc-flow: cannot read input list " + dir.path().string() + ": it is a directory\n");
    write_file(dir / "empty.txt", "\n");
    r = run_cli({"create", "-i", (dir / "empty.txt").string(), "-o", (dir / "a.agc").string(), kSyn + "/input/ref.fa"});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_EQ(r.err, "agc-flow: input list " + (dir / "empty.txt").string() + " names no files\n");
}

// No error message ends in ": Success" (errno read where nothing set it).
TEST(Hardening, NoErrorSaysSuccess) {
    TempDir dir;
    write_file(dir / "empty.fa", "");
    write_file(dir / "bad.gz", std::string("\x1f\x8b\x08\x00\x00\x00", 6));
    std::filesystem::create_directory(dir / "d");
    const std::vector<std::vector<std::string>> cases = {
        {"create", "-o", (dir / "a.agc").string(), (dir / "empty.fa").string()},
        {"create", "-o", (dir / "a.agc").string(), (dir / "bad.gz").string()},
        {"create", "-o", (dir / "a.agc").string(), (dir / "d").string()},
        {"create", "-o", (dir / "d").string(), kSyn + "/input/ref.fa"},
        {"create", "-o", "/nonexistent/a.agc", kSyn + "/input/ref.fa"},
        {"getcol", (dir / "d").string()},
        {"getcol", (dir / "empty.fa").string()},
        {"getcol", "-o", (dir / "empty.fa").string(), kSyn + "/default.agc"},
        {"getset", "-o", (dir / "d").string(), kSyn + "/default.agc", "ref"},
        {"getctg", "--regions", (dir / "d").string(), kSyn + "/default.agc"},
        {"listset", "/dev/null"},
        {"append", kSyn + "/default.agc", (dir / "empty.fa").string(), "-o", (dir / "b.agc").string()},
    };
    for (const auto& c : cases) {
        auto r = run_cli(c);
        EXPECT_NE(r.exit_code, 0) << c[0] << " " << c.back();
        EXPECT_EQ(r.err.find("Success"), std::string::npos) << r.err;
        EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
        EXPECT_EQ(r.err.rfind("agc-flow: ", 0), 0u) << r.err;
    }
}

}  // namespace
}  // namespace agcflow
