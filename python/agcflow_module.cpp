// The Python module `agcflow`: archives to read, create/append (from files, or sample by sample
// through a Writer), over the library's C++ API. Work runs with the GIL released, so several
// Python threads can query one Archive at once; progress callbacks take the GIL back.
#include <pybind11/eval.h>
#include <pybind11/functional.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <optional>

#include "agcflow/agcflow.hpp"

namespace py = pybind11;

namespace {

// Python exceptions for the library's statuses: agcflow.Error, and a subclass per kind that
// also derives from the built-in exception a Python programmer would expect.
struct Exceptions {
    py::object base, argument, not_found, ambiguous, range, input, io, corrupt, unsupported, no_memory, cancelled, busy,
        internal;
};
Exceptions* g_exceptions = nullptr;

py::object exception_for(agcflow::Status s) {
    const Exceptions& e = *g_exceptions;
    switch (s) {
        case agcflow::Status::argument: return e.argument;
        case agcflow::Status::not_found: return e.not_found;
        case agcflow::Status::ambiguous: return e.ambiguous;
        case agcflow::Status::range: return e.range;
        case agcflow::Status::input: return e.input;
        case agcflow::Status::io: return e.io;
        case agcflow::Status::corrupt: return e.corrupt;
        case agcflow::Status::unsupported: return e.unsupported;
        case agcflow::Status::no_memory: return e.no_memory;
        case agcflow::Status::cancelled: return e.cancelled;
        case agcflow::Status::busy: return e.busy;
        default: return e.internal;
    }
}

// A progress callback for the library: called on the library's threads, with the GIL taken.
// A Python exception (or a false return) cancels the operation; the exception is kept and
// raised instead of the cancellation.
struct ProgressBridge {
    py::object fn;
    std::shared_ptr<py::error_already_set> error;

    std::function<bool(const agcflow::Progress&)> make() {
        if (fn.is_none()) return {};
        return [this](const agcflow::Progress& p) {
            py::gil_scoped_acquire gil;
            try {
                py::object r = fn(py::str(std::string(p.operation)), p.done, p.total, p.bases);
                return r.is_none() || r.cast<bool>();
            } catch (py::error_already_set& e) {
                error = std::make_shared<py::error_already_set>(std::move(e));
                return false;
            }
        };
    }
};

agcflow::SessionOptions session_options(std::optional<uint32_t> threads, std::optional<uint64_t> max_memory,
                                        uint32_t max_operations, bool wait_when_busy) {
    agcflow::SessionOptions o;
    o.threads = threads.value_or(0);
    o.max_memory = max_memory.value_or(0);
    o.max_operations = max_operations;
    o.wait_when_busy = wait_when_busy;
    return o;
}

agcflow::CreateOptions create_options(uint32_t k, uint32_t min_match_length, uint32_t segment_size, uint32_t batch_size,
                                      bool adaptive, bool concatenated, double fallback_fraction) {
    agcflow::CreateOptions c;
    c.k = k;
    c.min_match_length = min_match_length;
    c.segment_size = segment_size;
    c.batch_size = batch_size;
    c.adaptive = adaptive;
    c.concatenated = concatenated;
    c.fallback_fraction = fallback_fraction;
    return c;
}

// Runs `body` without the GIL; a library exception becomes the Python exception of its status
// (or the progress callback's own exception, when that is what stopped the operation).
template <typename F>
auto without_gil(F&& body, ProgressBridge* progress = nullptr) {
    std::optional<agcflow::Exception> failure;
    using R = decltype(body());
    if constexpr (std::is_void_v<R>) {
        {
            py::gil_scoped_release release;
            try {
                body();
            } catch (const agcflow::Exception& e) {
                failure = e;
            }
        }
        if (progress && progress->error) throw *progress->error;
        if (failure) {
            PyErr_SetString(exception_for(failure->status()).ptr(), failure->what());
            throw py::error_already_set();
        }
    } else {
        std::optional<R> result;
        {
            py::gil_scoped_release release;
            try {
                result.emplace(body());
            } catch (const agcflow::Exception& e) {
                failure = e;
            }
        }
        if (progress && progress->error) throw *progress->error;
        if (failure) {
            PyErr_SetString(exception_for(failure->status()).ptr(), failure->what());
            throw py::error_already_set();
        }
        return std::move(*result);
    }
}

std::vector<std::string> as_paths(const py::iterable& items) {
    std::vector<std::string> v;
    for (py::handle h : items) v.push_back(py::str(h).cast<std::string>());
    return v;
}

class Archive {
public:
    Archive(const std::string& path, std::optional<uint32_t> threads, std::optional<uint64_t> max_memory)
        : session_(std::make_unique<agcflow::Session>(session_options(threads, max_memory, 0, true))) {
        archive_ = without_gil([&] { return std::make_unique<agcflow::Archive>(*session_, path); });
        path_ = path;
    }
    void close() { archive_.reset(); }
    const agcflow::Archive& a() const {
        if (!archive_) {
            PyErr_SetString(g_exceptions->argument.ptr(), "the archive is closed");
            throw py::error_already_set();
        }
        return *archive_;
    }

