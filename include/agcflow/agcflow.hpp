// agc-flow's C++ API: RAII types over the C API (agcflow.h), one exception type, and
// std::string_view / std::span in the signatures. Header-only: nothing of it crosses the
// library's binary interface but the C functions.
//
//   agcflow::Session session({.threads = 8});
//   agcflow::create(session, agcflow::Output::path("col.agc"), {"ref.fa", "s1.fa.gz"});
//   agcflow::Archive archive(session, "col.agc");
//   std::string bases = archive.sequence("chr1", "s1", 1000, 2000);
#ifndef AGCFLOW_HPP
#define AGCFLOW_HPP

#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "agcflow/agcflow.h"

namespace agcflow {

enum class Status : int {
    ok = AGCFLOW_OK,
    argument = AGCFLOW_ERR_ARGUMENT,
    not_found = AGCFLOW_ERR_NOT_FOUND,
    ambiguous = AGCFLOW_ERR_AMBIGUOUS,
    range = AGCFLOW_ERR_RANGE,
    input = AGCFLOW_ERR_INPUT,
    io = AGCFLOW_ERR_IO,
    corrupt = AGCFLOW_ERR_CORRUPT,
    unsupported = AGCFLOW_ERR_UNSUPPORTED,
    no_memory = AGCFLOW_ERR_NO_MEMORY,
    cancelled = AGCFLOW_ERR_CANCELLED,
    busy = AGCFLOW_ERR_BUSY,
    internal = AGCFLOW_ERR_INTERNAL,
};

// Every failure of the C++ API: the C API's status and its message.
class Exception : public std::runtime_error {
public:
    Exception(Status status, const std::string& message) : std::runtime_error(message), status_(status) {}
    Status status() const { return status_; }
    const char* status_name() const { return agcflow_status_name(static_cast<agcflow_status>(status_)); }

private:
    Status status_;
};

namespace detail {
inline void check(agcflow_status s) {
    if (s != AGCFLOW_OK) throw Exception(static_cast<Status>(s), agcflow_last_error());
}
// A C string for an API call: string_views are not NUL-terminated.
inline std::string c_str(std::string_view s) { return std::string(s); }
struct Freer {
    void operator()(void* p) const { agcflow_free(p); }
};
}  // namespace detail

inline std::string version() { return agcflow_version(); }

struct Progress {
    std::string_view operation;  // "create", "append", "extract"
    uint64_t done = 0, total = 0, bases = 0;
};

enum class MessageLevel { warning = AGCFLOW_MESSAGE_WARNING, note = AGCFLOW_MESSAGE_NOTE, detail = AGCFLOW_MESSAGE_DETAIL };

struct SessionOptions {
    uint32_t threads = 0;         // per operation; 0: half the hardware threads
    uint64_t max_memory = 0;      // bytes; 0: half the physical memory
    uint32_t max_operations = 0;  // at once; 0: no limit
    bool wait_when_busy = true;   // past the limit: wait, or throw Exception(Status::busy)
    // Called from the thread running the operation; return false to cancel it. An exception
    // thrown here cancels the operation too.
    std::function<bool(const Progress&)> progress = {};
    std::function<void(MessageLevel, std::string_view)> message = {};
};

class Session {
public:
    explicit Session(SessionOptions options = {}) : callbacks_(std::make_unique<Callbacks>()) {
        callbacks_->progress = std::move(options.progress);
        callbacks_->message = std::move(options.message);
        agcflow_session_options o;
        agcflow_session_options_init(&o);
        o.threads = options.threads;
        o.max_memory = options.max_memory;
        o.max_operations = options.max_operations;
        o.wait_when_busy = options.wait_when_busy ? 1 : 0;
        if (callbacks_->progress) {
            o.progress = &Session::on_progress;
            o.progress_user = callbacks_.get();
        }
        if (callbacks_->message) {
            o.message = &Session::on_message;
            o.message_user = callbacks_.get();
        }
        agcflow_session* s = nullptr;
        detail::check(agcflow_session_create(&o, &s));
        handle_.reset(s);
    }

