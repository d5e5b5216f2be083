// Protection of any file against damage with RaptorQ (RFC 6330): `protect` writes the sidecar
// FILE.rq (io/rq_sidecar.h), `verify` finds the damaged byte ranges of FILE from it, `repair`
// rebuilds FILE's exact bytes. Blocks are coded on threads of their own (liblcrq needs large
// stacks), `threads` at a time, in waves sized to the memory budget:
//
//   protect  threads x 3.5 x (K x T)   liblcrq's matrices and the repair symbols of a block
//          + W x (K x T)               the source symbols of the W blocks of a wave (W >= threads)
//          + 8 bytes per symbol        the symbol checksums (FILE's size / T x 8)
//   repair   threads x 6.5 x (K x T)   a damaged block's symbols received, rebuilt, liblcrq's
//          + 16 bytes per symbol       both checksum tables and the damage map
//   verify   16 bytes per symbol + 4 MiB of read buffer
//
// K (symbols per block, at most ~100) and T (bytes per symbol, at most 32 KiB) are chosen at
// protect time so that this fits the budget (pipeline/memory_budget.h adds the fixed part).
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "io/rq_sidecar.h"
#include "pipeline/operation.h"

namespace agcflow {

struct ProtectConfig {
    uint32_t redundancy = 10;  // percent of FILE's size, 1..100
    uint32_t threads = 1;
    uint64_t max_memory = 0;   // bytes; 0: the machine's default
};

// The sidecar's path for FILE: FILE.rq.
std::filesystem::path sidecar_path(const std::filesystem::path& file);

// The layout protect chooses for a file of `size` bytes.
SidecarLayout plan_sidecar(uint64_t size, const ProtectConfig& config);

// Writes `sidecar` (empty: FILE.rq) for `file`; returns its layout.
SidecarLayout protect_file(const std::filesystem::path& file, const ProtectConfig& config, Operation& op = Operation::none(),
                           const std::filesystem::path& sidecar = {});

struct ByteRange {
    uint64_t begin = 0, end = 0;  // [begin, end) of FILE as protected
};

// What verify finds.
struct DamageReport {
    SidecarLayout layout;
    uint64_t file_size = 0;            // FILE's size now
    bool intact = false;               // FILE's bytes are those protected (size and SHA-256)
    std::vector<ByteRange> damaged;    // wrong or missing bytes (missing: beyond FILE's end now)
    uint64_t damaged_bytes = 0;
    uint64_t unchecked_bytes = 0;      // bytes whose checksums are lost in both tables of the sidecar
    uint64_t appended_bytes = 0;       // FILE is longer than it was by this much

    bool sidecar_damaged = false;      // any part of FILE.rq is damaged
    uint64_t sidecar_records = 0;      // repair symbols in the sidecar
    uint64_t sidecar_bad_records = 0;  // of those, damaged

    uint32_t blocks_damaged = 0;       // blocks with damaged source symbols
    uint32_t blocks_beyond = 0;        // of those, with more damage than intact repair symbols
    uint64_t recoverable_bytes = 0;    // damaged bytes in blocks that can be rebuilt
    bool repairable = false;           // repair would restore FILE exactly (when !intact)
};

// Compares FILE with its sidecar (empty: FILE.rq). Error(io) when the sidecar cannot be read,
// Error(corrupt) when both copies of its header are damaged.
DamageReport verify_file(const std::filesystem::path& file, const ProtectConfig& config, Operation& op = Operation::none(),
                         const std::filesystem::path& sidecar = {});

struct RepairResult {
    DamageReport before;             // what verify found
    bool file_repaired = false;      // FILE's bytes were rebuilt (or cut back) and written
    bool sidecar_rewritten = false;  // a damaged sidecar was written again
    std::string refused;             // why nothing was repaired: the damage exceeds the redundancy
};

// Rebuilds FILE into `output` (empty: FILE itself, replaced only once the rebuilt bytes match
// the sidecar's SHA-256); with a damaged sidecar and FILE intact afterwards, writes the sidecar
// anew. When the damage exceeds what the sidecar can rebuild, nothing is written and `refused`
// says "FILE cannot be repaired: <how much is damaged, how much could be recovered>".
RepairResult repair_file(const std::filesystem::path& file, const std::filesystem::path& output,
                         const ProtectConfig& config, Operation& op = Operation::none(),
                         const std::filesystem::path& sidecar = {});

// One line for people: "12.3 MB" style sizes in messages.
std::string human_bytes(uint64_t bytes);

}  // namespace agcflow
