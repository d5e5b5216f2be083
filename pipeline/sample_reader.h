// The create graph's reader: the inputs as batches in input order (BatchSource: FASTA files
// read, samples and contigs registered and checked), read ahead on threads of their own
// (PrefetchingSource), as AGC's reader thread reads ahead of its compressors.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <exception>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "io/fasta_input.h"
#include "pipeline/create.h"
#include "pipeline/create_batch.h"
#include "stages/task_trace.h"
#include "pipeline/input_set.h"
#include "pipeline/operation.h"
#include "pipeline/query.h"
#include "stages/splitter_selection.h"

namespace agcflow {

// Produces the batches in input order: reads the inputs, registers samples and contigs.
class BatchSource {
public:
    // `existing`: sample names already in the archive being appended to (numbered first).
    BatchSource(InputSet& inputs, const CreateConfig& cfg, const Operation& op,
                const std::vector<std::string>& existing = {})
        : inputs_(inputs), cfg_(cfg), op_(op), first_sample_(static_cast<uint32_t>(existing.size())),
          samples_(first_sample_), sample_names_(existing.begin(), existing.end()) {
        if (!cfg_.concatenated)
            for (auto& in : inputs_.known())
                if (sample_names_.count(in.name))
                    throw Error("sample " + in.name + " (" + in.path + ") is already in the archive");
    }

    // The reference's contigs, read once for splitter selection and kept for batch 0.
    std::vector<ContigView> reference_sequences() {
        auto in = inputs_.open(0, reference_name_);
        if (!in) throw Error(ErrorKind::argument, "no input: an archive needs a reference sample");
        cached_ = read_records(*in, reference_name_);
        reference_origin_ = in->origin();
        reference_read_ = true;
        std::vector<ContigView> seqs;
        for (auto& r : cached_) seqs.emplace_back(r.seq);
        return seqs;
    }

    // The next batch, or nullptr after the last.
    BatchPtr next() {
        if (!cfg_.concatenated) return next_file();
        auto b = next_concatenated();
        if (b) b->sequence = produced_++;
        return b;
    }

private:
    BatchPtr next_file() {
        auto f = claim_file();
        if (!f) return nullptr;
        ++produced_;
        return read_file(*f);
    }

    // Every record of an input (sample `sample`), checked as they come (the operation may be
    // cancelled meanwhile): names must be unique, and reachable by AGC's getctg afterwards.
    std::vector<FastaRecord> read_records(RecordSource& in, const std::string& sample) {
        std::vector<FastaRecord> recs;
        std::unordered_set<std::string> seen;
        std::unordered_map<std::string, std::string> first_words;  // first word -> full name
        FastaRecord r;
        while (in.next(r)) {
            op_.check();
            if (!seen.insert(r.name).second)
                throw Error(in.origin() + ": contig name '" + r.name + "' occurs twice (AGC would corrupt it)");
            // (-c: records become samples of their own, checked as they are numbered)
            if (!cfg_.concatenated) check_reachable(in.origin(), sample, r.name, first_words);
            recs.push_back(std::move(r));
        }
        if (recs.empty()) throw Error(in.origin() + ": no contigs");
        return recs;
    }

    // Refuses a contig that no getctg query could reach once it is stored: one whose first word
    // another contig of its sample has, or whose "name@sample" AGC would read otherwise.
    static void check_reachable(const std::string& origin, const std::string& sample, const std::string& name,
                                std::unordered_map<std::string, std::string>& first_words) {
        auto [it, added] = first_words.emplace(contig_first_word(name), name);
        if (!added)
            throw Error(origin + ": contigs '" + it->second + "' and '" + name + "' of sample " + sample +
                        " share the first word '" + it->first + "' (AGC's getctg finds contigs by it, and reaches only the first)");
        if (auto why = unreachable_by_query(sample, name))
            throw Error(origin + ": contig '" + name + "' of sample " + sample + " could not be queried: " + *why);
    }

