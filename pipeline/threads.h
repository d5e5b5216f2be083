// How many threads a pipeline's oneTBB arena gets for a -t value.
#pragma once

#include <algorithm>
#include <cstdint>
#include <thread>

namespace agcflow {

// -t, but no more than the machine's hardware threads (oneTBB cannot use more and warns on
// stderr when asked to); never less than 1. Results never depend on this number.
inline int arena_threads(uint32_t requested) {
    const uint32_t hw = std::max(1u, std::thread::hardware_concurrency());
    return static_cast<int>(std::clamp(requested, 1u, hw));
}

}  // namespace agcflow
