// The C API: statuses, last errors, sessions and outputs (pipeline/c_api_support.h); the
// compression and query calls are in c_api_compress.cpp and c_api_query.cpp.
#include <cstdlib>
#include <cstring>

#include "io/thread_cache.h"
#include "pipeline/c_api_support.h"
#include "pipeline/memory_budget.h"

namespace agcflow::capi {

namespace {
std::string& last_error() {
    static ThreadCache<std::string> errors;
    return errors.get();
}
}  // namespace

void set_last_error(const std::string& message) {
    try {
        last_error() = message;
    } catch (...) {  // (out of memory: the status still says what happened)
    }
}

agcflow_status status_of(ErrorKind kind) {
    switch (kind) {
        case ErrorKind::input: return AGCFLOW_ERR_INPUT;
        case ErrorKind::argument: return AGCFLOW_ERR_ARGUMENT;
        case ErrorKind::not_found: return AGCFLOW_ERR_NOT_FOUND;
        case ErrorKind::ambiguous: return AGCFLOW_ERR_AMBIGUOUS;
        case ErrorKind::range: return AGCFLOW_ERR_RANGE;
        case ErrorKind::io: return AGCFLOW_ERR_IO;
        case ErrorKind::corrupt: return AGCFLOW_ERR_CORRUPT;
        case ErrorKind::unsupported: return AGCFLOW_ERR_UNSUPPORTED;
        case ErrorKind::no_memory: return AGCFLOW_ERR_NO_MEMORY;
        case ErrorKind::cancelled: return AGCFLOW_ERR_CANCELLED;
        case ErrorKind::busy: return AGCFLOW_ERR_BUSY;
        case ErrorKind::internal: return AGCFLOW_ERR_INTERNAL;
    }
    return AGCFLOW_ERR_INTERNAL;
}

void need(const void* p, const char* what) {
    if (!p) throw Error(ErrorKind::argument, std::string(what) + " is NULL");
}

namespace {

// A caller's options struct: as many bytes as it says it has (an older, shorter struct keeps
// the defaults for the fields it lacks).
template <typename T>
T options_or_defaults(const T* given, void (*init)(T*), const char* what) {
    T v;
    init(&v);
    if (!given) return v;
    if (given->size == 0 || given->size > (1u << 16))
        throw Error(ErrorKind::argument, std::string(what) + " not initialised (call " + what + "_init first)");
    std::memcpy(&v, given, std::min(given->size, sizeof(T)));
    v.size = sizeof(T);
    return v;
}

void check_range(uint64_t v, uint64_t lo, uint64_t hi, const char* what) {
    if (v < lo || v > hi)
        throw Error(ErrorKind::argument, std::string(what) + " " + std::to_string(v) + " is outside " +
                                             std::to_string(lo) + ".." + std::to_string(hi));
}

}  // namespace

std::unique_ptr<OutputFile> open_output(const agcflow_output* output) {
    need(output, "output");
    switch (output->kind) {
        case AGCFLOW_OUTPUT_PATH:
            need(output->path, "output path");
            if (!*output->path) throw Error(ErrorKind::argument, "output path is empty");
            return std::make_unique<OutputFile>(output->path);
        case AGCFLOW_OUTPUT_FD:
            return std::make_unique<OutputFile>(output->fd, "file descriptor " + std::to_string(output->fd));
        case AGCFLOW_OUTPUT_CALLBACK: {
            need(reinterpret_cast<const void*>(output->write), "output write callback");
            auto fn = output->write;
            void* user = output->write_user;
            return std::make_unique<OutputFile>(
                [fn, user](std::span<const uint8_t> bytes) {
                    if (fn(user, bytes.data(), bytes.size()) != 0) throw Error::io("the output's write callback failed");
                },
                "the output callback");
        }
    }
    throw Error(ErrorKind::argument, "unknown output kind " + std::to_string(static_cast<int>(output->kind)));
}

CreateConfig create_config(const agcflow_create_options* given, const SessionState& session) {
    const auto o = options_or_defaults(given, agcflow_create_options_init, "agcflow_create_options");
    check_range(o.k, 17, 32, "k");
    check_range(o.min_match_length, 15, 32, "min_match_length");
    check_range(o.segment_size, 100, 1000000, "segment_size");
    check_range(o.batch_size, 0, 1000000000, "batch_size");
    check_range(o.verbosity, 0, 2, "verbosity");
    if (!(o.fallback_fraction >= 0.0 && o.fallback_fraction <= 0.05))
        throw Error(ErrorKind::argument, "fallback_fraction " + std::to_string(o.fallback_fraction) + " is outside 0..0.05");
    CreateConfig cfg;
    cfg.k = o.k;
    cfg.min_match_len = o.min_match_length;
    cfg.segment_size = o.segment_size;
    cfg.adaptive = o.adaptive != 0;
    cfg.concatenated = o.concatenated != 0;
    cfg.fallback_fraction = o.fallback_fraction;
    cfg.verbosity = o.verbosity;
    check_range(static_cast<uint64_t>(o.preset), AGCFLOW_PRESET_AGC, AGCFLOW_PRESET_MAX, "preset");
    cfg.profile = preset_profile(static_cast<Preset>(o.preset));
    cfg.pack_cardinality = o.batch_size ? o.batch_size : preset_pack_cardinality(cfg.profile.preset);
    cfg.profile.frame_checksums = o.checksums != 0;
    if (o.trace) cfg.trace = o.trace;
    cfg.threads = session.threads();
    cfg.max_memory = session.memory_per_operation();
    return cfg;
}

uint32_t create_protect(const agcflow_create_options* given) {
    const auto o = options_or_defaults(given, agcflow_create_options_init, "agcflow_create_options");
    check_range(o.protect, 0, 100, "protect");
    return o.protect;
}

ProtectConfig protect_config(const agcflow_protect_options* given, const SessionState& session, std::string* sidecar) {
    const auto o = options_or_defaults(given, agcflow_protect_options_init, "agcflow_protect_options");
    check_range(o.redundancy, 1, 100, "redundancy");
    ProtectConfig cfg;
    cfg.redundancy = o.redundancy;
    cfg.threads = session.threads();
    cfg.max_memory = session.memory_per_operation();
    if (sidecar) *sidecar = o.sidecar ? o.sidecar : "";
    return cfg;
}

ExtractConfig extract_config(const agcflow_fasta_options* given, const SessionState& session) {
    const auto o = options_or_defaults(given, agcflow_fasta_options_init, "agcflow_fasta_options");
    check_range(o.line_length, 1, UINT32_MAX, "line_length");
    check_range(o.gzip_level, 0, 9, "gzip_level");
    ExtractConfig cfg;
    cfg.threads = session.threads();
    cfg.max_memory = session.memory_per_operation();
    cfg.line_length = o.line_length;
    cfg.gzip_level = o.gzip_level;
    cfg.streaming = o.streaming != 0;
    cfg.sample_in_name = o.sample_in_name != 0;
    return cfg;
}

}  // namespace agcflow::capi