    // Cancels every operation of the session that runs now.
    void cancel() { detail::check(agcflow_session_cancel(handle_.get())); }
    uint32_t running() const {
        uint32_t n = 0;
        detail::check(agcflow_session_running(handle_.get(), &n));
        return n;
    }
    agcflow_session* handle() const { return handle_.get(); }

private:
    struct Callbacks {
        std::function<bool(const Progress&)> progress;
        std::function<void(MessageLevel, std::string_view)> message;
    };
    static int on_progress(void* user, const agcflow_progress* p) {
        try {
            const Progress pr{p->operation, p->done, p->total, p->bases};
            return static_cast<Callbacks*>(user)->progress(pr) ? 0 : 1;
        } catch (...) {
            return 1;
        }
    }
    static void on_message(void* user, agcflow_message_level level, const char* text) {
        try {
            static_cast<Callbacks*>(user)->message(static_cast<MessageLevel>(level), text);
        } catch (...) {
        }
    }
    struct Deleter {
        void operator()(agcflow_session* s) const { agcflow_session_destroy(s); }
    };
    std::unique_ptr<Callbacks> callbacks_;  // (declared first: destroyed after the session)
    std::unique_ptr<agcflow_session, Deleter> handle_;
};

// Where output goes: a file (moved into place only on success), a file descriptor, or a
// function taking the bytes (an exception thrown by it fails the operation).
class Output {
public:
    static Output path(std::string p) {
        Output o;
        o.path_ = std::move(p);
        o.c_ = agcflow_output_path(nullptr);
        return o;
    }
    static Output fd(int fd) {
        Output o;
        o.c_ = agcflow_output_fd(fd);
        return o;
    }
    static Output stdout_stream() { return fd(1); }
    static Output callback(std::function<void(std::span<const char>)> write) {
        Output o;
        o.write_ = std::make_shared<std::function<void(std::span<const char>)>>(std::move(write));
        o.c_ = agcflow_output_callback(&Output::on_write, o.write_.get());
        return o;
    }
    // The C description (valid while this object lives).
    const agcflow_output* c() const {
        if (c_.kind == AGCFLOW_OUTPUT_PATH) c_.path = path_.c_str();
        return &c_;
    }

private:
    Output() = default;
    static int on_write(void* user, const void* data, size_t size) {
        try {
            (*static_cast<std::function<void(std::span<const char>)>*>(user))({static_cast<const char*>(data), size});
            return 0;
        } catch (...) {
            return 1;
        }
    }
    std::string path_;
    std::shared_ptr<std::function<void(std::span<const char>)>> write_;
    mutable agcflow_output c_{};
};

// Writes bytes to an output as one whole (a file appears with all of them or not at all).
inline void write(const Output& output, std::string_view bytes) {
    detail::check(agcflow_write(output.c(), bytes.data(), bytes.size()));
}

struct CreateOptions {
    uint32_t k = 31;                 // 17..32
    uint32_t min_match_length = 20;  // 15..32
    uint32_t segment_size = 60000;   // 100..1000000
    uint32_t batch_size = 0;         // >= 1; 0: the preset's (50; 500 with MAX)
    bool adaptive = false;
    bool concatenated = false;
    double fallback_fraction = 0.0;  // 0..0.05
    uint32_t verbosity = 0;          // 0..2
    bool checksums = false;          // a self-verifying archive (still read by AGC)
    uint32_t protect = 0;            // 1..100: also write the RaptorQ sidecar <output>.rq (percent)
    agcflow_preset preset = AGCFLOW_PRESET_AGC;  // FAST / MAX: other zstd levels (AGC still reads them)
    std::string trace{};             // non-empty: write every task of the run there (Chrome trace JSON)

