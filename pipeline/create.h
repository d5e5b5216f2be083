// agc-flow create: compresses a collection of FASTA files into an AGC v3 archive,
// byte-identical to AGC 3.2.2's for the same inputs and parameters, whatever the thread count.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace agcflow {

struct CreateConfig {
    uint32_t k = 31;
    uint32_t min_match_len = 20;
    uint32_t pack_cardinality = 50;
    uint32_t segment_size = 60000;
    uint32_t threads = 1;
    uint32_t verbosity = 0;
    bool adaptive = false;
    bool concatenated = false;
    double fallback_fraction = 0.0;
    // Memory budget in bytes (--max-memory); 0: the machine's default. It sets the passes of
    // the splitter phase and the samples read ahead (pipeline/memory_budget.h).
    uint64_t max_memory = 0;
    // FASTA reader threads (files read at once, besides the -t workers); 0: one per 8 threads,
    // at most 4. Never changes the archive.
    uint32_t readers = 0;
    // Contigs are searched for splitters in pieces of this many bases, one task each (a long
    // chromosome is not one task on many cores). Never changes the archive.
    uint64_t cut_piece = uint64_t(1) << 20;
    // Warnings (always) and, with verbosity > 0, notes on how the budget is used.
    std::function<void(const std::string&)> message;
};

struct SampleInput {
    std::string name;  // sample name (from the file name, as AGC derives it)
    std::string path;  // FASTA file, plain or gzipped
};

// Progress after each sample: samples done, bases done.
using ProgressFn = std::function<void(uint32_t samples_done, uint64_t bases_done)>;

// Writes the archive to `output` (standard output when empty). The first input is the
// reference. Throws Error on bad input; a failed run leaves no file at `output`.
void create_archive(const std::vector<SampleInput>& inputs, const std::filesystem::path& output,
                    const CreateConfig& config, const ProgressFn& progress = {});

// agc-flow append: a new archive holding `input`'s samples and the new ones, as AGC's append
// writes it (parameters from `input`; `input` itself is never modified).
void append_archive(const std::filesystem::path& input, const std::vector<SampleInput>& samples,
                    const std::filesystem::path& output, CreateConfig config, const ProgressFn& progress = {});

}  // namespace agcflow
