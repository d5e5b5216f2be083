#include "io/rq_sidecar.h"

#include <xxhash.h>

#include <cstring>

#include "io/varint.h"

namespace agcflow {

namespace {
constexpr char kMagic[8] = {'A', 'G', 'C', 'F', 'L', 'O', 'R', 'Q'};
constexpr uint32_t kFormat = 1;

uint64_t read_u64(const uint8_t* p) {
    uint64_t v = 0;
    for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];
    return v;
}
uint32_t read_u32(const uint8_t* p) {
    uint32_t v = 0;
    for (int i = 3; i >= 0; --i) v = (v << 8) | p[i];
    return v;
}
}  // namespace

uint64_t symbol_hash(std::span<const uint8_t> symbol) { return XXH3_64bits(symbol.data(), symbol.size()); }

std::vector<uint8_t> encode_sidecar_header(const SidecarLayout& l) {
    std::vector<uint8_t> h(kMagic, kMagic + 8);
    put_u32le(h, kFormat);
    put_u32le(h, l.symbol_size);
    put_u64le(h, l.file_size);
    h.insert(h.end(), l.sha256.begin(), l.sha256.end());
    put_u64le(h, l.symbols);
    put_u32le(h, l.blocks);
    put_u32le(h, l.block_symbols);
    put_u32le(h, l.repair);
    put_u32le(h, l.redundancy);
    put_u64le(h, l.table_a_offset());
    put_u64le(h, l.repair_offset());
    put_u64le(h, l.table_b_offset());
    put_u64le(h, l.sidecar_size());
    put_u64le(h, 0);
    put_u64le(h, XXH3_64bits(h.data(), h.size()));
    return h;
}

std::optional<SidecarLayout> decode_sidecar_header(std::span<const uint8_t> b, uint64_t sidecar_size) {
    if (b.size() != SidecarLayout::kHeaderSize || std::memcmp(b.data(), kMagic, 8) != 0) return std::nullopt;
    if (read_u64(b.data() + 120) != XXH3_64bits(b.data(), 120)) return std::nullopt;
    if (read_u32(b.data() + 8) != kFormat) return std::nullopt;
    SidecarLayout l;
    l.symbol_size = read_u32(b.data() + 12);
    l.file_size = read_u64(b.data() + 16);
    std::memcpy(l.sha256.data(), b.data() + 24, 32);
    l.symbols = read_u64(b.data() + 56);
    l.blocks = read_u32(b.data() + 64);
    l.block_symbols = read_u32(b.data() + 68);
    l.repair = read_u32(b.data() + 72);
    l.redundancy = read_u32(b.data() + 76);
    // What the header says of itself must hold together.
    if (l.symbol_size == 0 || l.symbols != (l.file_size + l.symbol_size - 1) / l.symbol_size) return std::nullopt;
    if ((l.symbols == 0) != (l.blocks == 0) || (l.blocks && l.symbols_in_block(0) != l.block_symbols)) return std::nullopt;
    if (read_u64(b.data() + 80) != l.table_a_offset() || read_u64(b.data() + 88) != l.repair_offset() ||
        read_u64(b.data() + 96) != l.table_b_offset() || read_u64(b.data() + 104) != l.sidecar_size())
        return std::nullopt;
    if (sidecar_size && l.sidecar_size() != sidecar_size) return std::nullopt;
    return l;
}

std::vector<uint8_t> encode_symbol_table(std::span<const uint64_t> hashes) {
    std::vector<uint8_t> out;
    out.reserve(hashes.size() * 8 + hashes.size() / SidecarLayout::kChunk * 8 + 8);
    for (size_t c = 0; c < hashes.size(); c += SidecarLayout::kChunk) {
        const size_t n = std::min<size_t>(SidecarLayout::kChunk, hashes.size() - c);
        const size_t at = out.size();
        for (size_t i = 0; i < n; ++i) put_u64le(out, hashes[c + i]);
        put_u64le(out, XXH3_64bits(out.data() + at, n * 8));
    }
    return out;
}

std::optional<std::vector<uint64_t>> decode_symbol_chunk(std::span<const uint8_t> chunk, uint64_t entries) {
    if (chunk.size() != entries * 8 + 8) return std::nullopt;
    const uint8_t* p = chunk.data();
    if (read_u64(p + entries * 8) != XXH3_64bits(p, entries * 8)) return std::nullopt;
    std::vector<uint64_t> v(entries);
    for (uint64_t i = 0; i < entries; ++i) v[i] = read_u64(p + i * 8);
    return v;
}

namespace {
uint64_t record_hash(uint32_t block, uint32_t esi, std::span<const uint8_t> symbol) {
    XXH3_state_t* st = XXH3_createState();
    XXH3_64bits_reset(st);
    uint8_t ids[8];
    for (int i = 0; i < 4; ++i) ids[i] = static_cast<uint8_t>(block >> (8 * i)), ids[4 + i] = static_cast<uint8_t>(esi >> (8 * i));
    XXH3_64bits_update(st, ids, 8);
    XXH3_64bits_update(st, symbol.data(), symbol.size());
    const uint64_t h = XXH3_64bits_digest(st);
    XXH3_freeState(st);
    return h;
}
}  // namespace

void encode_repair_record(uint32_t block, uint32_t esi, std::span<const uint8_t> symbol, uint8_t* out) {
    for (int i = 0; i < 4; ++i) out[i] = static_cast<uint8_t>(block >> (8 * i)), out[4 + i] = static_cast<uint8_t>(esi >> (8 * i));
    const uint64_t h = record_hash(block, esi, symbol);
    for (int i = 0; i < 8; ++i) out[8 + i] = static_cast<uint8_t>(h >> (8 * i));
    std::memcpy(out + 16, symbol.data(), symbol.size());
}

bool repair_record_intact(std::span<const uint8_t> record, uint32_t block, uint32_t esi) {
    if (record.size() < 16) return false;
    if (read_u32(record.data()) != block || read_u32(record.data() + 4) != esi) return false;
    return read_u64(record.data() + 8) == record_hash(block, esi, record.subspan(16));
}

}  // namespace agcflow
