// A rolling canonical k-mer as AGC keeps it (agc-archive-format.md §6): 2 bits per base
// (A=0 C=1 G=2 T=3), left-aligned in 64 bits (first base in bits 63..62), with the reverse
// complement kept left-aligned too; canonical = the smaller value. Codes > 3 reset it.
#pragma once

#include <cstdint>

namespace agcflow {

class RollingKmer {
public:
    explicit RollingKmer(uint32_t k)
        : k_(k), mask_(k == 32 ? ~0ull : ~0ull << (64 - 2 * k)) {}

    void reset() { size_ = 0, fwd_ = 0, rc_ = 0; }
    void push(uint8_t code) {
        fwd_ = (fwd_ << 2 | (uint64_t(code) << (64 - 2 * k_))) & mask_;
        // The complement of the new base enters the reverse complement at the front.
        rc_ = (rc_ >> 2 | (uint64_t(3 - code) << 62)) & mask_;
        if (size_ < k_) ++size_;
    }
    bool full() const { return size_ == k_; }
    uint64_t forward() const { return fwd_; }
    uint64_t reverse() const { return rc_; }
    uint64_t canonical() const { return fwd_ < rc_ ? fwd_ : rc_; }

private:
    uint32_t k_;
    uint64_t mask_;
    uint32_t size_ = 0;
    uint64_t fwd_ = 0, rc_ = 0;
};

}  // namespace agcflow
