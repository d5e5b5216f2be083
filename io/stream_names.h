// Names of the segment-group streams (agc-archive-format.md §1.7, §9.1). Format 3.x: "x" + the
// group number in base 64, least significant digit first, + "r" or "d"; formats 1.x and 2.x:
// "seg-<decimal>-ref" and "seg-<decimal>-delta".
#pragma once

#include <cstdint>
#include <string>

#include <fmt/format.h>

namespace agcflow {

inline std::string group_number_text(uint32_t g) {
    static constexpr char kDigits[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_#";
    std::string s;
    do {
        s.push_back(kDigits[g & 63]);
        g >>= 6;
    } while (g);
    return s;
}

// `version`: 1000 * major + minor of the archive's format.
inline std::string reference_stream_name(uint32_t group, uint32_t version = 3000) {
    return version < 3000 ? fmt::format("seg-{}-ref", group) : fmt::format("x{}r", group_number_text(group));
}
inline std::string delta_stream_name(uint32_t group, uint32_t version = 3000) {
    return version < 3000 ? fmt::format("seg-{}-delta", group) : fmt::format("x{}d", group_number_text(group));
}

}  // namespace agcflow
