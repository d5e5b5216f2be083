// Names of the segment-group streams in format 3.x (agc-archive-format.md §1.7, §9.1):
// "x" + the group number in base 64, least significant digit first, + "r" or "d".
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

inline std::string reference_stream_name(uint32_t group) { return fmt::format("x{}r", group_number_text(group)); }
inline std::string delta_stream_name(uint32_t group) { return fmt::format("x{}d", group_number_text(group)); }

}  // namespace agcflow