    agcflow_create_options c() const {
        agcflow_create_options o;
        agcflow_create_options_init(&o);
        o.k = k;
        o.min_match_length = min_match_length;
        o.segment_size = segment_size;
        o.batch_size = batch_size;
        o.adaptive = adaptive;
        o.concatenated = concatenated;
        o.fallback_fraction = fallback_fraction;
        o.verbosity = verbosity;
        o.checksums = checksums;
        o.protect = protect;
        o.preset = preset;
        o.trace = trace.empty() ? nullptr : trace.c_str();
        return o;
    }
};

namespace detail {
struct CStrings {
    explicit CStrings(std::span<const std::string> v) {
        for (const auto& s : v) ptrs.push_back(s.c_str());
    }
    std::vector<const char*> ptrs;
};
}  // namespace detail

// Compresses FASTA files (the first is the reference) into an archive.
inline void create(Session& session, const Output& output, std::span<const std::string> inputs,
                   const CreateOptions& options = {}) {
    const detail::CStrings in(inputs);
    const auto o = options.c();
    detail::check(agcflow_create(session.handle(), output.c(), in.ptrs.data(), in.ptrs.size(), &o));
}
inline void create(Session& session, const Output& output, std::initializer_list<std::string> inputs,
                   const CreateOptions& options = {}) {
    const std::vector<std::string> v(inputs);
    create(session, output, std::span<const std::string>(v), options);
}

// A new archive with `archive`'s samples and those of `inputs` (parameters from `archive`).
inline void append(Session& session, std::string_view archive, const Output& output,
                   std::span<const std::string> inputs, const CreateOptions& options = {}) {
    const detail::CStrings in(inputs);
    const auto o = options.c();
    detail::check(agcflow_append(session.handle(), detail::c_str(archive).c_str(), output.c(), in.ptrs.data(),
                                 in.ptrs.size(), &o));
}

// In-memory compression: samples and contigs handed over one by one.
class Writer {
public:
    // A new archive (the first sample is the reference).
    Writer(Session& session, const Output& output, const CreateOptions& options = {}) : output_(output) {
        const auto o = options.c();
        agcflow_writer* w = nullptr;
        detail::check(agcflow_writer_create(session.handle(), output_.c(), &o, &w));
        handle_.reset(w);
    }
    // Appending to `archive`.
    static Writer append(Session& session, std::string_view archive, const Output& output,
                         const CreateOptions& options = {}) {
        return Writer(session, archive, output, options);
    }
    void add_sample(std::string_view name) {
        detail::check(agcflow_writer_add_sample(handle_.get(), detail::c_str(name).c_str()));
    }
    void add_contig(std::string_view name, std::string_view sequence) {
        detail::check(agcflow_writer_add_contig(handle_.get(), detail::c_str(name).c_str(), sequence.data(), sequence.size()));
    }
    // Completes the archive. Without it, destroying the writer abandons the output.
    void finish() { detail::check(agcflow_writer_finish(handle_.get())); }

private:
    Writer(Session& session, std::string_view archive, const Output& output, const CreateOptions& options)
        : output_(output) {
        const auto o = options.c();
        agcflow_writer* w = nullptr;
        detail::check(agcflow_writer_append(session.handle(), detail::c_str(archive).c_str(), output_.c(), &o, &w));
        handle_.reset(w);
    }
    struct Deleter {
        void operator()(agcflow_writer* w) const { agcflow_writer_destroy(w); }
    };
    Output output_;
    std::unique_ptr<agcflow_writer, Deleter> handle_;
};

struct ArchiveInfo {
    uint32_t version_major = 0, version_minor = 0;
    uint32_t k = 0, min_match_length = 0, segment_size = 0, batch_size = 0;
    uint64_t samples = 0;
};

struct CommandLine {
    std::string command, date;
};

struct FastaOptions {
    uint32_t line_length = 80;
    uint32_t gzip_level = 0;
    bool streaming = false;
    bool skip_reference = false;
    bool sample_in_name = false;

    agcflow_fasta_options c() const {
        agcflow_fasta_options o;
        agcflow_fasta_options_init(&o);
        o.line_length = line_length;
        o.gzip_level = gzip_level;
        o.streaming = streaming;
        o.skip_reference = skip_reference;
        o.sample_in_name = sample_in_name;
        return o;
    }
};

// A range [start, end) of a contig; sample empty: any sample; end npos: the contig's end.
struct Range {
    std::string contig;
    std::string sample;
    uint64_t start = 0;
    uint64_t end = AGCFLOW_END;
};

inline constexpr uint64_t npos = AGCFLOW_END;

// An open archive (any AGC format version); one object serves many threads at once.
class Archive {
public:
    Archive(Session& session, std::string_view path) {
        agcflow_archive* a = nullptr;
        detail::check(agcflow_archive_open(session.handle(), detail::c_str(path).c_str(), &a));
        handle_.reset(a);
    }

