// The inputs of a create or append, in order: FASTA files, or samples a program hands over in
// memory, contig by contig, while the archive is being built.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include "io/fasta_input.h"

namespace agcflow {

struct SampleInput {
    std::string name;  // sample name (from the file name, as AGC derives it)
    std::string path;  // FASTA file, plain or gzipped
};

class InputSet {
public:
    virtual ~InputSet() = default;
    // Whether several inputs may be read at once (files: yes; memory: one stream).
    virtual bool parallel() const = 0;
    // Input i's sample name and records; nullptr when there is no input i. Blocks until input i
    // can be read. Each input is opened once.
    virtual std::unique_ptr<RecordSource> open(size_t i, std::string& sample_name) = 0;
    // The number of inputs, when known in advance (files), else 0.
    virtual size_t count() const = 0;
    // The samples, when known in advance (for the duplicate check), else none.
    virtual std::vector<SampleInput> known() const { return {}; }
};

class FileInputs : public InputSet {
public:
    explicit FileInputs(std::vector<SampleInput> files) : files_(std::move(files)) {}
    bool parallel() const override { return true; }
    std::unique_ptr<RecordSource> open(size_t i, std::string& sample_name) override;
    size_t count() const override { return files_.size(); }
    std::vector<SampleInput> known() const override { return files_; }
    const std::vector<SampleInput>& files() const { return files_; }

private:
    std::vector<SampleInput> files_;
};

// Samples handed over in memory. The producer (the program's thread) calls begin_sample,
// add_contig and finish; the create pipeline, on its own thread, reads them in order through
// open(). At most `queue_bytes` of sequence wait in between (a larger contig still goes
// through alone): add_contig blocks while the queue is full.
class MemoryInputs : public InputSet {
public:
    // `existing`: sample names already in the archive (append).
    explicit MemoryInputs(uint64_t queue_bytes, std::vector<std::string> existing = {}, bool concatenated = false);

    // ---- the producer's side; Error on bad names or sequences, or after close_consumer ----
    void begin_sample(const std::string& name);
    // `letters`: IUPAC nucleotide letters, either case.
    void add_contig(const std::string& name, std::string_view letters);
    void finish();
    // The producer gives up: the consumer's next read fails with Error(cancelled).
    void abort();
    size_t samples_begun() const;

    // ---- the consumer's side ----
    bool parallel() const override { return false; }
    std::unique_ptr<RecordSource> open(size_t i, std::string& sample_name) override;
    size_t count() const override { return 0; }
    // The consumer is gone (done or failed): producers no longer wait.
    void close_consumer();
    bool consumer_closed() const;

private:
    class Reader;
    struct Item {
        bool sample_start = false;
        std::string name;
        Codes seq;
    };
    std::optional<Item> pop();  // nullopt at the end
    bool front_is_sample_start();

    const uint64_t queue_bytes_;
    const bool concatenated_;
    mutable std::mutex mutex_;
    std::condition_variable changed_;
    std::deque<Item> queue_;
    uint64_t queued_bytes_ = 0;
    bool finished_ = false, aborted_ = false, consumer_closed_ = false;
    size_t opened_ = 0;  // inputs handed to the consumer so far
    // producer state
    size_t begun_ = 0;
    std::string current_;
    std::unordered_set<std::string> sample_names_, contig_names_;
};

}  // namespace agcflow
