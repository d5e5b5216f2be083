#include "io/collection_legacy.h"

#include "io/varint.h"

namespace agcflow {

namespace {

// A count read from the data, checked against what is left of it (each item takes a byte at
// least), so that a corrupt count cannot make a huge allocation.
uint32_t count(ByteReader& r, const char* what) {
    const uint32_t n = r.cv();
    if (n > r.remaining()) r.fail(std::string(what) + " count larger than the data");
    return n;
}

std::vector<StoredCommand> read_command_lines(ByteReader& r) {
    std::vector<StoredCommand> lines(count(r, "command-line"));
    for (auto& c : lines) {
        c.command = r.cstr();
        c.date = r.cstr();
    }
    return lines;
}

}  // namespace

LegacyCollection decode_collection_v1(std::span<const uint8_t> raw) {
    ByteReader r(raw, "collection-desc");
    LegacyCollection col;
    col.samples.resize(count(r, "sample"));
    for (auto& s : col.samples) {
        s.name = r.cstr();
        s.contigs.resize(count(r, "contig"));
        for (auto& c : s.contigs) {
            c.name = r.cstr();
            c.segments.resize(count(r, "segment"));
            // Each field is a zigzag delta to the previous segment of the same contig.
            int64_t group = 0, id = 0, length = 0;
            for (auto& d : c.segments) {
                group = static_cast<uint32_t>(group + z1_decode(r.cv()));
                id = static_cast<uint32_t>(id + z1_decode(r.cv()));
                length = static_cast<uint32_t>(length + z1_decode(r.cv()));
                d.group_id = static_cast<uint32_t>(group);
                d.in_group_id = static_cast<uint32_t>(id);
                d.raw_length = static_cast<uint32_t>(length);
                d.is_rev_comp = r.cv() != 0;
            }
        }
    }
    col.command_lines = read_command_lines(r);
    if (!r.at_end()) r.fail("trailing bytes");
    return col;
}

LegacyCollection decode_collection_v2_main(std::span<const uint8_t> raw) {
    ByteReader r(raw, "collection-main");
    LegacyCollection col;
    col.details_batch = r.cv();
    if (col.details_batch == 0) r.fail("details batch size 0");
    col.samples.resize(count(r, "sample"));
    col.segment_counts.resize(col.samples.size());
    for (size_t i = 0; i < col.samples.size(); ++i) {
        SampleDesc& s = col.samples[i];
        s.name = r.cstr();
        s.contigs.resize(count(r, "contig"));
        col.segment_counts[i].reserve(s.contigs.size());
        for (auto& c : s.contigs) {
            c.name = r.cstr();
            col.segment_counts[i].push_back(r.cv());  // checked against the details part later
        }
    }
    col.command_lines = read_command_lines(r);
    if (!r.at_end()) r.fail("trailing bytes");
    return col;
}

void decode_collection_v2_details(std::span<const uint8_t> raw, std::span<SampleDesc> batch,
                                  std::span<const std::vector<uint32_t>> counts) {
    ByteReader r(raw, "collection-details");
    // Every segment takes at least four bytes here: the counts are checked before anything is
    // allocated for them.
    uint64_t total = 0;
    for (const auto& sample : counts)
        for (uint32_t n : sample) total += n;
    if (total > raw.size() / 4) r.fail("more segments in collection-main than the details part holds");
    for (size_t i = 0; i < batch.size(); ++i)
        for (size_t j = 0; j < batch[i].contigs.size(); ++j) batch[i].contigs[j].segments.assign(counts[i][j], {});
    // Four sequences over all segments of the batch: group ids, in-group ids, raw lengths, and
    // orientations; the first three predicted from the previous segment of the same contig.
    for (int field = 0; field < 4; ++field)
        for (auto& s : batch)
            for (auto& c : s.contigs) {
                uint64_t prev = 0;
                for (auto& d : c.segments) {
                    const uint32_t v = r.cv();
                    if (field == 3) {
                        d.is_rev_comp = v != 0;
                        continue;
                    }
                    const auto x = static_cast<uint32_t>(z2_decode(v, prev));
                    prev = x;
                    (field == 0 ? d.group_id : field == 1 ? d.in_group_id : d.raw_length) = x;
                }
            }
    if (!r.at_end()) r.fail("trailing bytes");
}

}  // namespace agcflow