    ArchiveInfo info() const {
        agcflow_archive_info i{};
        i.size = sizeof i;
        detail::check(agcflow_archive_get_info(handle_.get(), &i));
        return {i.version_major, i.version_minor, i.k, i.min_match_length, i.segment_size, i.batch_size, i.samples};
    }
    // file_type_info, sorted by key.
    std::vector<std::pair<std::string, std::string>> metadata() const {
        agcflow_archive_info i{};
        i.size = sizeof i;
        detail::check(agcflow_archive_get_info(handle_.get(), &i));
        std::vector<std::pair<std::string, std::string>> v;
        for (uint64_t j = 0; j < i.metadata_entries; ++j) {
            const char *k = nullptr, *val = nullptr;
            detail::check(agcflow_archive_metadata(handle_.get(), j, &k, &val));
            v.emplace_back(k, val);
        }
        return v;
    }
    // Command lines AGC 1.x/2.x stored (none in format 3).
    std::vector<CommandLine> command_lines() const {
        agcflow_archive_info i{};
        i.size = sizeof i;
        detail::check(agcflow_archive_get_info(handle_.get(), &i));
        std::vector<CommandLine> v;
        for (uint64_t j = 0; j < i.command_lines; ++j) {
            const char *c = nullptr, *d = nullptr;
            detail::check(agcflow_archive_command_line(handle_.get(), j, &c, &d));
            v.push_back({c, d});
        }
        return v;
    }

    std::string reference() const {
        const char* name = nullptr;
        detail::check(agcflow_archive_reference(handle_.get(), &name));
        return name;
    }
    // Sample names in archive order.
    std::vector<std::string> samples() const {
        const uint64_t n = info().samples;
        std::vector<std::string> v;
        v.reserve(n);
        for (uint64_t i = 0; i < n; ++i) {
            const char* name = nullptr;
            detail::check(agcflow_archive_sample(handle_.get(), i, &name));
            v.emplace_back(name);
        }
        return v;
    }
    // A sample's contig names, in stored order.
    std::vector<std::string> contigs(std::string_view sample) const {
        const std::string s(sample);
        uint64_t n = 0;
        detail::check(agcflow_archive_contig_count(handle_.get(), s.c_str(), &n));
        std::vector<std::string> v;
        v.reserve(n);
        for (uint64_t i = 0; i < n; ++i) {
            const char* name = nullptr;
            detail::check(agcflow_archive_contig(handle_.get(), s.c_str(), i, &name, nullptr));
            v.emplace_back(name);
        }
        return v;
    }
    // A contig's length; `sample` empty: the contig must be in exactly one sample.
    uint64_t length(std::string_view contig, std::string_view sample = {}) const {
        const std::string c(contig), s(sample);
        uint64_t len = 0;
        detail::check(agcflow_archive_contig_length(handle_.get(), s.empty() ? nullptr : s.c_str(), c.c_str(), &len));
        return len;
    }
    // Bases [start, end) of a contig as upper-case letters.
    std::string sequence(std::string_view contig, std::string_view sample = {}, uint64_t start = 0,
                         uint64_t end = npos) const {
        const std::string c(contig), s(sample);
        char* seq = nullptr;
        uint64_t len = 0;
        detail::check(agcflow_archive_sequence_alloc(handle_.get(), s.empty() ? nullptr : s.c_str(), c.c_str(), start,
                                                     end, &seq, &len));
        std::unique_ptr<char, detail::Freer> own(seq);
        return std::string(seq, len);
    }
    // The same into the caller's buffer; returns the number of bases.
    size_t sequence(std::span<char> buffer, std::string_view contig, std::string_view sample = {}, uint64_t start = 0,
                    uint64_t end = npos) const {
        const std::string c(contig), s(sample);
        uint64_t len = 0;
        detail::check(agcflow_archive_sequence(handle_.get(), s.empty() ? nullptr : s.c_str(), c.c_str(), start, end,
                                               buffer.data(), buffer.size(), &len));
        return len;
    }
    // Many ranges at once (each segment decoded once however many ranges touch it).
    std::vector<std::string> sequences(std::span<const Range> ranges) const {
        std::vector<agcflow_range> rs;
        rs.reserve(ranges.size());
        for (const auto& r : ranges) rs.push_back({r.sample.empty() ? nullptr : r.sample.c_str(), r.contig.c_str(), r.start, r.end});
        std::vector<uint64_t> offsets(ranges.size() + 1);
        char* bases = nullptr;
        detail::check(agcflow_archive_sequences(handle_.get(), rs.data(), rs.size(), &bases, offsets.data()));
        std::unique_ptr<char, detail::Freer> own(bases);
        std::vector<std::string> out;
        out.reserve(ranges.size());
        for (size_t i = 0; i < ranges.size(); ++i) out.emplace_back(bases + offsets[i], offsets[i + 1] - offsets[i]);
        return out;
    }

