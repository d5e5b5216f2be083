// create --trace FILE: every task of the create graph (node, sample, group, start, end, thread,
// bytes) as Chrome trace-event JSON (opens in Perfetto and chrome://tracing), which
// bench/scaling-model replays on simulated cores. Off (the default), a span costs one branch.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace agcflow {

class Trace {
public:
    struct Event {
        const char* node;
        int64_t sample;  // batch sequence (-1: none)
        int64_t group;   // group id (-1: none)
        uint64_t bytes;
        int64_t start_ns, end_ns;
        uint32_t thread;
    };

    // Off for an empty path; else the file is created now (Error "cannot write the trace ..."
    // before any work when it cannot be) and written by write().
    explicit Trace(const std::filesystem::path& path);
    bool enabled() const { return enabled_; }
    int64_t now_ns() const {
        return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - origin_).count();
    }
    void add(const Event& e);
    // The JSON, events ordered by start; `meta` goes into "otherData".
    void write(const std::vector<std::pair<std::string, std::string>>& meta);

    // A task: recorded from construction to destruction (when the trace is on).
    class Span {
    public:
        Span(Trace* t, const char* node, int64_t sample = -1, int64_t group = -1, uint64_t bytes = 0)
            : t_(t && t->enabled() ? t : nullptr), node_(node), sample_(sample), group_(group), bytes_(bytes),
              start_(t_ ? t_->now_ns() : 0) {}
        ~Span() {
            if (t_) t_->add({node_, sample_, group_, bytes_, start_, t_->now_ns(), 0});
        }
        void set_bytes(uint64_t b) { bytes_ = b; }
        Span(const Span&) = delete;
        Span& operator=(const Span&) = delete;

    private:
        Trace* t_;
        const char* node_;
        int64_t sample_, group_;
        uint64_t bytes_;
        int64_t start_;
    };

private:
    bool enabled_;
    std::filesystem::path path_;
    std::ofstream out_;
    std::chrono::steady_clock::time_point origin_;
    mutable std::mutex mutex_;
    std::vector<Event> events_;
};

}  // namespace agcflow
