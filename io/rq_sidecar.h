// The RaptorQ sidecar FILE.rq that `agc-flow protect` writes beside any file (little-endian):
//
//   header      128 bytes: magic "AGCFLORQ", format 1, symbol size T, FILE's size, SHA-256 of
//               FILE, symbols S = ceil(size / T), blocks Z, symbols per block K (block b holds
//               ceil((S - b) / Z): file symbol i is symbol i / Z of block i mod Z, so a burst of
//               damage spreads over all blocks), repair symbols per block R, the redundancy
//               asked for, the offsets of the sections, the sidecar's size, XXH3-64 of all that
//   table A     XXH3-64 of every source symbol of FILE (the last one zero-padded), in chunks of
//               4096, each followed by the XXH3-64 of its entries
//   repairs     Z x R records: u32 block, u32 ESI, u64 XXH3-64 of (block, ESI, symbol), T bytes
//   table B     a copy of table A
//   header      a copy of the header
//
// With the checksums, damaged or missing parts of FILE become known erasures; a damaged
// sidecar loses only what is damaged in it (either copy of the header and of each chunk of
// the table will do, and each repair symbol is checked on its own).
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace agcflow {

struct SidecarLayout {
    uint32_t symbol_size = 0;     // T
    uint64_t file_size = 0;
    std::array<uint8_t, 32> sha256{};
    uint64_t symbols = 0;         // S
    uint32_t blocks = 0;          // Z
    uint32_t block_symbols = 0;   // K (the largest block)
    uint32_t repair = 0;          // R per block
    uint32_t redundancy = 0;      // percent asked for

    uint32_t symbols_in_block(uint32_t b) const {
        return blocks ? static_cast<uint32_t>((symbols - b + blocks - 1) / blocks) : 0;
    }
    uint64_t file_symbol(uint32_t block, uint32_t j) const { return uint64_t(j) * blocks + block; }
    // Bytes of FILE in symbol i (the last one may be short).
    uint64_t symbol_bytes(uint64_t i) const {
        const uint64_t start = i * symbol_size;
        return start >= file_size ? 0 : std::min<uint64_t>(symbol_size, file_size - start);
    }

    // Section positions.
    static constexpr uint64_t kHeaderSize = 128;
    static constexpr uint64_t kChunk = 4096;
    uint64_t table_bytes() const { return symbols * 8 + chunks() * 8; }
    uint64_t chunks() const { return (symbols + kChunk - 1) / kChunk; }
    uint64_t chunk_entries(uint64_t c) const { return std::min<uint64_t>(kChunk, symbols - c * kChunk); }
    uint64_t chunk_offset(uint64_t c) const { return c * kChunk * 8 + c * 8; }  // within a table
    uint64_t chunk_bytes(uint64_t c) const { return chunk_entries(c) * 8 + 8; }
    uint64_t record_bytes() const { return 16 + uint64_t(symbol_size); }
    uint64_t table_a_offset() const { return kHeaderSize; }
    uint64_t repair_offset() const { return table_a_offset() + table_bytes(); }
    uint64_t record_offset(uint32_t block, uint32_t r) const {
        return repair_offset() + (uint64_t(block) * repair + r) * record_bytes();
    }
    uint64_t table_b_offset() const { return repair_offset() + uint64_t(blocks) * repair * record_bytes(); }
    uint64_t sidecar_size() const { return table_b_offset() + table_bytes() + kHeaderSize; }
};

std::vector<uint8_t> encode_sidecar_header(const SidecarLayout& l);
// The layout if `bytes` (128 of them) are an intact header of a sidecar of `sidecar_size` bytes.
std::optional<SidecarLayout> decode_sidecar_header(std::span<const uint8_t> bytes, uint64_t sidecar_size);

// Table A or B: the source checksums, chunked.
std::vector<uint8_t> encode_symbol_table(std::span<const uint64_t> hashes);
// The entries of a chunk of a table (its bytes: `entries` x 8 and a checksum) if it is intact.
std::optional<std::vector<uint64_t>> decode_symbol_chunk(std::span<const uint8_t> chunk, uint64_t entries);

// A repair record, and whether one is intact (for that block and ESI).
void encode_repair_record(uint32_t block, uint32_t esi, std::span<const uint8_t> symbol, uint8_t* out);
bool repair_record_intact(std::span<const uint8_t> record, uint32_t block, uint32_t esi);

uint64_t symbol_hash(std::span<const uint8_t> symbol);

}  // namespace agcflow
