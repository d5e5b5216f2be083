// The C API's compression calls: create and append from files, and the in-memory writer.
#include <exception>
#include <thread>

#include "io/fasta_input.h"
#include "pipeline/c_api_support.h"
#include "pipeline/input_set.h"
#include "pipeline/memory_budget.h"
#include "stages/raptorq_block.h"

using namespace agcflow;
using namespace agcflow::capi;

namespace {

std::vector<SampleInput> file_inputs(const char* const* inputs, size_t n) {
    if (n) need(inputs, "inputs");
    std::vector<SampleInput> files;
    for (size_t i = 0; i < n; ++i) {
        need(inputs[i], "an input path");
        files.push_back({sample_name_from_path(inputs[i]), inputs[i]});
    }
    return files;
}

std::vector<std::string> paths_of(const std::vector<SampleInput>& files) {
    std::vector<std::string> paths;
    for (const auto& f : files) paths.push_back(f.path);
    return paths;
}

// Outputs that would replace an input are refused; appending, the archive read is named as such.
void refuse_same_file(const agcflow_output* output, std::vector<std::string> protect, const char* archive = nullptr) {
    if (!output || output->kind != AGCFLOW_OUTPUT_PATH || !output->path) return;
    std::error_code ec;
    if (archive && std::filesystem::equivalent(archive, output->path, ec))
        throw Error(ErrorKind::argument, std::string("the output archive must not be the input archive ") + archive);
    refuse_output_among_inputs(output->path, protect);
}

// create --protect: the output must be a file that can get a sidecar (checked before anything
// is written), which is written once the archive is.
void check_protectable(const agcflow_output* output, uint32_t redundancy) {
    if (!redundancy) return;
    if (!raptorq_available())
        throw Error(ErrorKind::unsupported, "this agc-flow was built without RaptorQ (liblcrq): no --protect");
    if (!output || output->kind != AGCFLOW_OUTPUT_PATH || !output->path || !*output->path)
        throw Error(ErrorKind::argument, "protect needs the archive written to a file");
}

void protect_output(const std::string& path, uint32_t redundancy, const SessionState& session, Operation& op) {
    if (!redundancy) return;
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec))
        throw Error(ErrorKind::argument, "cannot protect " + path + ": not a regular file");
    ProtectConfig pc;
    pc.redundancy = redundancy;
    pc.threads = session.threads();
    pc.max_memory = session.memory_per_operation();
    protect_file(path, pc, op);
}

}  // namespace

// The in-memory writer: the caller's thread hands samples over through MemoryInputs while the
// create (or append) pipeline runs on a thread of its own.
struct agcflow_writer {
    std::shared_ptr<SessionState> session;
    std::unique_ptr<SessionState::Scope> scope;
    std::unique_ptr<MemoryInputs> inputs;
    std::unique_ptr<OutputFile> out;
    std::thread worker;
    std::exception_ptr pipeline_error;  // set by the worker before it lets the inputs go
    std::exception_ptr failure;         // the first failed call's (the caller's thread only)
    bool finished = false;
    uint32_t protect = 0;               // create --protect: the sidecar's redundancy
    std::string output_path;

    ~agcflow_writer() { stop(); }

    void stop() {
        if (!worker.joinable()) return;
        scope->op().cancel();
        inputs->abort();
        worker.join();
    }

    // A writer whose pipeline or a call failed takes no more input.
    void check_usable() const {
        if (finished) throw Error(ErrorKind::argument, "the writer has finished");
        if (failure) std::rethrow_exception(failure);
    }

    // After a failed call: the pipeline's error if it had failed (which is why the call failed),
    // else this call's own, which ends the writer (no output is left).
    [[noreturn]] void fail() {
        const bool pipeline_ended = inputs->consumer_closed();
        failure = std::current_exception();
        stop();
        if (pipeline_ended && pipeline_error) failure = pipeline_error;
        std::rethrow_exception(failure);
    }
};

