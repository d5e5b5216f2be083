// The memory model of protect and repair (pipeline/protect.h has it in words): what a layout
// needs, and how many blocks a budget lets them hold and code at once.
#pragma once

#include <algorithm>
#include <cstdint>

#include "io/rq_sidecar.h"

namespace agcflow {

// Per block being coded, in units of the block's bytes (K x T), measured (tests/protect_test):
// encoding holds liblcrq's intermediate symbols, its copy of the block and its solution (about
// 3.3) and the repair symbols; decoding holds the symbols received and rebuilt besides.
inline constexpr double kEncodeBlockFactor = 3.5;
inline constexpr double kDecodeBlockFactor = 6.5;

inline constexpr uint32_t kWaveBlocks = 16;

struct ProtectPlan {
    uint32_t threads = 1;  // blocks coded at once
    uint32_t wave = 1;     // blocks read at once (>= threads)
};

inline uint64_t block_bytes(const SidecarLayout& l) { return uint64_t(l.block_symbols) * l.symbol_size; }

// Symbol checksums held: 8 bytes a symbol (protect), 16 (verify and repair: both tables and the damage map).
inline uint64_t protect_memory(const SidecarLayout& l, uint32_t threads) {
    return static_cast<uint64_t>(threads * (kEncodeBlockFactor + 1) * double(block_bytes(l))) + l.symbols * 8 + (4u << 20);
}

inline ProtectPlan plan_protect(const SidecarLayout& l, uint32_t threads, uint64_t budget) {
    ProtectPlan p;
    const uint64_t bb = std::max<uint64_t>(1, block_bytes(l));
    const uint64_t fixed = l.symbols * 8 + (4u << 20);
    const uint64_t room = budget > fixed ? budget - fixed : 0;
    const uint64_t per_thread = static_cast<uint64_t>((kEncodeBlockFactor + 1) * double(bb));
    p.threads = static_cast<uint32_t>(std::clamp<uint64_t>(room / per_thread, 1, std::max(1u, threads)));
    p.threads = std::min<uint32_t>(p.threads, std::max(1u, l.blocks));
    // What is left reads more blocks at once (reads of up to 16 symbols in a row; longer ones
    // gain nothing), never more than there are.
    const uint64_t left = room > p.threads * per_thread ? room - p.threads * per_thread : 0;
    const uint64_t wave = std::min<uint64_t>(p.threads + left / bb, std::max(kWaveBlocks, p.threads));
    p.wave = static_cast<uint32_t>(std::clamp<uint64_t>(wave, p.threads, std::max(1u, l.blocks)));
    return p;
}

inline uint64_t repair_memory(const SidecarLayout& l, uint32_t threads) {
    return static_cast<uint64_t>(threads * kDecodeBlockFactor * double(block_bytes(l))) + l.symbols * 16 + (4u << 20);
}

inline uint32_t plan_repair_threads(const SidecarLayout& l, uint32_t threads, uint64_t budget) {
    const uint64_t fixed = l.symbols * 16 + (4u << 20);
    const uint64_t per_thread = std::max<uint64_t>(1, static_cast<uint64_t>(kDecodeBlockFactor * double(block_bytes(l))));
    const uint64_t room = budget > fixed ? budget - fixed : 0;
    return static_cast<uint32_t>(std::clamp<uint64_t>(room / per_thread, 1, std::max(1u, threads)));
}

}  // namespace agcflow