    // (Each call takes the handle with the GIL held: a closed archive raises at once.)
    std::vector<std::string> samples() const {
        const auto& ar = a();
        return without_gil([&] { return ar.samples(); });
    }
    std::string reference() const {
        const auto& ar = a();
        return without_gil([&] { return ar.reference(); });
    }
    std::vector<std::string> contigs(const std::string& sample) const {
        const auto& ar = a();
        return without_gil([&] { return ar.contigs(sample); });
    }
    uint64_t length(const std::string& contig, std::optional<std::string> sample) const {
        const auto& ar = a();
        return without_gil([&] { return ar.length(contig, sample.value_or("")); });
    }
    std::string sequence(const std::string& contig, std::optional<std::string> sample, uint64_t start,
                         std::optional<uint64_t> end) const {
        const auto& ar = a();
        return without_gil([&] { return ar.sequence(contig, sample.value_or(""), start, end.value_or(agcflow::npos)); });
    }
    // Ranges as (contig, sample, start, end) tuples; sample and end may be None, and the tuple
    // may stop after contig, sample or start.
    std::vector<std::string> sequences(const py::iterable& ranges) const {
        std::vector<agcflow::Range> rs;
        for (py::handle h : ranges) {
            py::tuple t = py::reinterpret_borrow<py::object>(h).cast<py::tuple>();
            if (t.size() < 1 || t.size() > 4) {
                PyErr_SetString(g_exceptions->argument.ptr(), "a range is (contig, sample, start, end)");
                throw py::error_already_set();
            }
            agcflow::Range r;
            r.contig = t[0].cast<std::string>();
            if (t.size() > 1 && !t[1].is_none()) r.sample = t[1].cast<std::string>();
            if (t.size() > 2) r.start = t[2].cast<uint64_t>();
            if (t.size() > 3 && !t[3].is_none()) r.end = t[3].cast<uint64_t>();
            rs.push_back(std::move(r));
        }
        const auto& ar = a();
        return without_gil([&] { return ar.sequences(rs); });
    }
    py::dict info() const {
        const auto& ar = a();
        const auto i = without_gil([&] { return ar.info(); });
        py::dict d;
        d["version"] = py::make_tuple(i.version_major, i.version_minor);
        d["k"] = i.k;
        d["min_match_length"] = i.min_match_length;
        d["segment_size"] = i.segment_size;
        d["batch_size"] = i.batch_size;
        d["samples"] = i.samples;
        return d;
    }
    void write_samples(const std::vector<std::string>& samples, const std::string& output, uint32_t line_length) const {
        agcflow::FastaOptions f;
        f.line_length = line_length;
        const auto& ar = a();
        without_gil([&] { ar.write_samples(samples, agcflow::Output::path(output), f); });
    }
    std::string path() const { return path_; }

private:
    std::unique_ptr<agcflow::Session> session_;
    std::unique_ptr<agcflow::Archive> archive_;
    std::string path_;
};

class Writer {
public:
    Writer(const std::string& output, std::optional<std::string> append_to, std::optional<uint32_t> threads,
           std::optional<uint64_t> max_memory, uint32_t k, uint32_t min_match_length, uint32_t segment_size,
           uint32_t batch_size, bool adaptive, bool concatenated, double fallback_fraction)
        : session_(std::make_unique<agcflow::Session>(session_options(threads, max_memory, 0, true))) {
        const auto c = create_options(k, min_match_length, segment_size, batch_size, adaptive, concatenated, fallback_fraction);
        writer_ = without_gil([&] {
            return append_to ? std::make_unique<agcflow::Writer>(
                                   agcflow::Writer::append(*session_, *append_to, agcflow::Output::path(output), c))
                             : std::make_unique<agcflow::Writer>(*session_, agcflow::Output::path(output), c);
        });
    }
    agcflow::Writer& w() {
        if (!writer_) {
            PyErr_SetString(g_exceptions->argument.ptr(), "the writer has finished");
            throw py::error_already_set();
        }
        return *writer_;
    }
    void add_sample(const std::string& name) {
        auto& wr = w();
        without_gil([&] { wr.add_sample(name); });
    }
    void add_contig(const std::string& name, const std::string& sequence) {
        auto& wr = w();
        without_gil([&] { wr.add_contig(name, sequence); });
    }
    void finish() {
        auto& wr = w();
        without_gil([&] { wr.finish(); });
        writer_.reset();
    }
    void abandon() { writer_.reset(); }

private:
    std::unique_ptr<agcflow::Session> session_;
    std::unique_ptr<agcflow::Writer> writer_;
};

void create(const std::string& output, const py::iterable& inputs, std::optional<uint32_t> threads,
            std::optional<uint64_t> max_memory, uint32_t k, uint32_t min_match_length, uint32_t segment_size,
            uint32_t batch_size, bool adaptive, bool concatenated, double fallback_fraction, uint32_t protect,
            const std::string& preset, py::object progress) {
    ProgressBridge bridge{progress, nullptr};
    auto o = session_options(threads, max_memory, 0, true);
    o.progress = bridge.make();
    const auto files = as_paths(inputs);
    auto c = create_options(k, min_match_length, segment_size, batch_size, adaptive, concatenated, fallback_fraction);
    c.protect = protect;
    if (preset == "fast") c.preset = AGCFLOW_PRESET_FAST;
    else if (preset == "max") c.preset = AGCFLOW_PRESET_MAX;
    else if (preset != "agc") throw py::value_error("preset must be 'agc', 'fast' or 'max', not '" + preset + "'");
    without_gil(
        [&] {
            agcflow::Session s(o);
            agcflow::create(s, agcflow::Output::path(output), files, c);
        },
        &bridge);
}

void append(const std::string& archive, const std::string& output, const py::iterable& inputs,
            std::optional<uint32_t> threads, std::optional<uint64_t> max_memory, bool adaptive, bool concatenated,
            double fallback_fraction, uint32_t protect, py::object progress) {
    ProgressBridge bridge{progress, nullptr};
    auto o = session_options(threads, max_memory, 0, true);
    o.progress = bridge.make();
    const auto files = as_paths(inputs);
    agcflow::CreateOptions c;
    c.protect = protect;
    c.adaptive = adaptive;
    c.concatenated = concatenated;
    c.fallback_fraction = fallback_fraction;
    without_gil(
        [&] {
            agcflow::Session s(o);
            agcflow::append(s, archive, agcflow::Output::path(output), files, c);
        },
        &bridge);
}

// ---- protection: RaptorQ sidecars ----

py::dict layout_dict(const agcflow::ProtectInfo& i) {
    py::dict d;
    d["file_size"] = i.file_size;
    d["symbol_size"] = i.symbol_size;
    d["symbols"] = i.symbols;
    d["blocks"] = i.blocks;
    d["block_symbols"] = i.block_symbols;
    d["repair_symbols"] = i.repair_symbols;
    d["redundancy"] = i.redundancy;
    d["sidecar_size"] = i.sidecar_size;
    return d;
}

py::dict report_dict(const agcflow::DamageReport& r) {
    py::dict d;
    d["layout"] = layout_dict(r.layout);
    d["file_size"] = r.file_size;
    d["intact"] = r.intact != 0;
    py::list ranges;
    for (const auto& b : r.damaged) ranges.append(py::make_tuple(b.begin, b.end));
    d["damaged"] = ranges;
    d["damaged_bytes"] = r.damaged_bytes;
    d["unchecked_bytes"] = r.unchecked_bytes;
    d["appended_bytes"] = r.appended_bytes;
    d["sidecar_damaged"] = r.sidecar_damaged != 0;
    d["sidecar_bad_records"] = r.sidecar_bad_records;
    d["blocks_damaged"] = r.blocks_damaged;
    d["blocks_beyond"] = r.blocks_beyond;
    d["recoverable_bytes"] = r.recoverable_bytes;
    d["repairable"] = r.repairable != 0;
    d["file_repaired"] = r.file_repaired != 0;
    d["sidecar_rewritten"] = r.sidecar_rewritten != 0;
    return d;
}

agcflow::ProtectOptions protect_options(uint32_t redundancy, const std::optional<std::string>& sidecar) {
    agcflow::ProtectOptions p;
    p.redundancy = redundancy;
    p.sidecar = sidecar.value_or("");
    return p;
}

py::dict protect(const std::string& path, uint32_t redundancy, std::optional<std::string> sidecar,
                 std::optional<uint32_t> threads, std::optional<uint64_t> max_memory, py::object progress) {
    ProgressBridge bridge{progress, nullptr};
    auto o = session_options(threads, max_memory, 0, true);
    o.progress = bridge.make();
    const auto p = protect_options(redundancy, sidecar);
    const auto info = without_gil(
        [&] {
            agcflow::Session s(o);
            return agcflow::protect(s, path, p);
        },
        &bridge);
    return layout_dict(info);
}

py::dict verify(const std::string& path, std::optional<std::string> sidecar, std::optional<uint32_t> threads,
                std::optional<uint64_t> max_memory, py::object progress) {
    ProgressBridge bridge{progress, nullptr};
    auto o = session_options(threads, max_memory, 0, true);
    o.progress = bridge.make();
    const auto p = protect_options(10, sidecar);
    const auto r = without_gil(
        [&] {
            agcflow::Session s(o);
            return agcflow::verify(s, path, p);
        },
        &bridge);
    return report_dict(r);
}

py::dict repair(const std::string& path, std::optional<std::string> output, std::optional<std::string> sidecar,
                std::optional<uint32_t> threads, std::optional<uint64_t> max_memory, py::object progress) {
    ProgressBridge bridge{progress, nullptr};
    auto o = session_options(threads, max_memory, 0, true);
    o.progress = bridge.make();
    const auto p = protect_options(10, sidecar);
    const auto r = without_gil(
        [&] {
            agcflow::Session s(o);
            return agcflow::repair(s, path, output.value_or(""), p);
        },
        &bridge);
    if (r.refused) {
        PyErr_SetString(exception_for(agcflow::Status::corrupt).ptr(), r.refused_because.c_str());
        throw py::error_already_set();
    }
    return report_dict(r);
}

void check_archive(const std::string& path, std::optional<uint32_t> threads, std::optional<uint64_t> max_memory) {
    const auto o = session_options(threads, max_memory, 0, true);
    without_gil([&] {
        agcflow::Session s(o);
        agcflow::check_archive(s, path);
    });
}

}  // namespace

