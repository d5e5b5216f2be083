// A library session: the limits every operation made through it runs under (threads, memory,
// how many operations at once), its progress and message callbacks, and cancellation of what
// runs.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <set>
#include <shared_mutex>
#include <string>

#include "pipeline/operation.h"

namespace agcflow {

struct SessionLimits {
    uint32_t threads = 0;         // per operation; 0: half the hardware threads
    uint64_t max_memory = 0;      // bytes; 0: half the physical memory
    uint32_t max_operations = 0;  // at once; 0: no limit
    bool wait_when_busy = true;   // past the limit: wait, or fail with ErrorKind::busy
};

class SessionState : public std::enable_shared_from_this<SessionState> {
public:
    // Progress of the operation named first; false cancels it.
    using ProgressFn = std::function<bool(const std::string& operation, const ProgressInfo&)>;

    SessionState(SessionLimits limits, ProgressFn progress, Operation::MessageFn message);

    const SessionLimits& limits() const { return limits_; }
    uint32_t threads() const;      // resolved: never 0
    uint64_t memory_per_operation() const;  // resolved: never 0

    void cancel();
    // The caller's callbacks are not called any more once this returns (it waits for those
    // being called): what a destroyed session's handles still do runs without them.
    void close_callbacks();
    uint32_t running() const;

    // An operation of this session: holds a place under the concurrency limit (waiting for one,
    // or Error(busy)) and can be cancelled through the session while it lives.
    class Scope {
    public:
        Scope(std::shared_ptr<SessionState> session, const std::string& name);
        ~Scope();
        Scope(const Scope&) = delete;
        Scope& operator=(const Scope&) = delete;
        Operation& op() { return op_; }

    private:
        std::shared_ptr<SessionState> session_;
        Operation op_;
    };

private:
    void enter(Operation& op);
    void leave(Operation& op);

    Operation::ProgressFn progress_for(const std::string& name) const;
    Operation::MessageFn message_fn() const;

    // The caller's callbacks, called under a shared lock until closed.
    struct Callbacks {
        std::shared_mutex mutex;
        bool open = true;
        ProgressFn progress;
        Operation::MessageFn message;
    };

    SessionLimits limits_;
    std::shared_ptr<Callbacks> callbacks_;
    mutable std::mutex mutex_;
    std::condition_variable freed_;
    std::set<Operation*> running_;
};

}  // namespace agcflow
