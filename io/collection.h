// The v3 collection: which samples the archive holds, their contigs, and for every contig the
// list of segment descriptors (agc-archive-format.md §7). Encoding and decoding of the three
// collection streams: collection-samples, collection-contigs, collection-details.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "io/compression_profile.h"

namespace agcflow {

struct SegmentDesc {
    uint32_t group_id = 0;
    uint32_t in_group_id = 0;
    uint32_t raw_length = 0;  // bases, including the k-base overlap with the previous segment
    bool is_rev_comp = false;
    bool operator==(const SegmentDesc&) const = default;
};

struct ContigDesc {
    std::string name;  // the full FASTA header after '>', description included
    std::vector<SegmentDesc> segments;
};

struct SampleDesc {
    std::string name;
    std::vector<ContigDesc> contigs;
};


// ---- collection-samples (raw, before zstd) ----
std::vector<uint8_t> encode_sample_names(const std::vector<std::string>& names);
std::vector<std::string> decode_sample_names(std::span<const uint8_t> raw);

// ---- collection-contigs: one batch of samples (raw, before zstd) ----
// Contig names are delta-coded against the previous contig of the same sample.
std::vector<uint8_t> encode_contig_names(std::span<const SampleDesc> batch);
// Fills contigs[].name of each sample of `batch`; the batch size must match the stored one.
void decode_contig_names(std::span<const uint8_t> raw, std::span<SampleDesc> batch);

// ---- collection-details: one batch (the whole part payload, five zstd frames inside) ----
// `raw_length_prediction` is segment_size + k from the params stream.
std::vector<uint8_t> encode_segment_details(std::span<const SampleDesc> batch, uint32_t raw_length_prediction,
                                            const CompressionProfile& profile = agc_profile());
// Fills contigs[].segments of each sample; contig counts must agree with decode_contig_names.
void decode_segment_details(std::span<const uint8_t> payload, std::span<SampleDesc> batch,
                            uint32_t raw_length_prediction);

// The name-component codec on its own (exposed for tests).
std::string encode_contig_name(const std::vector<std::string>& prev_parts, const std::vector<std::string>& parts);
std::vector<std::string> split_name_components(const std::string& name);

}  // namespace agcflow
