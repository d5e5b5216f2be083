// Names of the segment-group streams (agc-archive-format.md §1.7, §9.1). Format 3.x: "x" + the
// group number in base 64, least significant digit first, + "r" or "d"; formats 1.x and 2.x:
// "seg-<decimal>-ref" and "seg-<decimal>-delta".
#pragma once

#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

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

// A group's stream, from its name; nullopt for any other stream.
// "x<b64>r" / "x<b64>d" (format 3.x) or "seg-<n>-ref" / "seg-<n>-delta" (format 2.x).
struct GroupStreamName {
    uint32_t group = 0;
    bool reference = false;
};

inline std::optional<GroupStreamName> parse_group_stream(const std::string& name) {
    static constexpr std::string_view kDigits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_#";
    if (name.size() >= 3 && name.size() <= 8 && name.front() == 'x' && (name.back() == 'r' || name.back() == 'd')) {
        uint64_t g = 0;
        for (size_t i = name.size() - 2; i >= 1; --i) {
            size_t d = kDigits.find(name[i]);
            if (d == std::string_view::npos) return std::nullopt;
            g = g * 64 + d;
        }
        if (g > UINT32_MAX) return std::nullopt;
        GroupStreamName r{static_cast<uint32_t>(g), name.back() == 'r'};
        // Only the canonical spelling (no superfluous high zero digits).
        if ((r.reference ? reference_stream_name(r.group) : delta_stream_name(r.group)) != name) return std::nullopt;
        return r;
    }
    for (const char* suffix : {"-ref", "-delta"}) {
        size_t sl = std::strlen(suffix);
        if (name.size() > 4 + sl && name.compare(0, 4, "seg-") == 0 &&
            name.compare(name.size() - sl, sl, suffix) == 0) {
            std::string num = name.substr(4, name.size() - 4 - sl);
            if (num.empty() || num.size() > 9 || num.find_first_not_of("0123456789") != std::string::npos)
                return std::nullopt;
            return GroupStreamName{static_cast<uint32_t>(std::stoul(num)), std::strcmp(suffix, "-ref") == 0};
        }
    }
    return std::nullopt;
}

}  // namespace agcflow
