// The integer encodings of the AGC v3 format (agc-archive-format.md §1):
//  - AV: archive varint of the footer and part metadata (length byte + big-endian bytes);
//  - CV: collection varint, a biased big-endian prefix code for 32-bit values;
//  - Z2: AGC's predictive zigzag mapping around a predicted value.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "io/error.h"

namespace agcflow {

using Bytes = std::vector<uint8_t>;

// A bounds-checked read cursor over a byte range. Every read past the end throws Error
// naming `what` (e.g. "collection-details part 0"), so a truncated structure never crashes.
class ByteReader {
public:
    ByteReader(std::span<const uint8_t> data, std::string what) : data_(data), what_(std::move(what)) {}

    bool at_end() const { return pos_ >= data_.size(); }
    size_t pos() const { return pos_; }
    size_t remaining() const { return data_.size() - pos_; }

    uint8_t byte() {
        need(1);
        return data_[pos_++];
    }
    std::span<const uint8_t> take(size_t n) {
        need(n);
        auto s = data_.subspan(pos_, n);
        pos_ += n;
        return s;
    }
    uint64_t av();              // archive varint
    uint32_t cv();              // collection varint
    std::string cstr();         // NUL-terminated string
    uint64_t u64le();
    uint32_t u32le();

    [[noreturn]] void fail(const std::string& why) const;

private:
    void need(size_t n) const {
        if (n > data_.size() - pos_) fail("unexpected end of data");
    }
    std::span<const uint8_t> data_;
    std::string what_;
    size_t pos_ = 0;
};

// ---- writers -------------------------------------------------------------------------------

inline void put_av(Bytes& out, uint64_t v) {
    int n = 0;
    for (uint64_t t = v; t; t >>= 8) ++n;
    out.push_back(static_cast<uint8_t>(n));
    for (int i = n - 1; i >= 0; --i) out.push_back(static_cast<uint8_t>(v >> (8 * i)));
}

// CV length classes: each class counts from 0 again (biased).
inline constexpr uint32_t kCv2Base = 128;
inline constexpr uint32_t kCv3Base = kCv2Base + (1u << 14);
inline constexpr uint32_t kCv4Base = kCv3Base + (1u << 21);
inline constexpr uint32_t kCv5Base = kCv4Base + (1u << 28);

inline void put_cv(Bytes& out, uint32_t v) {
    if (v < kCv2Base) {
        out.push_back(static_cast<uint8_t>(v));
    } else if (v < kCv3Base) {
        uint32_t x = v - kCv2Base;
        out.push_back(static_cast<uint8_t>(0x80 | (x >> 8)));
        out.push_back(static_cast<uint8_t>(x));
    } else if (v < kCv4Base) {
        uint32_t x = v - kCv3Base;
        out.push_back(static_cast<uint8_t>(0xC0 | (x >> 16)));
        out.push_back(static_cast<uint8_t>(x >> 8));
        out.push_back(static_cast<uint8_t>(x));
    } else if (v < kCv5Base) {
        uint32_t x = v - kCv4Base;
        out.push_back(static_cast<uint8_t>(0xE0 | (x >> 24)));
        out.push_back(static_cast<uint8_t>(x >> 16));
        out.push_back(static_cast<uint8_t>(x >> 8));
        out.push_back(static_cast<uint8_t>(x));
    } else {
        uint32_t x = v - kCv5Base;
        out.push_back(0xF0);
        out.push_back(static_cast<uint8_t>(x >> 24));
        out.push_back(static_cast<uint8_t>(x >> 16));
        out.push_back(static_cast<uint8_t>(x >> 8));
        out.push_back(static_cast<uint8_t>(x));
    }
}

inline void put_cstr(Bytes& out, const std::string& s) {
    out.insert(out.end(), s.begin(), s.end());
    out.push_back(0);
}

inline void put_u32le(Bytes& out, uint32_t v) {
    for (int i = 0; i < 4; ++i) out.push_back(static_cast<uint8_t>(v >> (8 * i)));
}
inline void put_u64le(Bytes& out, uint64_t v) {
    for (int i = 0; i < 8; ++i) out.push_back(static_cast<uint8_t>(v >> (8 * i)));
}

// ---- Z2: predictive zigzag ----------------------------------------------------------------

inline uint64_t z2_encode(uint64_t x, uint64_t p) {
    if (x < p) return 2 * (p - x) - 1;
    if (x < 2 * p) return 2 * (x - p);
    return x;
}

inline uint64_t z2_decode(uint64_t v, uint64_t p) {
    if (v >= 2 * p) return v;
    if (v & 1) return (2 * p - v) / 2;
    return (v + 2 * p) / 2;
}

}  // namespace agcflow