    // Input i as a record stream: input 0 comes from the records already read for the splitters.
    std::unique_ptr<RecordSource> open_input(size_t i, std::string& name) {
        if (i == 0 && reference_read_) {
            name = reference_name_;
            return std::make_unique<ReplayedRecords>(std::move(cached_), reference_origin_);
        }
        return inputs_.open(i, name);
    }

    class ReplayedRecords : public RecordSource {
    public:
        ReplayedRecords(std::vector<FastaRecord> recs, std::string origin)
            : recs_(std::move(recs)), origin_(std::move(origin)) {}
        bool next(FastaRecord& rec) override {
            if (next_ == recs_.size()) return false;
            rec = std::move(recs_[next_++]);
            return true;
        }
        const std::string& origin() const override { return origin_; }

    private:
        std::vector<FastaRecord> recs_;
        size_t next_ = 0;
        std::string origin_;
    };

public:
    // Without -c, a batch is one input and inputs can be read in parallel: claim_file() hands out
    // the next index (callers serialise it), read_file() reads that input (thread-safe for
    // distinct inputs) or returns nullptr when there is none.
    bool files_in_parallel() const { return !cfg_.concatenated && inputs_.parallel(); }
    std::optional<size_t> claim_file() {
        if (inputs_.count() && file_ >= inputs_.count()) return std::nullopt;
        return file_++;
    }
    BatchPtr read_file(size_t f) {
        std::vector<FastaRecord> recs;
        std::string name;
        if (f == 0 && reference_read_) {
            recs = std::move(cached_);
            name = reference_name_;
        } else {
            auto in = inputs_.open(f, name);
            if (!in) return nullptr;
            recs = read_records(*in, name);
        }
        auto b = std::make_shared<Batch>();
        b->sequence = f;
        const uint32_t sample = first_sample_ + static_cast<uint32_t>(f);
        b->new_samples.push_back(name);
        for (auto& r : recs) {
            b->bases += r.seq.size();
            b->contigs.push_back({std::move(r.name), std::move(r.seq), sample});
        }
        b->samples_registered = sample + 1;
        return b;
    }

private:
    // -c: every record is a sample named by the first word of its header (consecutive records
    // with the same first word form one sample); a batch is P records.
    BatchPtr next_concatenated() {
        if (finished_) return nullptr;
        auto b = std::make_shared<Batch>();
        try {
            fill_concatenated(*b);
        } catch (...) {
            // The batch (and the record in hand) may hold the reference's records, from which
            // the splitters are chosen on another thread while this error travels to it: they
            // stay until the source goes.
            abandoned_.push_back(std::move(b));
            throw;
        }
        return b;
    }

    void fill_concatenated(Batch& b) {
        FastaRecord& r = record_;
        while (b.contigs.size() < cfg_.pack_cardinality) {
            if (!input_) {
                std::string ignored;
                input_ = open_input(file_, ignored);
                if (!input_) {
                    finished_ = true;  // AGC always ends with one more sync: a last, maybe empty, batch
                    break;
                }
            }
            if (!input_->next(r)) {
                input_.reset();
                ++file_;
                continue;
            }
            op_.check();
            const std::string& path = input_->origin();
            if (!full_names_.insert(r.name).second)
                throw Error(path + ": contig name '" + r.name + "' occurs twice (AGC would corrupt it)");
            std::string sample = contig_first_word(r.name);
            if (sample != current_) {
                if (!sample_names_.insert(sample).second)
                    throw Error(path + ": records of sample " + sample +
                                (sample_is_new(sample)
                                     ? " are not consecutive (AGC would drop the later ones)"
                                     : " are already in the archive"));
                current_ = sample;
                current_first_words_.clear();
                new_names_.insert(sample);
                b.new_samples.push_back(sample);
                ++samples_;
            }
            check_reachable(path, sample, r.name, current_first_words_);
            b.bases += r.seq.size();
            b.contigs.push_back({std::move(r.name), std::move(r.seq), samples_ - 1});
        }
        b.samples_registered = samples_;
    }

    bool sample_is_new(const std::string& name) const { return new_names_.count(name) != 0; }