using namespace agcflow;
using namespace agcflow::capi;

extern "C" {

const char* agcflow_version(void) { return AGCFLOW_VERSION; }

const char* agcflow_status_name(agcflow_status status) {
    switch (status) {
        case AGCFLOW_OK: return "AGCFLOW_OK";
        case AGCFLOW_ERR_ARGUMENT: return "AGCFLOW_ERR_ARGUMENT";
        case AGCFLOW_ERR_NOT_FOUND: return "AGCFLOW_ERR_NOT_FOUND";
        case AGCFLOW_ERR_AMBIGUOUS: return "AGCFLOW_ERR_AMBIGUOUS";
        case AGCFLOW_ERR_RANGE: return "AGCFLOW_ERR_RANGE";
        case AGCFLOW_ERR_INPUT: return "AGCFLOW_ERR_INPUT";
        case AGCFLOW_ERR_IO: return "AGCFLOW_ERR_IO";
        case AGCFLOW_ERR_CORRUPT: return "AGCFLOW_ERR_CORRUPT";
        case AGCFLOW_ERR_UNSUPPORTED: return "AGCFLOW_ERR_UNSUPPORTED";
        case AGCFLOW_ERR_NO_MEMORY: return "AGCFLOW_ERR_NO_MEMORY";
        case AGCFLOW_ERR_CANCELLED: return "AGCFLOW_ERR_CANCELLED";
        case AGCFLOW_ERR_BUSY: return "AGCFLOW_ERR_BUSY";
        case AGCFLOW_ERR_INTERNAL: return "AGCFLOW_ERR_INTERNAL";
    }
    return "AGCFLOW_ERR_UNKNOWN";
}

const char* agcflow_last_error(void) {
    try {
        return agcflow::capi::last_error().c_str();
    } catch (...) {
        return "out of memory";
    }
}

void agcflow_free(void* p) { std::free(p); }

void agcflow_session_options_init(agcflow_session_options* o) {
    if (!o) return;
    std::memset(o, 0, sizeof *o);
    o->size = sizeof *o;
    o->wait_when_busy = 1;
}

agcflow_status agcflow_session_create(const agcflow_session_options* options, agcflow_session** out) {
    return guarded([&] {
        need(out, "session");
        *out = nullptr;
        const auto o = options_or_defaults(options, agcflow_session_options_init, "agcflow_session_options");
        SessionLimits limits;
        limits.threads = o.threads;
        limits.max_memory = o.max_memory;
        limits.max_operations = o.max_operations;
        limits.wait_when_busy = o.wait_when_busy != 0;
        SessionState::ProgressFn progress;
        if (o.progress) {
            auto fn = o.progress;
            void* user = o.progress_user;
            progress = [fn, user](const std::string& name, const ProgressInfo& p) {
                const agcflow_progress info{name.c_str(), p.done, p.total, p.bases};
                return fn(user, &info) == 0;
            };
        }
        Operation::MessageFn message;
        if (o.message) {
            auto fn = o.message;
            void* user = o.message_user;
            message = [fn, user](Severity level, const std::string& text) {
                fn(user, static_cast<agcflow_message_level>(level), text.c_str());
            };
        }
        auto s = std::make_unique<agcflow_session>();
        s->session = std::make_shared<SessionState>(limits, std::move(progress), std::move(message));
        *out = s.release();
    });
}

void agcflow_session_destroy(agcflow_session* session) {
    if (!session) return;
    // Operations still running are cancelled; handles made from the session keep working (they
    // hold what they need of it), without the session's callbacks.
    session->session->cancel();
    session->session->close_callbacks();
    delete session;
}

agcflow_status agcflow_session_cancel(agcflow_session* session) {
    return guarded([&] {
        need(session, "session");
        session->session->cancel();
    });
}

agcflow_status agcflow_session_running(const agcflow_session* session, uint32_t* running) {
    return guarded([&] {
        need(session, "session");
        need(running, "running");
        *running = session->session->running();
    });
}

agcflow_output agcflow_output_path(const char* path) {
    agcflow_output o{};
    o.kind = AGCFLOW_OUTPUT_PATH;
    o.path = path;
    o.fd = -1;
    return o;
}

agcflow_output agcflow_output_fd(int fd) {
    agcflow_output o{};
    o.kind = AGCFLOW_OUTPUT_FD;
    o.fd = fd;
    return o;
}

agcflow_output agcflow_output_callback(agcflow_write_fn write, void* user) {
    agcflow_output o{};
    o.kind = AGCFLOW_OUTPUT_CALLBACK;
    o.fd = -1;
    o.write = write;
    o.write_user = user;
    return o;
}

agcflow_status agcflow_write(const agcflow_output* output, const void* data, size_t size) {
    return guarded([&] {
        if (size) need(data, "data");
        auto out = open_output(output);
        out->write(std::span<const uint8_t>(static_cast<const uint8_t*>(data), size));
        out->commit();
    });
}

void agcflow_create_options_init(agcflow_create_options* o) {
    if (!o) return;
    std::memset(o, 0, sizeof *o);
    o->size = sizeof *o;
    o->k = 31;
    o->min_match_length = 20;
    o->segment_size = 60000;
    o->batch_size = 0;
}

void agcflow_protect_options_init(agcflow_protect_options* o) {
    if (!o) return;
    std::memset(o, 0, sizeof *o);
    o->size = sizeof *o;
    o->redundancy = 10;
}

void agcflow_fasta_options_init(agcflow_fasta_options* o) {
    if (!o) return;
    std::memset(o, 0, sizeof *o);
    o->size = sizeof *o;
    o->line_length = 80;
}

}  // extern "C"
