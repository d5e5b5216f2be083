// How the parts of an archive are compressed: the zstd level of each kind of part (AGC's by
// default: the levels byte identity needs), whether zstd frames carry their checksum (create
// --checksums), and the preset (create --preset) the levels come from.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace agcflow {

// AGC's levels (the default, byte-identical archives), or one of agc-flow's presets: `fast`
// (low levels) and `max` (zstd's highest). Every preset writes a format-3 archive AGC reads;
// the archive records a preset other than `agc` in file_type_info under kPresetKey, and append
// keeps it.
enum class Preset { agc, fast, max };
inline constexpr const char* kPresetKey = "agcflow_preset";

struct CompressionProfile {
    int pack_level = 17;             // packs of LZ-diffs and raw segments
    int reference_plain_level = 19;  // a group's reference stored as bytes
    int reference_tuple_level = 13;  // a group's reference packed as tuples
    int samples_level = 19;          // collection-samples
    int contigs_level = 18;          // collection-contigs
    int details_level = 19;          // the five frames of collection-details
    bool frame_checksums = false;    // zstd's checksum in every frame
    // Not AGC's (max only; AGC reads the result): a reference is stored in whichever of its two
    // forms (plain bytes, tuples) compresses smaller, instead of by AGC's periodicity rule; and
    // the LZ-diff parse writes short far matches as literals (LzParse::no_short_detours).
    bool reference_smaller_form = false;
    bool lz_no_short_detours = false;
    Preset preset = Preset::agc;

    bool operator==(const CompressionProfile&) const = default;
};

// AGC 3.2.2's levels.
inline const CompressionProfile& agc_profile() {
    static const CompressionProfile p;
    return p;
}

// The levels of a preset (frame_checksums false).
CompressionProfile preset_profile(Preset preset);
// The pack cardinality (-b) a preset uses unless one is given: AGC's 50, and 500 for `max`, whose
// packs then hold up to ten times as many of a group's segments, so that zstd sees them in one
// frame (collections of more than 50 samples shrink by a fifth or more; extracting one sample
// decompresses a larger pack).
uint32_t preset_pack_cardinality(Preset preset);
const char* preset_name(Preset preset);
// "agc", "fast" or "max"; nullopt for anything else.
std::optional<Preset> parse_preset(std::string_view name);

}  // namespace agcflow
