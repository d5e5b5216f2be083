// The memory model behind --max-memory (README, "Memory"): what create and the extract
// commands take from a budget, and the fixed part that comes on top of it.
//
// create
//  * splitter phase: the reference as codes (1 byte per base), a bitmap of its singleton
//    positions (1 bit per base), per-chunk hash-slot counters, and the k-mer entries of one
//    pass (12 bytes per k-mer, at most 4 bytes per reference base where AGC holds 8; a
//    smaller budget means more passes over the reference, never more memory);
//  * compression phase: the samples in flight (read ahead of, and inside, the compressor; each
//    about twice its size) plus the groups: every group's reference segment and LZ index,
//    which grow with the collection's novel sequence and are not bounded by the budget.
// extract (getset, getcol, getctg)
//  * the contigs in flight (one buffer per thread and one formatted copy per token, each the
//    length of the longest contig asked for) and a cache of decoded group references, which
//    gets what the budget leaves (least recently used references are dropped).
#pragma once

#include <cstdint>

namespace agcflow {

inline constexpr uint64_t kMiB = 1ull << 20;

// The part not governed by the budget: program, libraries, oneTBB's threads and stacks,
// zstd contexts, the archive's catalog. Tests hold the peak RSS to budget + this.
inline constexpr uint64_t kFixedMemory = 48 * kMiB;

uint64_t physical_memory();
// The default --max-memory: half of the machine's physical memory.
uint64_t default_memory_budget();

struct CreateMemoryPlan {
    uint64_t kmer_budget = 0;   // bytes of k-mer entries per pass of the splitter phase
    uint32_t read_ahead = 2;    // samples in memory at once: one compressed, the rest read ahead
    uint64_t needed = 0;        // the least budget this reference can be processed in
    uint64_t room = 0;          // samples the budget has room for besides the groups
    // Bytes more the readers may hold beyond `read_ahead` samples (at about 2 bytes per base):
    // small samples (viral, bacterial) are read many ahead, so that handing them to the graph
    // one at a time does not wake a reader thread per sample. What the budget leaves, at most
    // kSmallSampleReadAhead.
    uint64_t ahead_bytes = 0;
    // Batches that may be stored but not yet written, from an allowance of their own of at most
    // kSmallSampleBacklog: as many samples as it holds at ≈ 2R each, at most kMaxSmallBacklog
    // (the writer's backlog is at least this; with samples of a few kb, 64 batches are about one
    // pack per group, and on many cores storing waited for every 50th batch's packs).
    uint32_t backlog = 0;
};

inline constexpr uint32_t kMaxSmallBacklog = 1024;
inline constexpr uint64_t kSmallSampleBacklog = 16 * kMiB;

inline constexpr uint64_t kSmallSampleReadAhead = 16 * kMiB;

// `budget` 0 means the default. `reference_bases` is the reference's length.
// `readers`: FASTA reader threads; with room, each can read a sample ahead.
CreateMemoryPlan plan_create_memory(uint64_t budget, uint64_t reference_bases, uint32_t threads, uint32_t readers = 1);

struct ExtractMemoryPlan {
    uint32_t tokens = 1;           // contigs in flight
    uint64_t reference_cache = 0;  // bytes of decoded group references kept
};

// `longest_contig`: the longest contig (or range) to be written.
ExtractMemoryPlan plan_extract_memory(uint64_t budget, uint64_t longest_contig, uint32_t threads, bool streaming);

}  // namespace agcflow