    InputSet& inputs_;
    const CreateConfig& cfg_;
    const Operation& op_;
    uint32_t first_sample_ = 0;
    size_t produced_ = 0;
    std::vector<FastaRecord> cached_;
    FastaRecord record_;                  // -c: the record being placed
    std::vector<BatchPtr> abandoned_;     // -c: batches an error cut short
    std::string reference_name_, reference_origin_;
    bool reference_read_ = false;
    size_t file_ = 0;
    // -c state
    std::unique_ptr<RecordSource> input_;
    bool finished_ = false;
    std::string current_;
    std::unordered_map<std::string, std::string> current_first_words_;
    uint32_t samples_ = 0;
    std::unordered_set<std::string> sample_names_, full_names_, new_names_;
};


// Reading and parsing FASTA is I/O plus one core's work per file: reader threads of their own
// (outside the -t workers, as AGC's reader) read up to `ahead` batches before the graph asks for
// them, so that even at -t 1 reading overlaps compression. Without -c, `readers` threads read
// different files at once (for many cores, where one parser would set the pace); batches are
// handed over strictly in input order, and a read error surfaces at its file's place, so the
// first bad file in input order is the one reported. With ahead = 0, batches are read on
// demand by the graph's own thread.
//
// Small samples are read further ahead: beyond `ahead` batches, up to kMaxSmallAhead more, one
// at a time, while the batches held take less than `ahead_bytes` (2 bytes per base). A reader
// that found no room sleeps until a quarter of that has been taken again, so that a collection
// of viral genomes does not wake a reader (and switch threads) for every genome the graph takes.
class PrefetchingSource {
public:
    static constexpr size_t kMaxSmallAhead = 256;

    // `first_in_memory`: batch 0 is already in memory (create's reference) and does not count
    // against the read-ahead.
    PrefetchingSource(BatchSource& source, size_t ahead, size_t readers, bool first_in_memory, Trace* trace = nullptr,
                      uint64_t ahead_bytes = 0)
        : source_(source), ahead_(ahead), ahead_bytes_(ahead == 0 ? 0 : ahead_bytes),
          parallel_(source.files_in_parallel()), first_free_(first_in_memory), trace_(trace) {
        if (ahead_ == 0) return;
        const size_t n = parallel_ ? std::max<size_t>(1, std::min(readers, ahead_)) : 1;
        threads_.reserve(n);
        try {
            for (size_t i = 0; i < n; ++i) threads_.emplace_back([this] { run(); });
        } catch (...) {  // a thread that could not be started: stop those that were
            stop();
            throw;
        }
    }
    ~PrefetchingSource() { stop(); }

    void stop() {
        {
            std::lock_guard lock(mutex_);
            cancelled_ = true;
        }
        room_.notify_all();
        for (auto& t : threads_)
            if (t.joinable()) t.join();
    }

    // The next batch in input order, nullptr after the last; rethrows a reader's error.
    BatchPtr next() {
        if (ahead_ == 0) {
            Trace::Span span(trace_, "read", static_cast<int64_t>(next_));
            auto b = source_.next();
            ++next_;
            if (b) span.set_bytes(b->bases);
            return b;
        }
        std::unique_lock lock(mutex_);
        ++taking_;
        taken_.wait(lock, [&] {
            return ready_.count(next_) || errors_.count(next_) || stopped_ == threads_.size() || failed_;
        });
        --taking_;
        if (auto e = errors_.find(next_); e != errors_.end()) std::rethrow_exception(e->second);
        if (failed_ && !ready_.count(next_)) std::rethrow_exception(failed_);
        auto r = ready_.find(next_);
        if (r == ready_.end()) return nullptr;
        auto b = std::move(r->second);
        if (!(first_free_ && next_ == 0)) held_bytes_ -= held_size(*b);
        ready_.erase(r);
        ++next_;
        if (waiting_ && may_resume()) room_.notify_all();
        return b;
    }

