// verify and repair. repair rebuilds only the blocks with damage: each from its intact source
// symbols and intact repair records, `threads` blocks at a time; the rebuilt symbols wait in an
// unnamed scratch file beside the output, then FILE is written anew in one sequential pass that
// checks the whole-file SHA-256 before the output replaces anything.
#include <algorithm>
#include <cstring>

#include "io/error.h"
#include "io/output_file.h"
#include "io/sha256.h"
#include "pipeline/damage_scan.h"
#include "pipeline/memory_budget.h"
#include "pipeline/protect.h"
#include "pipeline/protect_memory.h"
#include "stages/raptorq_block.h"

namespace agcflow {

namespace {

constexpr size_t kDecodeMargin = 2;  // symbols beyond K: RaptorQ then fails ~1 in 10^6

std::filesystem::path sidecar_for(const std::filesystem::path& file, const std::filesystem::path& sidecar) {
    return sidecar.empty() ? sidecar_path(file) : sidecar;
}

std::string beyond_message(const std::filesystem::path& file, const DamageReport& r) {
    std::string m = file.string() + " cannot be repaired: ";
    if (!r.damaged_bytes && !r.unchecked_bytes)
        return m + "it differs from what was protected where no symbol checksum shows it (did it change while being read?)";
    m += human_bytes(r.damaged_bytes + r.unchecked_bytes) + " damaged";
    if (r.unchecked_bytes) m += " or unchecked";
    m += " in " + std::to_string(r.blocks_damaged) + " of " + std::to_string(r.layout.blocks) + " blocks, " +
         std::to_string(r.blocks_beyond) + " of them with more damage than the " +
         std::to_string(r.layout.redundancy) + "% redundancy of the sidecar covers; " +
         human_bytes(r.recoverable_bytes) + " could be recovered";
    return m;
}

}  // namespace

DamageReport verify_file(const std::filesystem::path& file, const ProtectConfig& config, Operation& op,
                         const std::filesystem::path& sidecar) {
    (void)config;
    return scan_damage(file, sidecar_for(file, sidecar), [&](uint64_t done) {
               if (op.wants_progress()) op.progress({done, 0, done});
               else op.check();
           }).report;
}

RepairResult repair_file(const std::filesystem::path& file, const std::filesystem::path& output,
                         const ProtectConfig& config, Operation& op, const std::filesystem::path& sidecar) {
    if (!raptorq_available()) throw Error(ErrorKind::unsupported, "this agc-flow was built without RaptorQ (liblcrq)");
    const std::filesystem::path sc_path = sidecar_for(file, sidecar);
    auto progress = [&](uint64_t done) {
        if (op.wants_progress()) op.progress({done, 0, done});
        else op.check();
    };
    DamageScan s = scan_damage(file, sc_path, progress);
    RepairResult result;
    result.before = s.report;
    const DamageReport& r = s.report;
    const SidecarLayout& l = r.layout;
    const uint32_t T = l.symbol_size;
    const bool in_place = output.empty();
    if (!in_place) refuse_output_among_inputs(output, std::vector<std::string>{file.string(), sc_path.string()});

    if (!r.intact) {
        if (!r.repairable) {
            result.refused = beyond_message(file, r);
            return result;
        }
        const uint64_t budget = config.max_memory ? config.max_memory : default_memory_budget();
        if (repair_memory(l, 1) > budget)
            throw Error(ErrorKind::no_memory, "out of memory: repairing " + file.string() + " needs at least " +
                                                  std::to_string((repair_memory(l, 1) + kMiB - 1) / kMiB) +
                                                  " MiB (--max-memory)");
        OutputFile out(in_place ? file : output);
        // Where each erased symbol's rebuilt bytes go in the scratch file.
        std::vector<uint64_t> slot(l.symbols, UINT64_MAX);
        uint64_t erased = 0;
        for (uint64_t i = 0; i < l.symbols; ++i)
            if (s.symbols[i] != SymbolState::intact) slot[i] = erased++;
        std::unique_ptr<ScratchFile> scratch;
        if (erased) scratch = std::make_unique<ScratchFile>(out.target().parent_path());

        std::vector<uint32_t> damaged_blocks;
        for (uint32_t b = 0; b < l.blocks; ++b)
            if (s.block_erasures[b]) damaged_blocks.push_back(b);
        // Every damaged block is a job; `threads` of them run at once, each decoded from its intact
        // source symbols and just enough intact repair records (kDecodeMargin beyond K: fewer rows
        // for liblcrq to eliminate), or from all of them should that not determine the block.
        const uint32_t threads = plan_repair_threads(l, config.threads, budget);
        run_on_big_stacks(threads, rq_encode_stack(l.block_symbols, T), damaged_blocks.size(), [&](size_t w) {
            op.check();
            const uint32_t b = damaged_blocks[w];
            const uint32_t K = l.symbols_in_block(b);
            std::vector<uint32_t> esis;
            std::vector<uint8_t> received(uint64_t(K + l.repair) * T);
            for (uint32_t j = 0; j < K; ++j) {
                const uint64_t i = l.file_symbol(b, j);
                if (s.symbols[i] != SymbolState::intact) continue;
                uint8_t* to = received.data() + esis.size() * T;
                const uint64_t got = s.file->read_at(i * T, l.symbol_bytes(i), to);
                std::memset(to + got, 0, T - got);
                if (got != l.symbol_bytes(i) || symbol_hash({to, T}) != s.hashes[i])
                    throw Error::io(file.string() + " changed while it was being repaired");
                esis.push_back(j);
            }
            std::vector<uint8_t> record(l.record_bytes());
            for (uint32_t k = 0; k < l.repair; ++k) {
                if (!s.record_intact[uint64_t(b) * l.repair + k]) continue;
                if (s.sidecar->read_at(l.record_offset(b, k), record.size(), record.data()) != record.size() ||
                    !repair_record_intact(record, b, K + k))
                    throw Error::io(sc_path.string() + " changed while it was being read");
                std::memcpy(received.data() + esis.size() * T, record.data() + 16, T);
                esis.push_back(K + k);
            }
            std::vector<uint8_t> block(uint64_t(K) * T);
            const size_t enough = std::min<size_t>(esis.size(), K + kDecodeMargin);
            bool decoded = rq_decode_block(K, T, std::span(esis).first(enough), {received.data(), enough * T}, block.data());
            if (!decoded && enough < esis.size())
                decoded = rq_decode_block(K, T, esis, {received.data(), esis.size() * T}, block.data());
            if (!decoded)
                throw Error::corrupt(file.string() + " cannot be repaired: block " + std::to_string(b) + " of " +
                                     std::to_string(l.blocks) + " does not decode from its " +
                                     std::to_string(esis.size()) + " intact symbols (" + std::to_string(K) +
                                     " needed; RaptorQ fails so rarely)");
            for (uint32_t j = 0; j < K; ++j) {
                const uint64_t i = l.file_symbol(b, j);
                if (slot[i] != UINT64_MAX) scratch->write_at(slot[i] * T, block.data() + uint64_t(j) * T, T);
            }
        });
        op.check();

        // FILE anew: intact runs from FILE, rebuilt symbols from the scratch file.
        Sha256 sha;
        const uint64_t chunk_symbols = std::max<uint64_t>(1, (4 * kMiB) / T);
        std::vector<uint8_t> buf(chunk_symbols * T);
        for (uint64_t i = 0; i < l.symbols; i += chunk_symbols) {
            const uint64_t n = std::min(chunk_symbols, l.symbols - i);
            const uint64_t want = std::min(n * T, l.file_size - i * T);
            for (uint64_t k = 0; k < n;) {
                uint64_t e = k + 1;
                const bool intact = slot[i + k] == UINT64_MAX;
                while (e < n && (slot[i + e] == UINT64_MAX) == intact && (intact || slot[i + e] == slot[i + e - 1] + 1)) ++e;
                const uint64_t bytes = std::min(e * T, want) - k * T;
                if (intact) {
                    if (s.file->read_at((i + k) * T, bytes, buf.data() + k * T) != bytes)
                        throw Error::io(file.string() + " changed while it was being repaired");
                } else {
                    scratch->read_at(slot[i + k] * T, bytes, buf.data() + k * T);
                }
                k = e;
            }
            sha.update({buf.data(), want});
            out.write({buf.data(), want});
            progress(r.file_size + i * T);
        }
        if (sha.finish() != l.sha256)
            throw Error::corrupt(file.string() + " cannot be repaired: the rebuilt bytes do not match the sidecar's SHA-256");
        op.check();
        out.commit();
        result.file_repaired = true;
    }

    // A damaged sidecar of a FILE that is intact now: written again (FILE repaired in place).
    if (r.sidecar_damaged && in_place) {
        ProtectConfig again = config;
        again.redundancy = l.redundancy;
        protect_file(file, again, op, sc_path);
        result.sidecar_rewritten = true;
    } else if (r.intact && !in_place) {
        // (nothing was damaged in FILE: -o gets a copy)
        OutputFile out(output);
        std::vector<uint8_t> buf(4 * kMiB);
        for (uint64_t at = 0; at < l.file_size; at += buf.size()) {
            const uint64_t n = std::min<uint64_t>(buf.size(), l.file_size - at);
            if (s.file->read_at(at, n, buf.data()) != n) throw Error::io(file.string() + " changed while it was being read");
            out.write({buf.data(), n});
        }
        out.commit();
    }
    return result;
}

}  // namespace agcflow
