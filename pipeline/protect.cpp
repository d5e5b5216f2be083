// protect: FILE -> FILE.rq. One pass over FILE for its SHA-256 and the checksum of every
// symbol, then the blocks in waves: each wave reads its blocks' symbols (runs of W symbols at
// a stride of Z, io/rq_sidecar.h), encodes them on `threads` big-stack threads and appends
// their repair records, in block order, to the sidecar.
#include "pipeline/protect.h"

#include <algorithm>
#include <cstring>

#include "io/error.h"
#include "io/input_file.h"
#include "io/output_file.h"
#include "io/sha256.h"
#include "pipeline/memory_budget.h"
#include "pipeline/protect_memory.h"
#include "stages/raptorq_block.h"

namespace agcflow {

namespace {

constexpr uint32_t kMaxSymbol = 32768;   // T: liblcrq is fastest at 16-32 KiB (bench/protect)
constexpr uint32_t kMinSymbol = 64;
constexpr uint32_t kBlockSymbols = 100;  // K: its cost per byte grows past ~200
constexpr uint32_t kExtraRepair = 2;     // beyond the redundancy: RaptorQ fails ~1 in 200 with exactly K

uint64_t ceil_div(uint64_t a, uint64_t b) { return (a + b - 1) / b; }
uint32_t round_up4(uint64_t v) { return static_cast<uint32_t>((v + 3) / 4 * 4); }

SidecarLayout layout_for(uint64_t size, uint32_t T, uint32_t K_target, uint32_t redundancy) {
    SidecarLayout l;
    l.symbol_size = T;
    l.file_size = size;
    l.symbols = ceil_div(size, T);
    l.redundancy = redundancy;
    if (l.symbols) {
        l.blocks = static_cast<uint32_t>(ceil_div(l.symbols, K_target));
        l.block_symbols = static_cast<uint32_t>(ceil_div(l.symbols, l.blocks));
        l.repair = static_cast<uint32_t>(ceil_div(uint64_t(l.block_symbols) * redundancy, 100)) + kExtraRepair;
    }
    return l;
}

}  // namespace

std::filesystem::path sidecar_path(const std::filesystem::path& file) {
    std::filesystem::path p = file;
    p += ".rq";
    return p;
}

std::string human_bytes(uint64_t bytes) {
    char buf[64];
    if (bytes < 1000) std::snprintf(buf, sizeof buf, "%llu bytes", static_cast<unsigned long long>(bytes));
    else if (bytes < 1000000) std::snprintf(buf, sizeof buf, "%.1f kB", bytes / 1e3);
    else if (bytes < 1000000000) std::snprintf(buf, sizeof buf, "%.1f MB", bytes / 1e6);
    else std::snprintf(buf, sizeof buf, "%.2f GB", bytes / 1e9);
    return buf;
}

SidecarLayout plan_sidecar(uint64_t size, const ProtectConfig& config) {
    if (config.redundancy < 1 || config.redundancy > 100)
        throw Error(ErrorKind::argument, "redundancy must be 1 to 100 percent");
    const uint64_t budget = config.max_memory ? config.max_memory : default_memory_budget();
    // Symbols of kMaxSymbol bytes, unless the file is small: then about kBlockSymbols of them.
    uint32_t T = std::clamp<uint32_t>(round_up4(ceil_div(std::max<uint64_t>(size, 1), kBlockSymbols)), kMinSymbol, kMaxSymbol);
    uint32_t K = kBlockSymbols;
    // Smaller blocks for a small budget: first smaller symbols (down to 4 KiB), then fewer.
    auto fits = [&] { return protect_memory(layout_for(size, T, K, config.redundancy), 1) <= budget; };
    while (!fits() && T > 4096) T = std::max<uint32_t>(4096, round_up4(T / 2));
    while (!fits() && K > 10) K /= 2;
    // A file with so many symbols that their checksums crowd the budget: larger symbols.
    while (!fits() && T < kRqMaxSymbolSize) T = std::min<uint32_t>(kRqMaxSymbolSize, T * 2);
    const SidecarLayout l = layout_for(size, T, K, config.redundancy);
    if (!fits())
        throw Error(ErrorKind::no_memory, "out of memory: protecting " + human_bytes(size) + " needs at least " +
                                              std::to_string(ceil_div(protect_memory(l, 1), kMiB)) +
                                              " MiB (--max-memory)");
    return l;
}

SidecarLayout protect_file(const std::filesystem::path& file, const ProtectConfig& config, Operation& op,
                           const std::filesystem::path& sidecar) {
    if (!raptorq_available()) throw Error(ErrorKind::unsupported, "this agc-flow was built without RaptorQ (liblcrq)");
    InputFile in(file);
    const uint64_t budget = config.max_memory ? config.max_memory : default_memory_budget();
    SidecarLayout l = plan_sidecar(in.size(), config);
    const uint32_t T = l.symbol_size;
    const std::filesystem::path target = sidecar.empty() ? sidecar_path(file) : sidecar;
    refuse_output_among_inputs(target, std::vector<std::string>{file.string()});
    const std::string changed = file.string() + " changed while it was being protected";
    const ProgressInfo total{0, 2 * l.file_size, 0};
    auto progress = [&](uint64_t done) {
        if (op.wants_progress()) op.progress({done, total.total, done});
        else op.check();
    };

    // Pass 1: the whole-file hash and the symbol checksums.
    std::vector<uint64_t> hashes(l.symbols);
    {
        Sha256 sha;
        const uint64_t chunk_symbols = std::max<uint64_t>(1, (4 * kMiB) / T);
        std::vector<uint8_t> buf(chunk_symbols * T);
        for (uint64_t s = 0; s < l.symbols; s += chunk_symbols) {
            const uint64_t n = std::min(chunk_symbols, l.symbols - s);
            const uint64_t want = std::min(n * T, l.file_size - s * T);
            if (in.read_at(s * T, want, buf.data()) != want) throw Error::io(changed + " (it is shorter now)");
            std::memset(buf.data() + want, 0, n * T - want);
            sha.update({buf.data(), want});
            for (uint64_t i = 0; i < n; ++i) hashes[s + i] = symbol_hash({buf.data() + i * T, T});
            progress(s * T + want);
        }
        l.sha256 = sha.finish();
    }

    OutputFile out(target);
    const std::vector<uint8_t> header = encode_sidecar_header(l);
    const std::vector<uint8_t> table = encode_symbol_table(hashes);
    out.write(header);
    out.write(table);

    // The waves: W blocks read, encoded `threads` at a time, written in order.
    const ProtectPlan plan = plan_protect(l, config.threads, budget);
    std::vector<std::vector<uint8_t>> source(plan.wave), repair(plan.wave);
    std::vector<uint8_t> run(uint64_t(plan.wave) * T), record(l.record_bytes());
    uint64_t encoded = 0;
    for (uint32_t b0 = 0; b0 < l.blocks; b0 += plan.wave) {
        const uint32_t w_n = std::min<uint32_t>(plan.wave, l.blocks - b0);
        for (uint32_t w = 0; w < w_n; ++w) {
            source[w].assign(uint64_t(l.symbols_in_block(b0 + w)) * T, 0);
            repair[w].resize(uint64_t(l.repair) * T);
        }
        for (uint32_t j = 0; j < l.block_symbols; ++j) {
            const uint64_t first = l.file_symbol(b0, j);
            if (first >= l.symbols) break;
            const uint64_t n = std::min<uint64_t>(w_n, l.symbols - first);
            const uint64_t want = std::min(n * T, l.file_size - first * T);
            if (in.read_at(first * T, want, run.data()) != want) throw Error::io(changed + " (it is shorter now)");
            std::memset(run.data() + want, 0, n * T - want);
            for (uint64_t w = 0; w < n; ++w) {
                const uint8_t* sym = run.data() + w * T;
                if (symbol_hash({sym, T}) != hashes[first + w]) throw Error::io(changed);
                std::memcpy(source[w].data() + uint64_t(j) * T, sym, T);
            }
        }
        op.check();
        run_on_big_stacks(plan.threads, rq_encode_stack(l.block_symbols, T), w_n, [&](size_t w) {
            const uint32_t K = l.symbols_in_block(b0 + static_cast<uint32_t>(w));
            rq_encode_block(source[w], K, T, l.repair, repair[w].data());
        });
        for (uint32_t w = 0; w < w_n; ++w) {
            const uint32_t K = l.symbols_in_block(b0 + w);
            for (uint32_t r = 0; r < l.repair; ++r) {
                encode_repair_record(b0 + w, K + r, {repair[w].data() + uint64_t(r) * T, T}, record.data());
                out.write(record);
            }
            encoded += uint64_t(K) * T;
        }
        progress(l.file_size + std::min(encoded, l.file_size));
    }
    out.write(table);
    out.write(header);
    op.check();
    out.commit();
    return l;
}

}  // namespace agcflow