    // FASTA output, as AGC's getset, getcol, getcol -o DIR, getctg and getctg --regions.
    void write_samples(std::span<const std::string> samples, const Output& output, const FastaOptions& options = {}) const {
        const detail::CStrings names(samples);
        const auto o = options.c();
        detail::check(agcflow_archive_write_samples(handle_.get(), names.ptrs.data(), names.ptrs.size(), &o, output.c()));
    }
    void write_collection(const Output& output, const FastaOptions& options = {}) const {
        const auto o = options.c();
        detail::check(agcflow_archive_write_collection(handle_.get(), &o, output.c()));
    }
    void write_collection_files(std::string_view directory, const FastaOptions& options = {}) const {
        const auto o = options.c();
        detail::check(agcflow_archive_write_collection_files(handle_.get(), detail::c_str(directory).c_str(), &o));
    }
    void write_queries(std::span<const std::string> queries, const Output& output, const FastaOptions& options = {}) const {
        const detail::CStrings q(queries);
        const auto o = options.c();
        detail::check(agcflow_archive_write_queries(handle_.get(), q.ptrs.data(), q.ptrs.size(), &o, output.c()));
    }
    void write_regions(std::string_view bed_path, const Output& output, const FastaOptions& options = {}) const {
        const auto o = options.c();
        detail::check(agcflow_archive_write_regions(handle_.get(), detail::c_str(bed_path).c_str(), &o, output.c()));
    }

    agcflow_archive* handle() const { return handle_.get(); }

private:
    struct Deleter {
        void operator()(agcflow_archive* a) const { agcflow_archive_close(a); }
    };
    std::unique_ptr<agcflow_archive, Deleter> handle_;
};

// ---- protection against damage: RaptorQ sidecars (agcflow.h has the details) ----

inline bool raptorq_available() { return agcflow_raptorq_available() != 0; }

struct ProtectOptions {
    uint32_t redundancy = 10;  // percent, 1..100 (protect)
    std::string sidecar = {};  // empty: <file>.rq

    agcflow_protect_options c() const {
        agcflow_protect_options o;
        agcflow_protect_options_init(&o);
        o.redundancy = redundancy;
        o.sidecar = sidecar.empty() ? nullptr : sidecar.c_str();
        return o;
    }
};

using ProtectInfo = agcflow_protect_info;

struct ByteRange {
    uint64_t begin = 0, end = 0;
};

struct DamageReport : agcflow_damage_report {
    std::vector<ByteRange> damaged;  // the damaged ranges [begin, end)
    std::string refused_because;     // repair: why nothing was written (damage beyond the redundancy)
};

namespace detail {
inline int add_range(void* user, uint64_t begin, uint64_t end) {
    static_cast<std::vector<ByteRange>*>(user)->push_back({begin, end});
    return 0;
}
}  // namespace detail

// Writes <file>.rq (or options.sidecar).
inline ProtectInfo protect(Session& session, std::string_view file, const ProtectOptions& options = {}) {
    const auto o = options.c();
    ProtectInfo info{};
    detail::check(agcflow_protect(session.handle(), detail::c_str(file).c_str(), &o, &info));
    return info;
}

// Compares a file with its sidecar; throws only when the sidecar cannot be used at all.
inline DamageReport verify(Session& session, std::string_view file, const ProtectOptions& options = {}) {
    const auto o = options.c();
    DamageReport r{};
    detail::check(agcflow_verify(session.handle(), detail::c_str(file).c_str(), &o, &r, &detail::add_range, &r.damaged));
    return r;
}

// Restores a file (into `output`; empty: in place). Damage beyond the sidecar's redundancy is
// not thrown: the report's `refused` is 1 and `refused_because` says why nothing was written.
inline DamageReport repair(Session& session, std::string_view file, std::string_view output = {},
                           const ProtectOptions& options = {}) {
    const auto o = options.c();
    DamageReport r{};
    const std::string out(output);
    const agcflow_status s = agcflow_repair(session.handle(), detail::c_str(file).c_str(),
                                            out.empty() ? nullptr : out.c_str(), &o, &r, &detail::add_range, &r.damaged);
    if (s == AGCFLOW_ERR_CORRUPT && r.agcflow_damage_report::refused)
        r.refused_because = agcflow_last_error();
    else
        detail::check(s);
    return r;
}

// Checks an archive without a sidecar (every structure, part and contig); throws on the first problem.
inline void check_archive(Session& session, std::string_view path) {
    detail::check(agcflow_archive_check(session.handle(), detail::c_str(path).c_str()));
}

}  // namespace agcflow

#endif  // AGCFLOW_HPP
