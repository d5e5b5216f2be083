// What the C API's parts share: the handles behind the opaque types, the conversion of every
// exception into a status and the calling thread's last error, option checks, and outputs.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "agcflow/agcflow.h"
#include "io/archive_catalog.h"
#include "io/error.h"
#include "io/output_file.h"
#include "pipeline/create.h"
#include "pipeline/extract.h"
#include "pipeline/protect.h"
#include "pipeline/session.h"

struct agcflow_session {
    std::shared_ptr<agcflow::SessionState> session;
};

struct agcflow_archive {
    std::shared_ptr<agcflow::SessionState> session;
    std::unique_ptr<agcflow::ArchiveCatalog> catalog;
    std::unique_ptr<agcflow::SegmentDecoder> decoder;  // shared by the handle's calls (its reference cache too)
    std::vector<std::pair<std::string, std::string>> metadata;  // file_type_info, sorted by key
};

namespace agcflow::capi {

// Sets the calling thread's last error.
void set_last_error(const std::string& message);

agcflow_status status_of(ErrorKind kind);

// Runs `body`; every exception becomes a status (and the thread's last error).
template <typename F>
agcflow_status guarded(F&& body) noexcept {
    try {
        body();
        return AGCFLOW_OK;
    } catch (const Error& e) {
        set_last_error(e.what());
        return status_of(e.kind());
    } catch (const std::bad_alloc&) {
        set_last_error("out of memory");
        return AGCFLOW_ERR_NO_MEMORY;
    } catch (const std::system_error& e) {  // a thread that could not be started, a lock
        const bool resources = e.code() == std::errc::resource_unavailable_try_again ||
                               e.code() == std::errc::not_enough_memory;
        set_last_error(resources ? std::string("out of memory: ") + e.what() : std::string("internal error: ") + e.what());
        return resources ? AGCFLOW_ERR_NO_MEMORY : AGCFLOW_ERR_INTERNAL;
    } catch (const std::exception& e) {
        // oneTBB reports a worker thread it could not start as a runtime_error.
        if (std::string_view(e.what()).find("pthread_create") != std::string_view::npos) {
            set_last_error(std::string("out of memory: cannot start a thread (") + e.what() + ")");
            return AGCFLOW_ERR_NO_MEMORY;
        }
        set_last_error(std::string("internal error: ") + e.what());
        return AGCFLOW_ERR_INTERNAL;
    } catch (...) {
        set_last_error("internal error: unknown exception");
        return AGCFLOW_ERR_INTERNAL;
    }
}

// Error(argument) naming `what` when `p` is NULL.
void need(const void* p, const char* what);

std::unique_ptr<OutputFile> open_output(const agcflow_output* output);

// The create options as the pipeline's configuration (Error(argument) for a value out of range);
// threads and memory from the session.
CreateConfig create_config(const agcflow_create_options* options, const SessionState& session);

// The create options' `protect` (0: none), checked.
uint32_t create_protect(const agcflow_create_options* options);

// The protect options as a configuration (threads and memory from the session) and the sidecar's path.
ProtectConfig protect_config(const agcflow_protect_options* options, const SessionState& session, std::string* sidecar);

ExtractConfig extract_config(const agcflow_fasta_options* options, const SessionState& session);

}  // namespace agcflow::capi
