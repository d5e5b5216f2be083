// agc-flow create: compresses a collection of FASTA files into an AGC v3 archive,
// byte-identical to AGC 3.2.2's for the same inputs and parameters, whatever the thread count.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "io/compression_profile.h"
#include "io/output_file.h"
#include "pipeline/input_set.h"
#include "pipeline/operation.h"

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
    // References of at least this many bases choose their splitters by the walks' k-mers
    // (stages/candidate_splitters.h); smaller ones by the full singleton map, which costs less
    // there than the rounds' fixed part (the 329 kb human LPA reference: 8 against 54 ms).
    // Never changes the archive.
    uint64_t candidate_splitters_from = uint64_t(1) << 20;
    // create --trace: where to write every task of the graph as Chrome trace-event JSON
    // (stages/task_trace.h); empty: no trace. Never changes the archive.
    std::filesystem::path trace;
    // zstd levels (AGC's: what byte identity needs) and frame checksums. With
    // profile.frame_checksums the archive also gets the part checksums stream
    // (io/part_checksums.h): create --checksums.
    CompressionProfile profile;
};

// Writes the archive of `inputs` to `out` and commits it (the first input is the reference).
// Throws Error on bad input or when `op` is cancelled; `out` is then never committed.
// Progress: samples done (of inputs.count() when known) and bases; warnings, and with
// verbosity > 0 notes on how the budget is used, go to op's messages.
void create_archive(InputSet& inputs, OutputFile& out, const CreateConfig& config, Operation& op);

// agc-flow append: a new archive holding `input`'s samples and the new ones, as AGC's append
// writes it (parameters from `input`; `input` itself is never modified).
void append_archive(const std::filesystem::path& input, InputSet& samples, OutputFile& out, CreateConfig config,
                    Operation& op);

// The same from FASTA files (a file's sample name as AGC derives it), to a path (standard
// output when empty).
void create_archive(const std::vector<SampleInput>& inputs, const std::filesystem::path& output,
                    const CreateConfig& config, Operation& op = Operation::none());
void append_archive(const std::filesystem::path& input, const std::vector<SampleInput>& samples,
                    const std::filesystem::path& output, const CreateConfig& config,
                    Operation& op = Operation::none());

}  // namespace agcflow
