#include "pipeline/session.h"

#include <algorithm>
#include <thread>

#include "pipeline/memory_budget.h"

namespace agcflow {

SessionState::SessionState(SessionLimits limits, ProgressFn progress, Operation::MessageFn message)
    : limits_(limits), progress_(std::move(progress)), message_(std::move(message)) {}

Operation::ProgressFn SessionState::progress_for(const std::string& name) const {
    if (!progress_) return {};
    return [fn = progress_, name](const ProgressInfo& p) { return fn(name, p); };
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

void SessionState::wait_idle() {
    std::unique_lock lock(mutex_);
    freed_.wait(lock, [&] { return running_.empty(); });
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
    : session_(std::move(session)), op_(name, session_->progress_for(name), session_->message_) {
    session_->enter(op_);
}

SessionState::Scope::~Scope() { session_->leave(op_); }

}  // namespace agcflow
