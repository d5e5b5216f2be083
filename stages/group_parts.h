// The parts a segment group is stored in (agc-archive-format.md §9): the reference part of an
// LZ group (stored, plain zstd, or tuple-packed zstd) and packs of entries separated by 0xFF.
// Both directions: create builds parts with these functions, extraction reads them.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "io/compression_profile.h"
#include "io/zstd_codec.h"
#include "stages/nucleotide.h"

namespace agcflow {

inline constexpr uint8_t kPackSeparator = 0xFF;
inline constexpr uint8_t kRawGroupPlaceholder = 0x7F;
inline constexpr uint32_t kNumRawGroups = 16;

// A part ready for the archive: its payload and its metadata varint value.
struct EncodedPart {
    std::vector<uint8_t> payload;
    uint64_t metadata = 0;
};

// Whether a reference segment is stored as plain bytes rather than tuples: for some lag in
// 4..31, at least half of its ACGT positions j (j + lag inside it) equal the base at j + lag.
bool is_periodic(std::span<const uint8_t> codes);

// The fraction of a sequence's positions at which a 24-mer (all ACGT) ends that occurred earlier
// in it. --preset max tries both forms of a reference only when it reaches kRepeatsForBothForms:
// plain bytes beat tuples (by up to 70% on human LPA) only where repeats lie at any offset,
// which tuples of 4 bases split; below it (the usual, and every reference of the 260 MB
// synthetic collection, where plain bytes never won) AGC's rule is kept, and the second zstd at
// level 22 (which doubled max's time there) is saved.
// Only the first kRepeatScanBases bases are looked at (a table of 16 MB at most; a reference
// that long is a rare contig without splitters, whose level-22 zstd takes far more).
inline constexpr double kRepeatsForBothForms = 0.01;
inline constexpr size_t kRepeatScanBases = size_t(1) << 20;
double repeated_kmer_fraction(std::span<const uint8_t> codes);

// ---- tuple packing of a reference: several small codes per byte ----
std::vector<uint8_t> pack_tuples(std::span<const uint8_t> codes);
// Throws Error naming `what` when the stream is malformed.
Codes unpack_tuples(std::span<const uint8_t> tuples, const std::string& what);

// ---- the reference part of an LZ group ----
// AGC's choice: a periodicity test picks tuples+zstd(13) or zstd(19); stored raw when not smaller.
// With profile.reference_smaller_form (--preset max), both forms are made and the smaller kept
// when the sequence has repeats (repeated_kmer_fraction >= kRepeatsForBothForms).
EncodedPart encode_reference_part(std::span<const uint8_t> codes, const CompressionProfile& profile = agc_profile());
// (`limit`: the most the decompressed part may take, see zstd_decompress_frame)
Codes decode_reference_part(uint64_t metadata, std::span<const uint8_t> payload, const std::string& what,
                            uint64_t limit = decompression_limit());

// ---- packs (delta or raw) ----
// Entries each followed by 0xFF, zstd(17) + a 0x00 marker, or stored when that is not smaller.
EncodedPart encode_pack(const std::vector<std::vector<uint8_t>>& entries, const CompressionProfile& profile = agc_profile());
// The pack's raw bytes (entries with separators).
std::vector<uint8_t> decode_pack(uint64_t metadata, std::span<const uint8_t> payload, const std::string& what,
                                 uint64_t limit = decompression_limit());
// Entry `slot` of a decoded pack; Error naming `what` if the pack has no such entry.
std::span<const uint8_t> pack_entry(std::span<const uint8_t> pack, uint32_t slot, const std::string& what);

}  // namespace agcflow