    // A test's window on the hand-over: how often a reader found no room and waited for it,
    // and the most batches held (read or being read, not yet taken) at once.
    size_t reader_waits() const {
        std::lock_guard lock(mutex_);
        return waits_;
    }
    size_t most_held() const {
        std::lock_guard lock(mutex_);
        return most_held_;
    }

private:
    static uint64_t held_size(const Batch& b) { return 2 * b.bases; }
    // Batches read or being read, not yet taken.
    size_t held() const { return ready_.size() + reading_ - (first_free_ ? ready_.count(0) : 0); }
    // Room for one more read; and, for a reader that found none, enough room to go on. Beyond
    // `ahead`, one read at a time (a sample's size is known once it is read): the bytes held
    // exceed ahead_bytes by one sample at most, whatever the number of readers.
    bool may_read() const {
        return held() < ahead_ ||
               (reading_ == 0 && held() < ahead_ + kMaxSmallAhead && held_bytes_ < ahead_bytes_);
    }
    bool may_resume() const {
        return may_read() && (held() < ahead_ || (held() + kMaxSmallAhead / 4 <= ahead_ + kMaxSmallAhead &&
                                                  held_bytes_ + ahead_bytes_ / 4 <= ahead_bytes_));
    }

    // A reader thread. Whatever it fails with (running out of memory, too) is handed to next().
    void run() noexcept {
        try {
            read_batches();
        } catch (...) {
            std::lock_guard lock(mutex_);
            if (!failed_) failed_ = std::current_exception();
            exhausted_ = true;
        }
        std::lock_guard lock(mutex_);
        ++stopped_;
        taken_.notify_all();
    }

    void read_batches() {
        for (;;) {
            size_t slot = 0;
            {
                std::unique_lock lock(mutex_);
                if (!cancelled_ && !exhausted_ && !may_read()) {
                    ++waiting_;
                    room_.wait(lock, [&] { return cancelled_ || exhausted_ || may_resume(); });
                    --waiting_;
                    ++waits_;
                }
                if (cancelled_ || exhausted_) break;
                if (parallel_) {
                    auto f = source_.claim_file();
                    if (!f) {
                        exhausted_ = true;
                        break;
                    }
                    slot = *f;
                } else {
                    slot = serial_++;
                }
                ++reading_;
                most_held_ = std::max(most_held_, held());
            }
            BatchPtr b;
            std::exception_ptr error;
            try {
                // Outside the lock: the long part. (-c reads its one stream from one thread.)
                Trace::Span span(trace_, "read", static_cast<int64_t>(slot));
                b = parallel_ ? source_.read_file(slot) : source_.next();
                if (b) span.set_bytes(b->bases);
            } catch (...) {
                error = std::current_exception();
            }
            std::lock_guard lock(mutex_);
            --reading_;
            if (error) {
                errors_.emplace(slot, error);
                exhausted_ = true;
            } else if (!b) {
                exhausted_ = true;
            } else {
                if (!(first_free_ && slot == 0)) held_bytes_ += held_size(*b);
                ready_.emplace(slot, std::move(b));
            }
            if (taking_) taken_.notify_all();
            if (exhausted_ && waiting_) room_.notify_all();  // the other readers stop too
        }
    }

    BatchSource& source_;
    size_t ahead_;
    uint64_t ahead_bytes_;
    bool parallel_, first_free_;
    Trace* trace_;
    std::vector<std::thread> threads_;
    mutable std::mutex mutex_;
    std::condition_variable taken_;  // next() waits here for its batch
    std::condition_variable room_;   // readers wait here for room
    std::map<size_t, BatchPtr> ready_;
    std::map<size_t, std::exception_ptr> errors_;
    size_t next_ = 0, reading_ = 0, serial_ = 0, stopped_ = 0, taking_ = 0, waiting_ = 0, waits_ = 0,
           most_held_ = 0;
    uint64_t held_bytes_ = 0;
    bool exhausted_ = false, cancelled_ = false;
    std::exception_ptr failed_;  // a reader thread's failure outside the reading of a batch
};


// FASTA reader threads: the configured number, or one per 8 workers (at most 4); one with -c.
size_t reader_threads(const CreateConfig& cfg);

}  // namespace agcflow
