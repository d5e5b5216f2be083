// A rolling canonical k-mer as AGC keeps it (agc-archive-format.md §6): 2 bits per base
// (A=0 C=1 G=2 T=3), left-aligned in 64 bits (first base in bits 63..62), with the reverse
// complement kept left-aligned too; canonical = the smaller value. Codes > 3 reset it.
#pragma once

#include <cstdint>
#include <span>

namespace agcflow {

// The 64-bit MurmurHash3 finaliser AGC uses for its hash tables and k-mer sampling.
inline uint64_t murmur64(uint64_t h) {
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdull;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ull;
    h ^= h >> 33;
    return h;
}

// Fibonacci hashing: the top 64 - shift bits of x times 2^64 / phi, a table index from one
// multiply (every bit of x reaches the top through the product).
inline uint64_t fibonacci_slot(uint64_t x, uint32_t shift) { return (x * 0x9E3779B97F4A7C15ull) >> shift; }

// The reverse complement of a k-mer kept left-aligned as RollingKmer keeps it.
inline uint64_t reverse_complement_kmer(uint64_t kmer, uint32_t k) {
    uint64_t x = ~kmer;  // complement: code c becomes 3 - c
    x = ((x >> 2) & 0x3333333333333333ull) | ((x & 0x3333333333333333ull) << 2);  // reverse the
    x = ((x >> 4) & 0x0F0F0F0F0F0F0F0Full) | ((x & 0x0F0F0F0F0F0F0F0Full) << 4);  // 2-bit groups
    x = __builtin_bswap64(x);
    return k == 32 ? x : x << (64 - 2 * k);  // the k-mer was on top, so it is now at the bottom
}

class RollingKmer {
public:
    explicit RollingKmer(uint32_t k)
        : k_(k), shift_(64 - 2 * k), mask_(k == 32 ? ~0ull : ~0ull << (64 - 2 * k)) {}

    void reset() { size_ = 0, fwd_ = 0, rc_ = 0; }
    void push(uint8_t code) {
        // The oldest base leaves the forward k-mer at the top by itself; bits below the k-mer
        // stay zero.
        fwd_ = fwd_ << 2 | (uint64_t(code) << shift_);
        // The complement of the new base enters the reverse complement at the front.
        rc_ = (rc_ >> 2 | (uint64_t(3 - code) << 62)) & mask_;
        size_ += size_ < k_;
    }
    // push() for a k-mer already full (nothing to count).
    void push_full(uint8_t code) {
        fwd_ = fwd_ << 2 | (uint64_t(code) << shift_);
        rc_ = (rc_ >> 2 | (uint64_t(3 - code) << 62)) & mask_;
    }
    bool full() const { return size_ == k_; }
    uint64_t forward() const { return fwd_; }
    uint64_t reverse() const { return rc_; }
    uint64_t canonical() const { return fwd_ < rc_ ? fwd_ : rc_; }

private:
    uint32_t k_;
    uint32_t shift_;
    uint64_t mask_;
    uint32_t size_ = 0;
    uint64_t fwd_ = 0, rc_ = 0;
};

// Calls fn(kmer) for every position where a full k-mer of A/C/G/T ends; any other code
// starts the k-mer afresh.
template <typename Fn>
void for_each_kmer(std::span<const uint8_t> seq, uint32_t k, Fn&& fn) {
    RollingKmer km(k);
    for (uint8_t x : seq) {
        if (x > 3) {
            km.reset();
            continue;
        }
        km.push(x);
        if (km.full()) fn(km);
    }
}

}  // namespace agcflow
