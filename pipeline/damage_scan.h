// What verify and repair share: the sidecar read back (either copy of its header and of each
// chunk of its checksum table; every repair record checked), FILE read once against it, and the
// damage found, symbol by symbol and block by block.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <vector>

#include "io/input_file.h"
#include "pipeline/protect.h"

namespace agcflow {

enum class SymbolState : uint8_t { intact, damaged, unchecked };

struct DamageScan {
    DamageReport report;
    std::unique_ptr<InputFile> file, sidecar;
    std::vector<SymbolState> symbols;     // per source symbol of FILE as protected
    std::vector<uint64_t> hashes;         // their checksums (0 where unchecked)
    std::vector<uint8_t> record_intact;   // per repair record (block x R + r)
    std::vector<uint32_t> block_erasures; // per block: symbols damaged or unchecked
    std::vector<uint32_t> block_repairs;  // per block: intact repair records

    bool block_beyond(uint32_t b) const { return block_erasures[b] > block_repairs[b]; }
};

// `progress(bytes)` gets the bytes of FILE and sidecar read so far (it may throw to cancel).
DamageScan scan_damage(const std::filesystem::path& file, const std::filesystem::path& sidecar,
                       const std::function<void(uint64_t)>& progress);

}  // namespace agcflow