PYBIND11_MODULE(agcflow, m) {
    m.doc() = "agc-flow: compress collections of assembled genomes into AGC archives and read them";
    m.attr("__version__") = agcflow::version();

    // The exceptions, defined in Python: a base class whose str() is the one-line message, and a
    // subclass per status, also deriving from the built-in exception one would expect.
    py::exec(R"(
class Error(Exception):
    """An agc-flow failure; str() is its one-line message."""
    def __str__(self):
        return str(self.args[0]) if self.args else ''
class ArgumentError(Error, ValueError):
    """A bad argument or option value."""
class NotFoundError(Error, KeyError):
    """An unknown sample or contig."""
class AmbiguousError(Error, KeyError):
    """A contig name that could mean several contigs."""
class RangeError(Error, IndexError):
    """Coordinates outside a contig, or start after end."""
class InputError(Error, ValueError):
    """Bad input: FASTA, sequence letters, names."""
class FileError(Error, OSError):
    """A file that cannot be opened, read or written."""
class CorruptArchiveError(Error):
    """Not an AGC archive, or a damaged one."""
class UnsupportedError(Error):
    """An archive version or feature this build cannot handle."""
class OutOfMemoryError(Error, MemoryError):
    """Out of memory."""
class CancelledError(Error):
    """The operation was cancelled."""
class BusyError(Error):
    """The session's limit on concurrent operations was reached."""
class InternalError(Error):
    """A bug of agc-flow's."""
for _c in (Error, ArgumentError, NotFoundError, AmbiguousError, RangeError, InputError, FileError,
           CorruptArchiveError, UnsupportedError, OutOfMemoryError, CancelledError, BusyError, InternalError):
    _c.__module__ = 'agcflow'
del _c
)", m.attr("__dict__"));
    static Exceptions exceptions{m.attr("Error"),           m.attr("ArgumentError"),  m.attr("NotFoundError"),
                                 m.attr("AmbiguousError"),  m.attr("RangeError"),     m.attr("InputError"),
                                 m.attr("FileError"),       m.attr("CorruptArchiveError"), m.attr("UnsupportedError"),
                                 m.attr("OutOfMemoryError"), m.attr("CancelledError"), m.attr("BusyError"),
                                 m.attr("InternalError")};
    g_exceptions = &exceptions;

    py::class_<Archive>(m, "Archive", "An AGC archive (any format version) opened for reading.")
        .def(py::init<const std::string&, std::optional<uint32_t>, std::optional<uint64_t>>(), py::arg("path"),
             py::kw_only(), py::arg("threads") = py::none(), py::arg("max_memory") = py::none())
        .def("__enter__", [](Archive& a) -> Archive& { return a; })
        .def("__exit__", [](Archive& a, py::args) { a.close(); })
        .def("close", &Archive::close)
        .def("samples", &Archive::samples, "Sample names in archive order.")
        .def("reference", &Archive::reference, "The reference sample's name.")
        .def("contigs", &Archive::contigs, py::arg("sample"), "A sample's contig names, in stored order.")
        .def("length", &Archive::length, py::arg("contig"), py::arg("sample") = py::none(),
             "A contig's length; without a sample the contig must be in exactly one.")
        .def("sequence", &Archive::sequence, py::arg("contig"), py::arg("sample") = py::none(), py::arg("start") = 0,
             py::arg("end") = py::none(), "Bases [start, end) of a contig (0-based, like a slice).")
        .def("sequences", &Archive::sequences, py::arg("ranges"),
             "Many ranges at once: an iterable of (contig, sample, start, end); a list of strings.")
        .def("info", &Archive::info, "Format version and parameters.")
        .def("write_samples", &Archive::write_samples, py::arg("samples"), py::arg("output"), py::arg("line_length") = 80,
             "The samples as FASTA into a file (as getset).")
        .def_property_readonly("path", &Archive::path)
        .def("__repr__", [](const Archive& a) { return "<agcflow.Archive " + a.path() + ">"; });

    py::class_<Writer>(m, "Writer", "An archive built sample by sample, contig by contig (the first sample is the reference).")
        .def(py::init<const std::string&, std::optional<std::string>, std::optional<uint32_t>, std::optional<uint64_t>,
                      uint32_t, uint32_t, uint32_t, uint32_t, bool, bool, double>(),
             py::arg("output"), py::kw_only(), py::arg("append_to") = py::none(), py::arg("threads") = py::none(),
             py::arg("max_memory") = py::none(), py::arg("k") = 31, py::arg("min_match_length") = 20,
             py::arg("segment_size") = 60000, py::arg("batch_size") = 50, py::arg("adaptive") = false,
             py::arg("concatenated") = false, py::arg("fallback_fraction") = 0.0)
        .def("add_sample", &Writer::add_sample, py::arg("name"))
        .def("add_contig", &Writer::add_contig, py::arg("name"), py::arg("sequence"))
        .def("finish", &Writer::finish)
        .def("__enter__", [](Writer& w) -> Writer& { return w; })
        .def("__exit__", [](Writer& w, py::object type, py::object, py::object) {
            if (type.is_none())
                w.finish();
            else
                w.abandon();
        });

    m.def("create", &create, py::arg("output"), py::arg("inputs"), py::kw_only(), py::arg("threads") = py::none(),
          py::arg("max_memory") = py::none(), py::arg("k") = 31, py::arg("min_match_length") = 20,
          py::arg("segment_size") = 60000, py::arg("batch_size") = 0, py::arg("adaptive") = false,
          py::arg("concatenated") = false, py::arg("fallback_fraction") = 0.0, py::arg("protect") = 0,
          py::arg("preset") = "agc", py::arg("progress") = py::none(),
          "Compress FASTA files (the first is the reference) into an archive, as `agc-flow create`. "
          "protect=PERCENT also writes the RaptorQ sidecar output + '.rq'; preset='fast' or 'max' other zstd levels "
          "('max': also batch_size 500; batch_size 0 is the preset's, 50 otherwise). "
          "progress(operation, done, total, bases) is called after each sample; a false return cancels.");
    m.def("append", &append, py::arg("archive"), py::arg("output"), py::arg("inputs"), py::kw_only(),
          py::arg("threads") = py::none(), py::arg("max_memory") = py::none(), py::arg("adaptive") = false,
          py::arg("concatenated") = false, py::arg("fallback_fraction") = 0.0, py::arg("protect") = 0,
          py::arg("progress") = py::none(),
          "A new archive with the archive's samples and those of the FASTA files, as `agc-flow append`.");
    m.def("raptorq_available", &agcflow::raptorq_available, "Whether this build can protect, verify with and repair from sidecars.");
    m.def("protect", &protect, py::arg("path"), py::kw_only(), py::arg("redundancy") = 10, py::arg("sidecar") = py::none(),
          py::arg("threads") = py::none(), py::arg("max_memory") = py::none(), py::arg("progress") = py::none(),
          "Write the RaptorQ sidecar path + '.rq' (any file): returns its layout as a dict.");
    m.def("verify", &verify, py::arg("path"), py::kw_only(), py::arg("sidecar") = py::none(),
          py::arg("threads") = py::none(), py::arg("max_memory") = py::none(), py::arg("progress") = py::none(),
          "Compare a file with its sidecar: a dict with 'intact', 'damaged' [(begin, end), ...], 'repairable', ...");
    m.def("repair", &repair, py::arg("path"), py::kw_only(), py::arg("output") = py::none(),
          py::arg("sidecar") = py::none(), py::arg("threads") = py::none(), py::arg("max_memory") = py::none(),
          py::arg("progress") = py::none(),
          "Restore a file's exact bytes from its sidecar (in place, or into output); CorruptArchiveError when "
          "the damage exceeds the redundancy (nothing written). Returns what was found, as verify does.");
    m.def("check_archive", &check_archive, py::arg("path"), py::kw_only(), py::arg("threads") = py::none(),
          py::arg("max_memory") = py::none(),
          "Check an archive through without a sidecar (every structure, part and contig); raises on the first problem.");
}
