#include "stages/raptorq_block.h"

#include <limits.h>
#include <pthread.h>

#include <atomic>
#include <cstring>
#include <exception>
#include <mutex>
#include <string>
#include <vector>

#include "io/error.h"

#ifdef AGCFLOW_HAVE_LCRQ
extern "C" {
#include <lcrq.h>
}
#undef CEIL
#undef FLOOR
#endif

namespace agcflow {

namespace {

constexpr uint64_t kMaxEsi = 0xffffff;  // ESIs are 24 bits (RFC 6330 3.2)

void check_envelope(uint32_t K, uint32_t T) {
    if (T < 4 || T > kRqMaxSymbolSize || T % 4 != 0 || K < 1 || K > kRqMaxBlockSymbols)
        throw Error::internal("internal: RaptorQ block of " + std::to_string(K) + " symbols of " + std::to_string(T) +
                              " bytes is outside liblcrq's envelope");
}

#ifdef AGCFLOW_HAVE_LCRQ
struct Context {
    rq_t* rq;
    Context(uint32_t K, uint32_t T) : rq(rq_init(uint64_t(K) * T, static_cast<uint16_t>(T))) {
        if (!rq) throw std::bad_alloc();
        // One source block, the number of symbols asked for: what the envelope needs.
        if (rq_Z(rq) != 1 || rq_K(rq) != K || rq_N(rq) != 1 || rq_T(rq) != T) {
            rq_free(rq);
            throw Error::internal("internal: liblcrq split a block of " + std::to_string(K) + " symbols");
        }
    }
    ~Context() { rq_free(rq); }
};

rq_pid_t pid_for(uint32_t esi) {
    rq_pid_t pid = 0;
    pid = rq_pidsetesi(pid, esi);  // (the macro has no outer parentheses)
    return pid;
}
#endif

#ifndef AGCFLOW_HAVE_LCRQ
[[noreturn]] void unavailable() {
    throw Error(ErrorKind::unsupported, "this agc-flow was built without RaptorQ (liblcrq was not found)");
}
#endif

}  // namespace

bool raptorq_available() {
#ifdef AGCFLOW_HAVE_LCRQ
    return true;
#else
    return false;
#endif
}

uint64_t rq_encode_stack(uint32_t K, uint32_t T) { return uint64_t(K) * T + (uint64_t(4) << 20); }

void rq_encode_block(std::span<const uint8_t> source, uint32_t K, uint32_t T, uint32_t repair, uint8_t* out) {
    check_envelope(K, T);
    if (source.size() != uint64_t(K) * T) throw Error::internal("internal: RaptorQ block of the wrong size");
    if (uint64_t(K) + repair > kMaxEsi) throw Error::internal("internal: too many RaptorQ repair symbols");
#ifdef AGCFLOW_HAVE_LCRQ
    Context c(K, T);
    // (rq_encode reads the block through a non-const pointer but does not change it)
    if (rq_encode(c.rq, const_cast<uint8_t*>(source.data()), source.size()) != 0)
        throw Error::internal("internal: liblcrq could not encode a block");
    for (uint32_t r = 0; r < repair; ++r) {
        rq_pid_t pid = pid_for(K + r);
        rq_symbol(c.rq, &pid, out + uint64_t(r) * T, 0);
    }
#else
    (void)out;
    unavailable();
#endif
}

bool rq_decode_block(uint32_t K, uint32_t T, std::span<const uint32_t> esis, std::span<const uint8_t> symbols,
                     uint8_t* out) {
    check_envelope(K, T);
    if (esis.size() < K) return false;  // (liblcrq would read past its matrix)
    if (symbols.size() != esis.size() * uint64_t(T)) throw Error::internal("internal: RaptorQ symbols of the wrong size");
    for (uint32_t e : esis)
        if (e > kMaxEsi) throw Error::internal("internal: RaptorQ symbol id out of range");
#ifdef AGCFLOW_HAVE_LCRQ
    Context c(K, T);
    std::vector<uint32_t> ids(esis.begin(), esis.end());
    return rq_decode(c.rq, out, const_cast<uint8_t*>(symbols.data()), ids.data(), static_cast<uint32_t>(ids.size())) == 0;
#else
    (void)out;
    unavailable();
#endif
}

void run_on_big_stacks(unsigned threads, uint64_t stack_bytes, size_t jobs, const std::function<void(size_t)>& job) {
    struct Shared {
        const std::function<void(size_t)>* job;
        size_t jobs;
        std::atomic<size_t> next{0};
        std::mutex mutex;
        std::exception_ptr error;
    } shared;
    shared.job = &job;
    shared.jobs = jobs;
    auto body = [](void* arg) -> void* {
        auto* s = static_cast<Shared*>(arg);
        for (size_t i; (i = s->next++) < s->jobs;) {
            try {
                (*s->job)(i);
            } catch (...) {
                std::lock_guard lock(s->mutex);
                if (!s->error) s->error = std::current_exception();
                s->next = s->jobs;  // no more jobs started
            }
        }
        return nullptr;
    };
    threads = static_cast<unsigned>(std::min<size_t>(std::max(1u, threads), std::max<size_t>(1, jobs)));
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, static_cast<size_t>(std::max<uint64_t>(stack_bytes, PTHREAD_STACK_MIN)));
    std::vector<pthread_t> started;
    for (unsigned t = 0; t < threads; ++t) {
        pthread_t id;
        if (pthread_create(&id, &attr, body, &shared) != 0) break;
        started.push_back(id);
    }
    pthread_attr_destroy(&attr);
    if (started.empty()) {
        shared.next = jobs;
        throw Error(ErrorKind::no_memory, "out of memory: cannot start a thread with a stack of " +
                                              std::to_string(stack_bytes >> 20) + " MiB");
    }
    for (pthread_t id : started) pthread_join(id, nullptr);
    if (shared.error) std::rethrow_exception(shared.error);
}

}  // namespace agcflow
