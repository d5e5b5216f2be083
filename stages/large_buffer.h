// A large, uninitialised array of trivially copyable values mapped straight from the OS, with
// transparent huge pages requested: for the multi-gigabyte scratch arrays of the reference
// k-mer phase, where zero-filling a std::vector and faulting in 4 KB pages cost more than the
// work itself. The memory is returned to the OS when the buffer goes.
#pragma once

#include <sys/mman.h>

#include <cstddef>
#include <new>
#include <type_traits>

namespace agcflow {

template <typename T>
class LargeBuffer {
    static_assert(std::is_trivially_copyable_v<T>);

public:
    LargeBuffer() = default;
    explicit LargeBuffer(size_t n) : size_(n) {
        if (n == 0) return;
        bytes_ = n * sizeof(T);
        void* p = mmap(nullptr, bytes_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED) throw std::bad_alloc();
        madvise(p, bytes_, MADV_HUGEPAGE);
        data_ = static_cast<T*>(p);
    }
    ~LargeBuffer() {
        if (data_) munmap(data_, bytes_);
    }
    LargeBuffer(const LargeBuffer&) = delete;
    LargeBuffer& operator=(const LargeBuffer&) = delete;

    T* data() { return data_; }
    const T* data() const { return data_; }
    size_t size() const { return size_; }
    T& operator[](size_t i) { return data_[i]; }
    const T& operator[](size_t i) const { return data_[i]; }

private:
    T* data_ = nullptr;
    size_t size_ = 0, bytes_ = 0;
};

}  // namespace agcflow
