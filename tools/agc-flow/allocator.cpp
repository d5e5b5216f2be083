// The program allocates with mimalloc (linked in; see main.cpp for its options). Its own
// operator new aborts the process when memory runs out (it is C, and cannot throw): these
// replacements take mimalloc's memory and throw std::bad_alloc instead, which ends as one line,
// "out of memory", and exit status 1.
#ifndef AGCFLOW_NO_MIMALLOC
#include <mimalloc.h>

#include <cstddef>
#include <new>

namespace {
void* allocate(std::size_t n) {
    if (void* p = mi_malloc(n ? n : 1)) return p;
    throw std::bad_alloc();
}
void* allocate(std::size_t n, std::align_val_t a) {
    if (void* p = mi_malloc_aligned(n ? n : 1, static_cast<std::size_t>(a))) return p;
    throw std::bad_alloc();
}
}  // namespace

void* operator new(std::size_t n) { return allocate(n); }
void* operator new[](std::size_t n) { return allocate(n); }
void* operator new(std::size_t n, std::align_val_t a) { return allocate(n, a); }
void* operator new[](std::size_t n, std::align_val_t a) { return allocate(n, a); }
void* operator new(std::size_t n, const std::nothrow_t&) noexcept { return mi_malloc(n ? n : 1); }
void* operator new[](std::size_t n, const std::nothrow_t&) noexcept { return mi_malloc(n ? n : 1); }
void* operator new(std::size_t n, std::align_val_t a, const std::nothrow_t&) noexcept {
    return mi_malloc_aligned(n ? n : 1, static_cast<std::size_t>(a));
}
void* operator new[](std::size_t n, std::align_val_t a, const std::nothrow_t&) noexcept {
    return mi_malloc_aligned(n ? n : 1, static_cast<std::size_t>(a));
}
void operator delete(void* p) noexcept { mi_free(p); }
void operator delete[](void* p) noexcept { mi_free(p); }
void operator delete(void* p, std::size_t) noexcept { mi_free(p); }
void operator delete[](void* p, std::size_t) noexcept { mi_free(p); }
void operator delete(void* p, std::align_val_t) noexcept { mi_free(p); }
void operator delete[](void* p, std::align_val_t) noexcept { mi_free(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { mi_free(p); }
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { mi_free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { mi_free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { mi_free(p); }
#endif  // AGCFLOW_NO_MIMALLOC
