#include "pipeline/session.h"

#include <algorithm>
#include <thread>

#include "io/thread_cache.h"
#include "pipeline/memory_budget.h"

namespace agcflow {

SessionState::SessionState(SessionLimits limits, ProgressFn progress, Operation::MessageFn message)
    : limits_(limits), callbacks_(std::make_shared<Callbacks>()) {
    callbacks_->progress = std::move(progress);
    callbacks_->message = std::move(message);
}

Operation::ProgressFn SessionState::progress_for(const std::string& name) const {
    if (!callbacks_->progress) return {};
    return [cb = callbacks_, name](const ProgressInfo& p) {
        std::shared_lock lock(cb->mutex);
        return !cb->open || cb->progress(name, p);
    };
}

Operation::MessageFn SessionState::message_fn() const {
    if (!callbacks_->message) return {};
    return [cb = callbacks_](Severity level, const std::string& text) {
        std::shared_lock lock(cb->mutex);
        if (cb->open) cb->message(level, text);
    };
}

void SessionState::close_callbacks() {
    std::unique_lock lock(callbacks_->mutex);
    callbacks_->open = false;
}

uint32_t SessionState::threads() const {
    if (limits_.threads) return limits_.threads;
    return std::max(1u, std::thread::hardware_concurrency() / 2);
}

uint64_t SessionState::memory_per_operation() const {
    const uint64_t total = limits_.max_memory ? limits_.max_memory : default_memory_budget();
    return limits_.max_operations > 1 ? std::max<uint64_t>(1, total / limits_.max_operations) : total;
}

void SessionState::cancel() {
    std::lock_guard lock(mutex_);
    for (Operation* op : running_) op->cancel();
}

uint32_t SessionState::running() const {
    std::lock_guard lock(mutex_);
    return static_cast<uint32_t>(running_.size());
}

void SessionState::enter(Operation& op) {
    std::unique_lock lock(mutex_);
    auto has_room = [&] { return limits_.max_operations == 0 || running_.size() < limits_.max_operations; };
    if (!has_room()) {
        if (!limits_.wait_when_busy)
            throw Error(ErrorKind::busy, "the session already runs " + std::to_string(running_.size()) +
                                             " operations, its limit");
        freed_.wait(lock, has_room);
    }
    running_.insert(&op);
}

void SessionState::leave(Operation& op) {
    {
        std::lock_guard lock(mutex_);
        running_.erase(&op);
    }
    freed_.notify_all();
}

SessionState::Scope::Scope(std::shared_ptr<SessionState> session, const std::string& name)
    : session_(std::move(session)), op_(name, session_->progress_for(name), session_->message_fn()) {
    session_->enter(op_);
}

SessionState::Scope::~Scope() { session_->leave(op_); }

}  // namespace agcflow

namespace agcflow {
Operation& Operation::none() {
    static ThreadCache<Operation> ops;
    return ops.get();
}
}  // namespace agcflow
