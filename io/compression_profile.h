// How the parts of an archive are compressed: the zstd level of each kind of part (AGC's by
// default: the levels byte identity needs) and whether zstd frames carry their checksum
// (create --checksums).
#pragma once

namespace agcflow {

struct CompressionProfile {
    int pack_level = 17;             // packs of LZ-diffs and raw segments
    int reference_plain_level = 19;  // a group's reference stored as bytes
    int reference_tuple_level = 13;  // a group's reference packed as tuples
    int samples_level = 19;          // collection-samples
    int contigs_level = 18;          // collection-contigs
    int details_level = 19;          // the five frames of collection-details
    bool frame_checksums = false;    // zstd's checksum in every frame

    bool operator==(const CompressionProfile&) const = default;
};

// AGC 3.2.2's levels.
inline const CompressionProfile& agc_profile() {
    static const CompressionProfile p;
    return p;
}

}  // namespace agcflow
