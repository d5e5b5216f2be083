#include "io/varint.h"

namespace agcflow {

void ByteReader::fail(const std::string& why) const {
    throw Error::corrupt("corrupt archive: " + what_ + ": " + why + " at byte " + std::to_string(pos_));
}

uint64_t ByteReader::av() {
    uint8_t n = byte();
    if (n > 8) fail("bad integer length " + std::to_string(n));
    uint64_t v = 0;
    for (uint8_t i = 0; i < n; ++i) v = (v << 8) | byte();
    return v;
}

uint32_t ByteReader::cv() {
    uint8_t b0 = byte();
    if ((b0 & 0x80) == 0) return b0;
    if ((b0 & 0xC0) == 0x80) {
        uint32_t x = (uint32_t(b0 & 0x3F) << 8) | byte();
        return x + kCv2Base;
    }
    if ((b0 & 0xE0) == 0xC0) {
        uint32_t x = uint32_t(b0 & 0x1F) << 16;
        x |= uint32_t(byte()) << 8;
        x |= byte();
        return x + kCv3Base;
    }
    if ((b0 & 0xF0) == 0xE0) {
        uint32_t x = uint32_t(b0 & 0x0F) << 24;
        x |= uint32_t(byte()) << 16;
        x |= uint32_t(byte()) << 8;
        x |= byte();
        return x + kCv4Base;
    }
    uint32_t x = 0;
    for (int i = 0; i < 4; ++i) x = (x << 8) | byte();
    return x + kCv5Base;  // wraps modulo 2^32, as the format defines
}

std::string ByteReader::cstr() {
    size_t start = pos_;
    while (true) {
        if (pos_ >= data_.size()) fail("unterminated string");
        if (data_[pos_] == 0) break;
        ++pos_;
    }
    std::string s(reinterpret_cast<const char*>(data_.data() + start), pos_ - start);
    ++pos_;
    return s;
}

uint64_t ByteReader::u64le() {
    auto s = take(8);
    uint64_t v = 0;
    for (int i = 7; i >= 0; --i) v = (v << 8) | s[i];
    return v;
}

uint32_t ByteReader::u32le() {
    auto s = take(4);
    uint32_t v = 0;
    for (int i = 3; i >= 0; --i) v = (v << 8) | s[i];
    return v;
}

}  // namespace agcflow
