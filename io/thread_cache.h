// One object per thread, made on first use and freed when the thread ends: thread_local's
// job, without its cost under memory pressure — glibc registers a thread_local's destructor
// with a small allocation of its own and aborts the process when that allocation fails. A
// pthread key (among the first 32 keys, whose slots every thread has) needs none: running out
// of memory here is std::bad_alloc, like anywhere else.
#pragma once

#include <pthread.h>

#include <new>

namespace agcflow {

template <typename T>
class ThreadCache {
public:
    ThreadCache() {
        if (pthread_key_create(&key_, [](void* p) { delete static_cast<T*>(p); }) != 0) throw std::bad_alloc();
    }
    ThreadCache(const ThreadCache&) = delete;
    ThreadCache& operator=(const ThreadCache&) = delete;

    T& get() {
        if (void* p = pthread_getspecific(key_)) return *static_cast<T*>(p);
        T* made = new T();
        if (pthread_setspecific(key_, made) != 0) {
            delete made;
            throw std::bad_alloc();
        }
        return *made;
    }

private:
    pthread_key_t key_{};
};

}  // namespace agcflow