namespace {

agcflow_status start_writer(agcflow_session* session, const char* archive, const agcflow_output* output,
                            const agcflow_create_options* options, agcflow_writer** writer) {
    return guarded([&] {
        need(writer, "writer");
        *writer = nullptr;
        need(session, "session");
        CreateConfig cfg = create_config(options, *session->session);
        auto w = std::make_unique<agcflow_writer>();
        w->session = session->session;
        w->protect = create_protect(options);
        check_protectable(output, w->protect);
        if (w->protect) w->output_path = output->path;
        std::vector<std::string> existing;
        std::unique_ptr<ArchiveCatalog> in;
        if (archive) {
            in = std::make_unique<ArchiveCatalog>(archive, false);
            existing = in->sample_names();
            refuse_same_file(output, {}, archive);
        }
        w->scope = std::make_unique<SessionState::Scope>(w->session, archive ? "append" : "create");
        const uint64_t queue = std::max<uint64_t>(16 * kMiB, cfg.max_memory / 8);
        w->inputs = std::make_unique<MemoryInputs>(queue, existing, cfg.concatenated);
        w->out = open_output(output);
        std::string input_path = archive ? archive : "";
        agcflow_writer* raw = w.get();
        raw->worker = std::thread([raw, cfg, input_path] {
            try {
                if (input_path.empty())
                    create_archive(*raw->inputs, *raw->out, cfg, raw->scope->op());
                else
                    append_archive(input_path, *raw->inputs, *raw->out, cfg, raw->scope->op());
            } catch (...) {
                raw->pipeline_error = std::current_exception();
            }
            raw->inputs->close_consumer();
        });
        *writer = w.release();
    });
}

}  // namespace

extern "C" {

agcflow_status agcflow_create(agcflow_session* session, const agcflow_output* output, const char* const* inputs,
                              size_t n_inputs, const agcflow_create_options* options) {
    return guarded([&] {
        need(session, "session");
        CreateConfig cfg = create_config(options, *session->session);
        const uint32_t protect = create_protect(options);
        check_protectable(output, protect);
        auto files = file_inputs(inputs, n_inputs);
        if (files.empty()) throw Error(ErrorKind::argument, "no input files: an archive needs a reference");
        refuse_same_file(output, paths_of(files));
        SessionState::Scope scope(session->session, "create");
        FileInputs set(files);
        auto out = open_output(output);
        create_archive(set, *out, cfg, scope.op());
        out.reset();
        if (protect) protect_output(output->path, protect, *session->session, scope.op());
    });
}

agcflow_status agcflow_append(agcflow_session* session, const char* archive, const agcflow_output* output,
                              const char* const* inputs, size_t n_inputs, const agcflow_create_options* options) {
    return guarded([&] {
        need(session, "session");
        need(archive, "archive");
        CreateConfig cfg = create_config(options, *session->session);
        const uint32_t protect = create_protect(options);
        check_protectable(output, protect);
        auto files = file_inputs(inputs, n_inputs);
        refuse_same_file(output, paths_of(files), archive);
        SessionState::Scope scope(session->session, "append");
        FileInputs set(files);
        auto out = open_output(output);
        append_archive(archive, set, *out, cfg, scope.op());
        out.reset();
        if (protect) protect_output(output->path, protect, *session->session, scope.op());
    });
}

agcflow_status agcflow_writer_create(agcflow_session* session, const agcflow_output* output,
                                     const agcflow_create_options* options, agcflow_writer** writer) {
    return start_writer(session, nullptr, output, options, writer);
}

agcflow_status agcflow_writer_append(agcflow_session* session, const char* archive, const agcflow_output* output,
                                     const agcflow_create_options* options, agcflow_writer** writer) {
    if (!archive) {
        capi::set_last_error("archive is NULL");
        return AGCFLOW_ERR_ARGUMENT;
    }
    return start_writer(session, archive, output, options, writer);
}

agcflow_status agcflow_writer_add_sample(agcflow_writer* w, const char* name) {
    return guarded([&] {
        need(w, "writer");
        w->check_usable();
        try {
            w->inputs->begin_sample(name ? name : "");
        } catch (...) {
            w->fail();
        }
    });
}

agcflow_status agcflow_writer_add_contig(agcflow_writer* w, const char* name, const char* sequence, size_t length) {
    return guarded([&] {
        need(w, "writer");
        need(name, "contig name");
        if (length) need(sequence, "sequence");
        w->check_usable();
        try {
            w->inputs->add_contig(name, std::string_view(sequence ? sequence : "", length));
        } catch (...) {
            w->fail();
        }
    });
}

agcflow_status agcflow_writer_finish(agcflow_writer* w) {
    return guarded([&] {
        need(w, "writer");
        w->check_usable();
        try {
            w->inputs->finish();
        } catch (...) {
            w->fail();
        }
        w->worker.join();
        w->finished = true;
        if (w->pipeline_error) std::rethrow_exception(w->pipeline_error);
        w->out.reset();
        protect_output(w->output_path, w->protect, *w->session, w->scope->op());
    });
}

void agcflow_writer_destroy(agcflow_writer* w) { delete w; }

}  // extern "C"
