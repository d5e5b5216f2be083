#include "pipeline/damage_scan.h"

#include <cerrno>
#include <cstring>

#include "io/error.h"
#include "io/sha256.h"
#include "pipeline/memory_budget.h"

namespace agcflow {

namespace {

// The layout from the first intact copy of the header; `damaged` when either is not intact.
SidecarLayout read_header(const InputFile& sc, const std::string& what, bool& damaged) {
    std::vector<uint8_t> a(SidecarLayout::kHeaderSize), b(SidecarLayout::kHeaderSize);
    const bool have_a = sc.read_at(0, a.size(), a.data()) == a.size();
    const auto from_a = have_a ? decode_sidecar_header(a, 0) : std::nullopt;
    if (from_a) {
        const SidecarLayout& l = *from_a;
        // The copy at the end, where the sidecar should end.
        const uint64_t at = l.sidecar_size() - SidecarLayout::kHeaderSize;
        damaged = sc.size() != l.sidecar_size() || sc.read_at(at, b.size(), b.data()) != b.size() || a != b;
        return l;
    }
    // The copy at the end of the file as it is.
    if (sc.size() >= SidecarLayout::kHeaderSize &&
        sc.read_at(sc.size() - SidecarLayout::kHeaderSize, b.size(), b.data()) == b.size()) {
        if (auto l = decode_sidecar_header(b, sc.size())) {
            damaged = true;
            return *l;
        }
    }
    throw Error::corrupt(what + " is not a sidecar written by agc-flow protect, or both copies of its header are damaged");
}

}  // namespace

DamageScan scan_damage(const std::filesystem::path& file, const std::filesystem::path& sidecar,
                       const std::function<void(uint64_t)>& progress) {
    DamageScan s;
    {
        std::error_code ec;
        if (!std::filesystem::exists(sidecar, ec))
            throw Error::io("no sidecar " + sidecar.string() + " (agc-flow protect " + file.string() + " writes it)");
    }
    s.sidecar = std::make_unique<InputFile>(sidecar);
    s.file = std::make_unique<InputFile>(file);
    DamageReport& r = s.report;
    const SidecarLayout l = read_header(*s.sidecar, sidecar.string(), r.sidecar_damaged);
    r.layout = l;
    r.file_size = s.file->size();
    const uint32_t T = l.symbol_size;
    uint64_t read_bytes = 0;

    // The checksum table: each chunk from table A, else from table B.
    s.hashes.assign(l.symbols, 0);
    s.symbols.assign(l.symbols, SymbolState::intact);
    {
        std::vector<uint8_t> chunk;
        for (uint64_t c = 0; c < l.chunks(); ++c) {
            chunk.resize(l.chunk_bytes(c));
            std::optional<std::vector<uint64_t>> v;
            for (uint64_t table : {l.table_a_offset(), l.table_b_offset()}) {
                const bool whole = s.sidecar->read_at(table + l.chunk_offset(c), chunk.size(), chunk.data()) == chunk.size();
                if (whole) v = decode_symbol_chunk(chunk, l.chunk_entries(c));
                if (v) break;
                r.sidecar_damaged = true;
            }
            const uint64_t first = c * SidecarLayout::kChunk;
            if (v) std::copy(v->begin(), v->end(), s.hashes.begin() + static_cast<ptrdiff_t>(first));
            else std::fill_n(s.symbols.begin() + static_cast<ptrdiff_t>(first), l.chunk_entries(c), SymbolState::unchecked);
        }
    }

    // The repair records, each checked on its own.
    r.sidecar_records = uint64_t(l.blocks) * l.repair;
    s.record_intact.assign(r.sidecar_records, 0);
    s.block_repairs.assign(l.blocks, 0);
    {
        const uint64_t rb = l.record_bytes();
        const uint64_t batch = std::max<uint64_t>(1, (4 * kMiB) / rb);
        std::vector<uint8_t> buf(batch * rb);
        for (uint64_t i = 0; i < r.sidecar_records; i += batch) {
            const uint64_t n = std::min(batch, r.sidecar_records - i);
            const uint64_t got = s.sidecar->read_at(l.repair_offset() + i * rb, n * rb, buf.data());
            for (uint64_t k = 0; k < n; ++k) {
                const uint32_t block = static_cast<uint32_t>((i + k) / l.repair);
                const uint32_t esi = l.symbols_in_block(block) + static_cast<uint32_t>((i + k) % l.repair);
                const bool ok = (k + 1) * rb <= got && repair_record_intact({buf.data() + k * rb, rb}, block, esi);
                s.record_intact[i + k] = ok;
                if (ok) ++s.block_repairs[block];
                else ++r.sidecar_bad_records;
            }
            read_bytes += got;
            progress(read_bytes);
        }
        if (r.sidecar_bad_records) r.sidecar_damaged = true;
    }

    // FILE, symbol by symbol (the last one zero-padded, as protected), and its SHA-256.
    {
        Sha256 sha;
        const uint64_t chunk_symbols = std::max<uint64_t>(1, (4 * kMiB) / T);
        std::vector<uint8_t> buf(chunk_symbols * std::max<uint32_t>(T, 1));
        for (uint64_t i = 0; i < l.symbols; i += chunk_symbols) {
            const uint64_t n = std::min(chunk_symbols, l.symbols - i);
            const uint64_t want = std::min(n * T, l.file_size - i * T);
            const uint64_t got = s.file->read_at(i * T, want, buf.data());
            std::memset(buf.data() + got, 0, n * T - got);
            sha.update({buf.data(), got});
            for (uint64_t k = 0; k < n; ++k) {
                if (s.symbols[i + k] == SymbolState::unchecked) continue;
                const bool present = k * T < got;
                if (!present || symbol_hash({buf.data() + k * T, T}) != s.hashes[i + k])
                    s.symbols[i + k] = SymbolState::damaged;
            }
            read_bytes += got;
            progress(read_bytes);
        }
        const bool whole = r.file_size >= l.file_size;
        r.intact = whole && sha.finish() == l.sha256;
        if (r.intact) {  // the first file_size bytes are right (unchecked ones included)
            std::fill(s.symbols.begin(), s.symbols.end(), SymbolState::intact);
            r.appended_bytes = r.file_size - l.file_size;
            r.intact = r.appended_bytes == 0;
        }
    }

    // Per block and in ranges.
    s.block_erasures.assign(l.blocks, 0);
    for (uint64_t i = 0; i < l.symbols; ++i) {
        const SymbolState st = s.symbols[i];
        if (st == SymbolState::intact) continue;
        const uint32_t block = static_cast<uint32_t>(i % l.blocks);
        ++s.block_erasures[block];
        const uint64_t begin = i * T, end = begin + l.symbol_bytes(i);
        if (st == SymbolState::unchecked) {
            r.unchecked_bytes += end - begin;
            continue;
        }
        r.damaged_bytes += end - begin;
        if (!r.damaged.empty() && r.damaged.back().end == begin) r.damaged.back().end = end;
        else r.damaged.push_back({begin, end});
    }
    bool all_fine = true;
    for (uint32_t b = 0; b < l.blocks; ++b) {
        if (!s.block_erasures[b]) continue;
        ++r.blocks_damaged;
        if (s.block_beyond(b)) ++r.blocks_beyond, all_fine = false;
    }
    for (uint64_t i = 0; i < l.symbols; ++i)
        if (s.symbols[i] == SymbolState::damaged && !s.block_beyond(static_cast<uint32_t>(i % l.blocks)))
            r.recoverable_bytes += l.symbol_bytes(i);
    // Damage the checksums do not show (FILE changed while being read): nothing to rebuild from.
    const bool explained = r.damaged_bytes || r.unchecked_bytes || r.appended_bytes;
    r.repairable = !r.intact && all_fine && explained;
    return s;
}

}  // namespace agcflow
