#include "pipeline/input_set.h"

#include "io/error.h"

namespace agcflow {

std::unique_ptr<RecordSource> FileInputs::open(size_t i, std::string& sample_name) {
    if (i >= files_.size()) return nullptr;
    sample_name = files_[i].name;
    return std::make_unique<FastaInput>(files_[i].path);
}

// The records of one sample, popped from the queue until the next sample starts.
class MemoryInputs::Reader : public RecordSource {
public:
    Reader(MemoryInputs& in, std::string origin) : in_(in), origin_(std::move(origin)) {}
    bool next(FastaRecord& rec) override {
        if (in_.front_is_sample_start()) return false;
        auto item = in_.pop();
        if (!item) return false;
        rec.name = std::move(item->name);
        rec.seq = std::move(item->seq);
        return true;
    }
    const std::string& origin() const override { return origin_; }

private:
    MemoryInputs& in_;
    std::string origin_;
};

MemoryInputs::MemoryInputs(uint64_t queue_bytes, std::vector<std::string> existing, bool concatenated)
    : queue_bytes_(queue_bytes), concatenated_(concatenated), sample_names_(existing.begin(), existing.end()) {}

size_t MemoryInputs::samples_begun() const {
    std::lock_guard lock(mutex_);
    return begun_;
}

void MemoryInputs::begin_sample(const std::string& name) {
    std::unique_lock lock(mutex_);
    if (finished_) throw Error(ErrorKind::argument, "no sample can be added after the last");
    if (begun_ > 0 && contig_names_.empty())
        throw Error("sample " + current_ + " has no contigs");
    if (!concatenated_) {
        if (name.empty()) throw Error(ErrorKind::argument, "empty sample name");
        if (!sample_names_.insert(name).second)
            throw Error("sample " + name + (begun_ < sample_names_.size() ? " is already in the archive" : " was added twice"));
    }
    contig_names_.clear();
    current_ = name;
    ++begun_;
    queue_.push_back({true, name, {}});
    changed_.notify_all();
}

void MemoryInputs::add_contig(const std::string& name, std::string_view letters) {
    std::string where;
    {
        std::lock_guard lock(mutex_);
        if (finished_) throw Error(ErrorKind::argument, "no contig can be added after the last sample");
        if (begun_ == 0) throw Error(ErrorKind::argument, "a contig needs a sample: begin one first");
        where = "sample " + current_ + ", contig " + name;
        if (name.empty()) throw Error("sample " + current_ + ": empty contig name");
        if (name.find_first_of("\n\r") != std::string::npos) throw Error(where + ": line break in the contig name");
        if (letters.empty()) throw Error(where + ": empty sequence (AGC would drop it)");
        if (!contig_names_.insert(name).second)
            throw Error(where + ": contig name occurs twice (AGC would corrupt it)");
    }
    Item item{false, name, {}};
    letters_to_codes(letters, item.seq, where);  // outside the lock: the long part
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] {
        return consumer_closed_ || queue_.empty() || queued_bytes_ + item.seq.size() <= queue_bytes_;
    });
    if (consumer_closed_) throw Error(ErrorKind::cancelled, "the archive is no longer being written");
    queued_bytes_ += item.seq.size();
    queue_.push_back(std::move(item));
    changed_.notify_all();
}

void MemoryInputs::finish() {
    std::lock_guard lock(mutex_);
    if (finished_) return;
    if (begun_ == 0) throw Error(ErrorKind::argument, "no samples: an archive needs a reference sample");
    if (contig_names_.empty()) throw Error("sample " + current_ + " has no contigs");
    finished_ = true;
    changed_.notify_all();
}

void MemoryInputs::abort() {
    std::lock_guard lock(mutex_);
    aborted_ = true;
    changed_.notify_all();
}

bool MemoryInputs::consumer_closed() const {
    std::lock_guard lock(mutex_);
    return consumer_closed_;
}

void MemoryInputs::close_consumer() {
    std::lock_guard lock(mutex_);
    consumer_closed_ = true;
    queue_.clear();
    queued_bytes_ = 0;
    changed_.notify_all();
}

bool MemoryInputs::front_is_sample_start() {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return !queue_.empty() || finished_ || aborted_; });
    if (aborted_) throw Error(ErrorKind::cancelled, "the input was abandoned");
    return !queue_.empty() && queue_.front().sample_start;
}

std::optional<MemoryInputs::Item> MemoryInputs::pop() {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return !queue_.empty() || finished_ || aborted_; });
    if (aborted_) throw Error(ErrorKind::cancelled, "the input was abandoned");
    if (queue_.empty()) return std::nullopt;
    Item item = std::move(queue_.front());
    queue_.pop_front();
    queued_bytes_ -= item.seq.size();
    changed_.notify_all();
    return item;
}

std::unique_ptr<RecordSource> MemoryInputs::open(size_t i, std::string& sample_name) {
    {
        std::lock_guard lock(mutex_);
        if (i != opened_) throw Error::internal("internal: memory inputs opened out of order");
    }
    // Records of the previous input not read (cannot happen: inputs are read whole) are skipped.
    while (!front_is_sample_start()) {
        if (!pop()) return nullptr;
    }
    auto start = pop();
    sample_name = start->name;
    std::lock_guard lock(mutex_);
    ++opened_;
    return std::make_unique<Reader>(*this, "sample " + sample_name);
}

}  // namespace agcflow
