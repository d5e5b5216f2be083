// One running operation (a create, an append, an extraction, ...): what it reports to and what
// stops it. Long loops call check() at points where stopping is safe; nothing is committed to an
// output after a cancellation, so a cancelled operation leaves no output file.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>

#include "io/error.h"

namespace agcflow {

struct ProgressInfo {
    uint64_t done = 0;   // units done: samples (create, append), contigs (extraction), bytes (protect)
    uint64_t total = 0;  // units in all, 0 when not known in advance
    uint64_t bases = 0;  // bases (or bytes) processed so far
};

enum class Severity { warning = 0, note = 1, detail = 2 };

class Operation {
public:
    // Returns false to cancel the operation.
    using ProgressFn = std::function<bool(const ProgressInfo&)>;
    using MessageFn = std::function<void(Severity, const std::string&)>;

    explicit Operation(std::string name = "operation", ProgressFn progress = {}, MessageFn message = {})
        : name_(std::move(name)), progress_(std::move(progress)), message_(std::move(message)) {}
    Operation(const Operation&) = delete;
    Operation& operator=(const Operation&) = delete;

    const std::string& name() const { return name_; }

    void cancel() { cancelled_.store(true, std::memory_order_relaxed); }
    bool cancelled() const { return cancelled_.load(std::memory_order_relaxed); }
    // Throws Error(cancelled) once the operation was cancelled.
    void check() const {
        if (cancelled()) throw Error(ErrorKind::cancelled, name_ + " cancelled");
    }

    // Reports progress (the callback may cancel), then checks for cancellation.
    void progress(const ProgressInfo& p) {
        if (progress_ && !progress_(p)) cancel();
        check();
    }
    bool wants_progress() const { return static_cast<bool>(progress_); }

    void message(Severity level, const std::string& text) const {
        if (message_) message_(level, text);
    }
    void warn(const std::string& text) const { message(Severity::warning, text); }
    bool wants_messages() const { return static_cast<bool>(message_); }

    // An operation nobody watches or cancels.
    static Operation& none();

private:
    std::string name_;
    ProgressFn progress_;
    MessageFn message_;
    std::atomic<bool> cancelled_{false};
};

}  // namespace agcflow
