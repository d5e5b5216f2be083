// RaptorQ (RFC 6330) coding of one source block, through Debian's liblcrq 0.0.1, kept inside
// the envelope where that library is known to work (tests/raptorq_test.cpp finds it again):
//  - one context per block, the block given whole (K symbols of T bytes, the last zero-padded):
//    liblcrq's own splitting into several source blocks gives wrong symbols;
//  - T a multiple of 4 from 4 to 65532 (T is a uint16_t in its API), K from 1 to 4000, ESIs
//    below 2^24: outside that it asserts (aborts the process);
//  - decoding only with at least K received symbols: with fewer it reads past its matrix;
//  - encoding on a thread whose stack holds K·T bytes more: rq_encode keeps the block in a
//    variable-length array, and on a smaller stack crashes or silently writes wrong symbols.
// Nothing here checks symbols for damage (liblcrq decodes a damaged symbol without noticing):
// callers pass only symbols whose checksums are right.
#pragma once

#include <cstdint>
#include <functional>
#include <span>

namespace agcflow {

inline constexpr uint32_t kRqMaxSymbolSize = 65532;
inline constexpr uint32_t kRqMaxBlockSymbols = 4000;

// Whether this build has RaptorQ (liblcrq was found).
bool raptorq_available();

// The stack a thread needs to encode a block of K symbols of T bytes.
uint64_t rq_encode_stack(uint32_t K, uint32_t T);

// The repair symbols ESI K .. K + repair - 1 of a block (`source`: K * T bytes) into `out`
// (repair * T bytes). Runs on a thread with rq_encode_stack(K, T) of stack.
void rq_encode_block(std::span<const uint8_t> source, uint32_t K, uint32_t T, uint32_t repair, uint8_t* out);

// The K source symbols of a block (into `out`, K * T bytes) from at least K received symbols
// (`symbols`: one of T bytes per ESI of `esis`, in that order). False when they do not
// determine the block (RaptorQ fails so for about 1 in 200 sets of exactly K symbols; one more
// symbol makes it about 1 in 20,000).
bool rq_decode_block(uint32_t K, uint32_t T, std::span<const uint32_t> esis, std::span<const uint8_t> symbols,
                     uint8_t* out);

// Runs job(0) .. job(jobs - 1) on `threads` threads of its own, each with a stack of
// `stack_bytes`, and returns when all are done; the first exception a job throws is rethrown
// (the remaining jobs are not started).
void run_on_big_stacks(unsigned threads, uint64_t stack_bytes, size_t jobs, const std::function<void(size_t)>& job);

}  // namespace agcflow
