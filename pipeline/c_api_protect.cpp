// The C API's protection calls: protect, verify and repair with RaptorQ sidecars, and the deep
// check of an archive without one.
#include "pipeline/archive_check.h"
#include "pipeline/c_api_support.h"
#include "pipeline/protect.h"
#include "stages/raptorq_block.h"

using namespace agcflow;
using namespace agcflow::capi;

namespace {

agcflow_protect_info info_of(const SidecarLayout& l) {
    agcflow_protect_info i{};
    i.file_size = l.file_size;
    i.symbol_size = l.symbol_size;
    i.symbols = l.symbols;
    i.blocks = l.blocks;
    i.block_symbols = l.block_symbols;
    i.repair_symbols = l.repair;
    i.redundancy = l.redundancy;
    i.sidecar_size = l.sidecar_size();
    return i;
}

agcflow_damage_report report_of(const DamageReport& r) {
    agcflow_damage_report c{};
    c.layout = info_of(r.layout);
    c.file_size = r.file_size;
    c.intact = r.intact;
    c.damaged_bytes = r.damaged_bytes;
    c.damaged_ranges = r.damaged.size();
    c.unchecked_bytes = r.unchecked_bytes;
    c.appended_bytes = r.appended_bytes;
    c.sidecar_damaged = r.sidecar_damaged;
    c.sidecar_records = r.sidecar_records;
    c.sidecar_bad_records = r.sidecar_bad_records;
    c.blocks_damaged = r.blocks_damaged;
    c.blocks_beyond = r.blocks_beyond;
    c.recoverable_bytes = r.recoverable_bytes;
    c.repairable = r.repairable;
    return c;
}

}  // namespace

extern "C" {

int agcflow_raptorq_available(void) { return raptorq_available() ? 1 : 0; }

agcflow_status agcflow_protect(agcflow_session* session, const char* file, const agcflow_protect_options* options,
                               agcflow_protect_info* info) {
    return guarded([&] {
        need(session, "session");
        need(file, "file");
        std::string sidecar;
        const ProtectConfig cfg = protect_config(options, *session->session, &sidecar);
        SessionState::Scope scope(session->session, "protect");
        const SidecarLayout l = protect_file(file, cfg, scope.op(), sidecar);
        if (info) *info = info_of(l);
    });
}

agcflow_status agcflow_verify(agcflow_session* session, const char* file, const agcflow_protect_options* options,
                              agcflow_damage_report* report, agcflow_range_fn ranges, void* user) {
    return guarded([&] {
        need(session, "session");
        need(file, "file");
        std::string sidecar;
        const ProtectConfig cfg = protect_config(options, *session->session, &sidecar);
        SessionState::Scope scope(session->session, "verify");
        const DamageReport r = verify_file(file, cfg, scope.op(), sidecar);
        if (report) *report = report_of(r);
        if (ranges)
            for (const ByteRange& b : r.damaged)
                if (ranges(user, b.begin, b.end) != 0) break;
    });
}

agcflow_status agcflow_repair(agcflow_session* session, const char* file, const char* output,
                              const agcflow_protect_options* options, agcflow_damage_report* report,
                              agcflow_range_fn ranges, void* user) {
    return guarded([&] {
        need(session, "session");
        need(file, "file");
        std::string sidecar;
        const ProtectConfig cfg = protect_config(options, *session->session, &sidecar);
        SessionState::Scope scope(session->session, "repair");
        const RepairResult r = repair_file(file, output ? output : "", cfg, scope.op(), sidecar);
        if (report) {
            *report = report_of(r.before);
            report->file_repaired = r.file_repaired;
            report->sidecar_rewritten = r.sidecar_rewritten;
            report->refused = !r.refused.empty();
        }
        if (ranges)
            for (const ByteRange& b : r.before.damaged)
                if (ranges(user, b.begin, b.end) != 0) break;
        if (!r.refused.empty()) throw Error::corrupt(r.refused);
    });
}

agcflow_status agcflow_archive_check(agcflow_session* session, const char* path) {
    return guarded([&] {
        need(session, "session");
        need(path, "path");
        SessionState::Scope scope(session->session, "check");
        check_archive(path, session->session->threads(), session->session->memory_per_operation(), scope.op());
    });
}

}  // extern "C"
