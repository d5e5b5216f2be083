// SHA-256 through Nettle (the whole-file hash of protect's sidecars).
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>

namespace agcflow {

class Sha256 {
public:
    Sha256();
    ~Sha256();
    Sha256(const Sha256&) = delete;
    Sha256& operator=(const Sha256&) = delete;

    void update(std::span<const uint8_t> bytes);
    std::array<uint8_t, 32> finish();

private:
    void* ctx_;
};

std::string to_hex(std::span<const uint8_t> bytes);

}  // namespace agcflow
