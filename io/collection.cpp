#include "io/collection.h"

#include <array>
#include <unordered_map>

#include "io/error.h"
#include "io/varint.h"
#include "io/zstd_codec.h"

namespace agcflow {

namespace {

constexpr char kSameComponent = static_cast<char>(0x81);  // signed -127
constexpr int kMaxRun = 100;

// The last in-group id seen per group within one batch (-1 = none yet); see §7.6.
class InGroupPredictor {
public:
    int64_t prev(uint32_t group) const {
        auto it = last_.find(group);
        return it == last_.end() ? -1 : it->second;
    }
    void update(uint32_t group, uint32_t id) {
        int64_t p = prev(group);
        if (static_cast<int64_t>(id) > p && id > 0) last_[group] = id;
    }

private:
    std::unordered_map<uint32_t, int64_t> last_;
};

}  // namespace

std::vector<uint8_t> encode_sample_names(const std::vector<std::string>& names) {
    std::vector<uint8_t> out;
    put_cv(out, static_cast<uint32_t>(names.size()));
    for (auto& n : names) put_cstr(out, n);
    return out;
}

std::vector<std::string> decode_sample_names(std::span<const uint8_t> raw) {
    ByteReader r(raw, "collection-samples");
    uint32_t n = r.cv();
    if (n > raw.size()) r.fail("sample count larger than the data");
    std::vector<std::string> names;
    names.reserve(n);
    for (uint32_t i = 0; i < n; ++i) names.push_back(r.cstr());
    return names;
}

std::vector<std::string> split_name_components(const std::string& name) {
    std::vector<std::string> parts;
    size_t start = 0;
    while (true) {
        size_t sp = name.find(' ', start);
        if (sp == std::string::npos) {
            parts.push_back(name.substr(start));
            break;
        }
        parts.push_back(name.substr(start, sp - start));
        start = sp + 1;
    }
    return parts;
}

std::string encode_contig_name(const std::vector<std::string>& prev_parts, const std::vector<std::string>& parts) {
    std::string enc;
    for (size_t i = 0; i < parts.size(); ++i) {
        const std::string& p = prev_parts[i];
        const std::string& c = parts[i];
        if (p == c) {
            enc.push_back(kSameComponent);
        } else if (p.size() != c.size()) {
            enc += c;
        } else {
            int run = 0;  // equal characters not yet written
            for (size_t j = 0; j < c.size(); ++j) {
                if (p[j] == c[j]) {
                    if (run == kMaxRun) {
                        enc.push_back(static_cast<char>(-run));
                        run = 1;
                    } else {
                        ++run;
                    }
                } else {
                    if (run) enc.push_back(static_cast<char>(-run));
                    run = 0;
                    enc.push_back(c[j]);
                }
            }
            if (run) enc.push_back(static_cast<char>(-run));
        }
        if (i + 1 < parts.size()) enc.push_back(' ');
    }
    return enc;
}

// Decodes `stored` against the previous name's components; `parts` receives this name's
// decoded components (they become the predictor of the next name).
static std::string decode_contig_name(const std::vector<std::string>& prev_parts, const std::string& stored,
                                      std::vector<std::string>& parts, ByteReader& where) {
    parts = split_name_components(stored);
    if (parts.size() != prev_parts.size()) return stored;
    std::string name;
    for (size_t i = 0; i < parts.size(); ++i) {
        const std::string& p = prev_parts[i];
        std::string& c = parts[i];
        if (c.size() == 1 && c[0] == kSameComponent) {
            c = p;
        } else {
            std::string dec;
            size_t cursor = 0;
            for (char ch : c) {
                auto s = static_cast<signed char>(ch);
                if (s >= 0) {
                    dec.push_back(ch);
                    ++cursor;
                } else {
                    size_t n = static_cast<size_t>(-s);
                    if (cursor > p.size() || n > p.size() - cursor) where.fail("bad contig-name delta");
                    dec.append(p, cursor, n);
                    cursor += n;
                }
            }
            c = std::move(dec);
        }
        if (i) name.push_back(' ');
        name += c;
    }
    return name;
}

std::vector<uint8_t> encode_contig_names(std::span<const SampleDesc> batch) {
    std::vector<uint8_t> out;
    put_cv(out, static_cast<uint32_t>(batch.size()));
    for (const auto& s : batch) {
        put_cv(out, static_cast<uint32_t>(s.contigs.size()));
        std::vector<std::string> prev;
        for (const auto& c : s.contigs) {
            auto parts = split_name_components(c.name);
            if (parts.size() != prev.size())
                put_cstr(out, c.name);
            else
                put_cstr(out, encode_contig_name(prev, parts));
            prev = std::move(parts);
        }
    }
    return out;
}

void decode_contig_names(std::span<const uint8_t> raw, std::span<SampleDesc> batch) {
    ByteReader r(raw, "collection-contigs");
    uint32_t n = r.cv();
    if (n != batch.size())
        r.fail("batch holds " + std::to_string(n) + " samples, expected " + std::to_string(batch.size()));
    for (auto& s : batch) {
        uint32_t nc = r.cv();
        if (nc > r.remaining()) r.fail("contig count larger than the data");
        s.contigs.resize(nc);
        std::vector<std::string> prev, parts;
        for (auto& c : s.contigs) {
            std::string stored = r.cstr();
            c.name = decode_contig_name(prev, stored, parts, r);
            prev = std::move(parts);
        }
    }
}

std::vector<uint8_t> encode_segment_details(std::span<const SampleDesc> batch, uint32_t raw_length_prediction,
                                            const CompressionProfile& profile) {
    std::array<std::vector<uint8_t>, 5> sub;
    put_cv(sub[0], static_cast<uint32_t>(batch.size()));
    InGroupPredictor pred;
    for (const auto& s : batch) {
        put_cv(sub[0], static_cast<uint32_t>(s.contigs.size()));
        for (const auto& c : s.contigs) {
            put_cv(sub[0], static_cast<uint32_t>(c.segments.size()));
            for (const auto& seg : c.segments) {
                int64_t prev = pred.prev(seg.group_id);
                uint32_t e;
                if (prev == -1)
                    e = seg.in_group_id;
                else if (seg.in_group_id == 0)
                    e = 0;
                else if (seg.in_group_id == prev + 1)
                    e = 1;
                else
                    e = static_cast<uint32_t>(z2_encode(seg.in_group_id, static_cast<uint64_t>(prev + 1)) + 1);
                put_cv(sub[1], seg.group_id);
                put_cv(sub[2], e);
                put_cv(sub[3], static_cast<uint32_t>(z2_encode(seg.raw_length, raw_length_prediction)));
                put_cv(sub[4], seg.is_rev_comp ? 1 : 0);
                pred.update(seg.group_id, seg.in_group_id);
            }
        }
    }
    std::array<std::vector<uint8_t>, 5> packed;
    for (int i = 0; i < 5; ++i) packed[i] = zstd_compress(sub[i], profile.details_level, profile.frame_checksums);
    std::vector<uint8_t> out;
    for (int i = 0; i < 5; ++i) {
        put_cv(out, static_cast<uint32_t>(sub[i].size()));
        put_cv(out, static_cast<uint32_t>(packed[i].size()));
    }
    for (int i = 0; i < 5; ++i) out.insert(out.end(), packed[i].begin(), packed[i].end());
    return out;
}

void decode_segment_details(std::span<const uint8_t> payload, std::span<SampleDesc> batch,
                            uint32_t raw_length_prediction) {
    ByteReader r(payload, "collection-details");
    std::array<std::pair<uint32_t, uint32_t>, 5> sizes;
    for (auto& s : sizes) {
        s.first = r.cv();
        s.second = r.cv();
    }
    std::array<std::vector<uint8_t>, 5> sub;
    for (int i = 0; i < 5; ++i) {
        auto frame = r.take(sizes[i].second);
        if (sizes[i].first > (1u << 31)) r.fail("implausible sub-stream size");
        zstd_decompress_frame(frame, sizes[i].first, sub[i], "collection-details sub-stream " + std::to_string(i));
    }

    ByteReader shape(sub[0], "collection-details structure");
    uint32_t n = shape.cv();
    if (n != batch.size())
        shape.fail("batch holds " + std::to_string(n) + " samples, expected " + std::to_string(batch.size()));
    for (auto& s : batch) {
        uint32_t nc = shape.cv();
        if (nc != s.contigs.size())
            shape.fail("sample " + s.name + " has " + std::to_string(nc) + " contigs here but " +
                       std::to_string(s.contigs.size()) + " in collection-contigs");
        for (auto& c : s.contigs) {
            uint32_t ns = shape.cv();
            if (ns > sub[1].size()) shape.fail("segment count larger than the data");
            c.segments.resize(ns);
        }
    }
    ByteReader groups(sub[1], "collection-details group ids");
    ByteReader ids(sub[2], "collection-details in-group ids");
    ByteReader lengths(sub[3], "collection-details raw lengths");
    ByteReader orient(sub[4], "collection-details orientations");
    InGroupPredictor pred;
    for (auto& s : batch)
        for (auto& c : s.contigs)
            for (auto& seg : c.segments) {
                seg.group_id = groups.cv();
                int64_t prev = pred.prev(seg.group_id);
                uint32_t e = ids.cv();
                if (prev == -1)
                    seg.in_group_id = e;
                else if (e == 0)
                    seg.in_group_id = 0;
                else if (e == 1)
                    seg.in_group_id = static_cast<uint32_t>(prev + 1);
                else
                    seg.in_group_id = static_cast<uint32_t>(z2_decode(e - 1u, static_cast<uint64_t>(prev + 1)));
                seg.raw_length = static_cast<uint32_t>(z2_decode(lengths.cv(), raw_length_prediction));
                seg.is_rev_comp = orient.cv() != 0;
                pred.update(seg.group_id, seg.in_group_id);
            }
}

}  // namespace agcflow
