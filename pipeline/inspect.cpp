#include "pipeline/inspect.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstring>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <span>
#include <sstream>
#include <vector>

#include "io/archive_catalog.h"
#include "io/archive_reader.h"
#include "io/error.h"
#include "io/stream_names.h"
#include "io/varint.h"
#include "io/zstd_codec.h"
#include "stages/group_parts.h"

namespace agcflow {

namespace {

// ---- stream names ----------------------------------------------------------------------------


enum class StreamKind {
    plain,            // payload as is (params, splitters, file_type_info, unknown streams)
    zstd_meta,        // one zstd frame, metadata = raw size (collection-samples/-contigs, v1/v2 collection)
    details_framed,   // v3 collection-details: ten CVs and five zstd frames
    group_reference,  // x<g>r
    group_pack,       // x<g>d
};

StreamKind stream_kind(const std::string& name, uint32_t version) {
    if (name == "collection-samples" || name == "collection-contigs" || name == "collection-main" ||
        name == "collection-desc")
        return StreamKind::zstd_meta;
    if (name == "collection-details") return version >= 3000 ? StreamKind::details_framed : StreamKind::zstd_meta;
    if (auto g = parse_group_stream(name)) return g->reference ? StreamKind::group_reference : StreamKind::group_pack;
    return StreamKind::plain;
}

const char* const kDetailsSubStreams[5] = {"structure", "group ids", "in-group ids", "raw lengths", "orientations"};

struct DetailsFrames {
    std::array<uint32_t, 5> raw_len{};
    std::array<std::span<const uint8_t>, 5> frames;
};

DetailsFrames parse_details_framing(std::span<const uint8_t> payload, const std::string& what) {
    ByteReader r(payload, what);
    DetailsFrames d;
    std::array<uint32_t, 5> zlen{};
    for (int i = 0; i < 5; ++i) {
        d.raw_len[i] = r.cv();
        zlen[i] = r.cv();
    }
    for (int i = 0; i < 5; ++i) d.frames[i] = r.take(zlen[i]);
    return d;
}

// The file_type_info entries, without judging them.
std::map<std::string, std::string> read_file_type_info(const ArchiveReader& reader) {
    std::map<std::string, std::string> m;
    const StreamInfo* s = reader.find("file_type_info");
    if (!s || s->parts.empty()) return m;
    Part p = reader.part(*s, 0);
    ByteReader r(p.payload, "file_type_info");
    for (uint64_t i = 0; i < p.metadata; ++i) {
        std::string key = r.cstr();
        m[key] = r.cstr();
    }
    return m;
}

// 1000 * major + minor, or 0 when the keys are missing or not numbers.
uint32_t archive_version(const std::map<std::string, std::string>& fti) {
    auto num = [&](const char* key) -> std::optional<uint32_t> {
        auto it = fti.find(key);
        if (it == fti.end() || it->second.empty() || it->second.size() > 6 ||
            it->second.find_first_not_of("0123456789") != std::string::npos)
            return std::nullopt;
        return static_cast<uint32_t>(std::stoul(it->second));
    };
    auto major = num("file_version_major"), minor = num("file_version_minor");
    if (!major || !minor) return 0;
    return *major * 1000 + *minor;
}

uint64_t footer_length(const ArchiveReader& reader) { return reader.file_size() - 8 - reader.footer_start(); }

// Text without control characters, for one-line output.
std::string printable(const std::string& s) {
    std::string o;
    for (unsigned char c : s) {
        if (c < 0x20 || c == 0x7F) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\x%02x", c);
            o += buf;
        } else {
            o.push_back(static_cast<char>(c));
        }
    }
    return o;
}

// ---- inspect ---------------------------------------------------------------------------------

struct GroupStats {
    bool has_ref_stream = false, has_delta_stream = false;
    uint64_t ref_bases = 0, ref_packed = 0;
    std::string ref_form = "-";
    uint64_t packs = 0, delta_packed = 0, delta_raw = 0;
    uint64_t segments = 0;
    std::vector<uint32_t> ids;  // in-group ids seen (made unique later)
    uint64_t distinct_ids = 0;
    uint32_t max_id = 0;

    uint64_t packed_total() const { return ref_packed + delta_packed; }
};

// The raw (decompressed) size of one part, from metadata and framing only; nullopt if unknown.
std::optional<uint64_t> part_raw_size(StreamKind kind, const Part& p, const std::string& what) {
    switch (kind) {
        case StreamKind::plain:
            return p.payload.size();
        case StreamKind::zstd_meta:
            return p.metadata;
        case StreamKind::details_framed:
            try {
                auto d = parse_details_framing(p.payload, what);
                uint64_t n = 0;
                for (auto v : d.raw_len) n += v;
                return n;
            } catch (const Error&) {
                return std::nullopt;
            }
        case StreamKind::group_reference:
        case StreamKind::group_pack:
            return p.metadata ? p.metadata : p.payload.size();
    }
    return std::nullopt;
}

void print_group_line(std::ostream& out, uint32_t g, const GroupStats& s) {
    out << "group " << g << " kind=" << (g < kNumRawGroups ? "raw" : "lz") << " segments=" << s.segments
        << " ids=" << s.distinct_ids << " max-id=" << (s.segments ? std::to_string(s.max_id) : std::string("-"));
    if (g >= kNumRawGroups)
        out << " ref-form=" << s.ref_form << " ref-bases=" << s.ref_bases << " ref-packed=" << s.ref_packed;
    out << " packs=" << s.packs << " delta-packed=" << s.delta_packed << " delta-raw=" << s.delta_raw
        << " packed-total=" << s.packed_total() << '\n';
}

}  // namespace

void inspect_archive(const std::filesystem::path& archive, std::ostream& out, const InspectOptions& opt) {
    ArchiveReader reader(archive, false);
    const auto& streams = reader.streams();
    const auto fti = read_file_type_info(reader);
    const uint32_t version = archive_version(fti);

    uint64_t total_parts = 0;
    for (const auto& s : streams) total_parts += s.parts.size();

    out << "archive: " << archive.string() << '\n';
    out << "file-size: " << reader.file_size() << '\n';
    out << "footer-size: " << footer_length(reader) << '\n';
    out << "streams: " << streams.size() << '\n';
    out << "parts: " << total_parts << '\n';

    out << "file_type_info: " << fti.size() << " entries\n";
    for (const auto& [k, v] : fti) out << "  " << printable(k) << ": " << printable(v) << '\n';
    if (version)
        out << "format-version: " << version / 1000 << '.' << version % 1000 << '\n';
    else
        out << "format-version: unknown\n";

    CompressionParams params;
    bool have_params = false;
    if (const StreamInfo* ps = reader.find("params"); ps && !ps->parts.empty()) {
        Part p = reader.part(*ps, 0);
        ByteReader r(p.payload, "params");
        std::vector<uint32_t> v;
        while (r.remaining() >= 4) v.push_back(r.u32le());
        out << "params:";
        static const char* const names[4] = {"k", "min_match_len", "pack_cardinality", "segment_size"};
        for (size_t i = 0; i < v.size(); ++i) {
            if (i < 4)
                out << ' ' << names[i] << '=' << v[i];
            else
                out << " extra" << i - 4 << '=' << v[i];
        }
        if (p.payload.size() % 4) out << " trailing-bytes=" << p.payload.size() % 4;
        out << '\n';
        if (v.size() >= 3) {
            params.k = v[0];
            params.min_match_len = v[1];
            params.pack_cardinality = v[2];
            params.segment_size = v.size() >= 4 ? v[3] : 0;
            have_params = true;
        }
    } else {
        out << "params: missing\n";
    }

    // Collection (formats 1.x to 3.x).
    std::unique_ptr<ArchiveCatalog> catalog;
    if (version >= 1000 && version < 4000) catalog = std::make_unique<ArchiveCatalog>(archive, false);

    std::map<uint32_t, GroupStats> groups;
    if (catalog) {
        const auto& names = catalog->sample_names();
        const uint32_t k = catalog->params().k;
        uint64_t contigs = 0, segments = 0, bases = 0;
        std::ostringstream sample_lines;
        for (uint32_t si = 0; si < names.size(); ++si) {
            const SampleDesc& s = catalog->sample(si);
            uint64_t s_segments = 0, s_bases = 0;
            for (const auto& c : s.contigs) {
                uint64_t len = 0;
                for (const auto& d : c.segments) {
                    len += d.raw_length;
                    GroupStats& g = groups[d.group_id];
                    ++g.segments;
                    g.ids.push_back(d.in_group_id);
                    g.max_id = std::max(g.max_id, d.in_group_id);
                }
                if (!c.segments.empty()) {
                    uint64_t overlap = static_cast<uint64_t>(k) * (c.segments.size() - 1);
                    len = len > overlap ? len - overlap : 0;
                }
                s_segments += c.segments.size();
                s_bases += len;
            }
            contigs += s.contigs.size();
            segments += s_segments;
            bases += s_bases;
            sample_lines << "sample " << si << " contigs=" << s.contigs.size() << " segments=" << s_segments
                         << " bases=" << s_bases << " name=" << printable(s.name) << '\n';
        }
        const uint32_t P = catalog->params().pack_cardinality;
        out << "collection: samples=" << names.size() << " batches=" << (names.size() + P - 1) / P
            << " contigs=" << contigs << " segments=" << segments << " bases=" << bases << '\n';
        out << "reference-sample: " << (names.empty() ? std::string("-") : printable(names.front())) << '\n';
        for (const StoredCommand& c : catalog->command_lines())
            out << "command-line: " << printable(c.command) << (c.date.empty() ? "" : " (" + printable(c.date) + ")") << '\n';
        if (opt.list_samples) out << sample_lines.str();
    } else {
        out << "collection: not decoded (agc-flow reads the collections of formats 1.x to 3.x)\n";
    }

    // Splitters.
    for (const char* name : {"splitters", "segment-splitters"}) {
        const StreamInfo* s = reader.find(name);
        if (!s || s->parts.empty()) {
            out << name << ": missing\n";
            continue;
        }
        Part p = reader.part(*s, 0);
        size_t entry = std::string(name) == "splitters" ? 8 : 20;
        out << name << ": " << p.metadata;
        if (p.payload.size() != p.metadata * entry) out << " (payload " << p.payload.size() << " bytes, unexpected)";
        out << '\n';
    }

    // Groups: streams first (so that groups without descriptors show up too), then descriptors.
    std::vector<std::string> warnings;
    for (const auto& s : streams) {
        auto gs = parse_group_stream(s.name);
        if (!gs) continue;
        GroupStats& g = groups[gs->group];
        if (gs->reference) {
            g.has_ref_stream = true;
            if (s.parts.size() != 1)
                warnings.push_back("stream " + s.name + " has " + std::to_string(s.parts.size()) +
                                   " parts (expected 1)");
            if (!s.parts.empty()) {
                Part p = reader.part(s, 0);
                g.ref_packed = p.payload.size();
                if (p.metadata == 0) {
                    g.ref_bases = p.payload.size();
                    g.ref_form = "stored";
                } else {
                    g.ref_bases = p.metadata;
                    g.ref_form = p.payload.empty() ? "empty" : p.payload.back() == 0 ? "zstd" : "tuples";
                }
            }
        } else {
            g.has_delta_stream = true;
            g.packs = s.parts.size();
            for (size_t i = 0; i < s.parts.size(); ++i) {
                Part p = reader.part(s, i);
                g.delta_packed += p.payload.size();
                g.delta_raw += p.metadata ? p.metadata : p.payload.size();
            }
        }
    }
    uint64_t raw_groups = 0, lz_groups = 0, raw_used = 0, lz_used = 0, raw_segments = 0, lz_segments = 0;
    std::map<std::string, uint64_t> ref_forms;
    uint64_t raw_packed = 0, raw_raw = 0, ref_packed = 0, ref_bases = 0, delta_packed = 0, delta_raw = 0;
    uint64_t raw_packs = 0, delta_packs = 0;
    const uint32_t P = have_params ? std::max<uint32_t>(params.pack_cardinality, 1) : 1;
    for (auto& [id, g] : groups) {
        std::sort(g.ids.begin(), g.ids.end());
        g.distinct_ids = static_cast<uint64_t>(std::unique(g.ids.begin(), g.ids.end()) - g.ids.begin());
        g.ids.clear();
        g.ids.shrink_to_fit();
        const bool raw = id < kNumRawGroups;
        if (raw) {
            ++raw_groups;
            raw_used += g.segments != 0;
            raw_segments += g.segments;
            raw_packed += g.delta_packed;
            raw_raw += g.delta_raw;
            raw_packs += g.packs;
            if (g.has_ref_stream) warnings.push_back("raw group " + std::to_string(id) + " has a reference stream");
        } else {
            ++lz_groups;
            lz_used += g.segments != 0;
            lz_segments += g.segments;
            if (!g.has_ref_stream) g.ref_form = "missing";
            ++ref_forms[g.ref_form];
            ref_packed += g.ref_packed;
            ref_bases += g.ref_bases;
            delta_packed += g.delta_packed;
            delta_raw += g.delta_raw;
            delta_packs += g.packs;
        }
        if (g.segments && have_params) {
            // Can every referenced in-group id be found?
            bool ok = true;
            if (raw)
                ok = g.max_id / P < g.packs;
            else
                ok = g.has_ref_stream && (g.max_id == 0 || (g.max_id - 1) / P < g.packs);
            if (!ok)
                warnings.push_back("group " + std::to_string(id) + ": descriptors refer to in-group id " +
                                   std::to_string(g.max_id) + " but the group stores " + std::to_string(g.packs) +
                                   " pack(s)" + (raw || g.has_ref_stream ? "" : " and no reference"));
        }
    }
    out << "groups: total=" << groups.size() << " raw=" << raw_groups << " lz=" << lz_groups
        << " raw-used=" << raw_used << " lz-used=" << lz_used << '\n';
    out << "group-segments: raw=" << raw_segments << " lz=" << lz_segments << '\n';
    out << "group-references:";
    for (const char* f : {"stored", "zstd", "tuples", "empty", "missing"}) out << ' ' << f << '=' << ref_forms[f];
    out << " bases=" << ref_bases << " packed=" << ref_packed << '\n';
    out << "group-raw-packs: packs=" << raw_packs << " packed=" << raw_packed << " raw=" << raw_raw << '\n';
    out << "group-delta-packs: packs=" << delta_packs << " packed=" << delta_packed << " raw=" << delta_raw << '\n';
    for (const auto& w : warnings) out << "warning: " << w << '\n';

    if (opt.all_groups) {
        out << "group-list: all " << groups.size() << " by id\n";
        for (const auto& [id, g] : groups) print_group_line(out, id, g);
    } else if (opt.top_groups > 0) {
        std::vector<std::pair<uint32_t, const GroupStats*>> order;
        for (const auto& [id, g] : groups) order.emplace_back(id, &g);
        size_t n = std::min<size_t>(opt.top_groups, order.size());
        std::partial_sort(order.begin(), order.begin() + n, order.end(), [](const auto& x, const auto& y) {
            if (x.second->packed_total() != y.second->packed_total())
                return x.second->packed_total() > y.second->packed_total();
            return x.first < y.first;
        });
        out << "group-list: top " << n << " of " << groups.size() << " by packed bytes\n";
        for (size_t i = 0; i < n; ++i) print_group_line(out, order[i].first, *order[i].second);
    }

    if (opt.list_streams) {
        out << "stream-list: " << streams.size() << " in footer order\n";
        for (size_t si = 0; si < streams.size(); ++si) {
            const StreamInfo& s = streams[si];
            StreamKind kind = stream_kind(s.name, version);
            uint64_t packed = 0, raw = 0;
            bool raw_known = true;
            for (size_t i = 0; i < s.parts.size(); ++i) {
                Part p = reader.part(s, i);
                packed += p.payload.size();
                auto r = part_raw_size(kind, p, "stream " + s.name + " part " + std::to_string(i));
                if (r)
                    raw += *r;
                else
                    raw_known = false;
            }
            out << "stream " << si << ' ' << printable(s.name) << " parts=" << s.parts.size() << " packed=" << packed
                << " raw=" << (raw_known ? std::to_string(raw) : std::string("?")) << '\n';
        }
    }
}

// ---- diff ------------------------------------------------------------------------------------

namespace {

std::string hex_context(std::span<const uint8_t> data, uint64_t offset) {
    const uint64_t from = offset >= 4 ? offset - 4 : 0;
    const uint64_t to = std::min<uint64_t>(data.size(), offset + 8);
    std::string s = "@" + std::to_string(from) + ":";
    char buf[8];
    for (uint64_t i = from; i < to; ++i) {
        std::snprintf(buf, sizeof buf, i == offset ? " [%02x]" : " %02x", data[i]);
        s += buf;
    }
    if (offset >= data.size()) s += " [end, " + std::to_string(data.size()) + " bytes]";
    return s;
}

// Where file offset `off` lies in the container read by `reader`.
std::string locate_offset(const ArchiveReader& reader, uint64_t off) {
    const uint64_t size = reader.file_size();
    if (off >= size) return "past the end of a (" + std::to_string(size) + " bytes)";
    if (off >= size - 8) return "in the footer length (last 8 bytes)";
    const uint64_t footer_start = size - 8 - footer_length(reader);
    if (off >= footer_start) return "in the footer, byte " + std::to_string(off - footer_start);
    const auto bytes = reader.read(0, reader.file_size());
    for (const auto& s : reader.streams())
        for (size_t i = 0; i < s.parts.size(); ++i) {
            const PartLocation& loc = s.parts[i];
            if (loc.offset >= footer_start || off < loc.offset) continue;
            const uint64_t av_len = 1 + bytes[loc.offset];
            if (off < loc.offset + av_len)
                return "in the metadata of stream " + s.name + " part " + std::to_string(i);
            if (off < loc.offset + av_len + loc.size)
                return "in stream " + s.name + " part " + std::to_string(i) + ", payload byte " +
                       std::to_string(off - loc.offset - av_len);
        }
    return "outside every part record";
}

// A part decoded into its logical sub-contents (1, or 5 for v3 collection-details).
struct Decoded {
    std::vector<std::vector<uint8_t>> subs;
    std::string error;  // non-empty: could not decode
};

Decoded decode_part(StreamKind kind, const Part& p, const std::string& what) {
    Decoded d;
    try {
        switch (kind) {
            case StreamKind::plain:
                d.subs.emplace_back(p.payload.begin(), p.payload.end());
                break;
            case StreamKind::zstd_meta: {
                std::vector<uint8_t> raw;
                if (!p.payload.empty() || p.metadata) zstd_decompress_frame(p.payload, p.metadata, raw, what);
                d.subs.push_back(std::move(raw));
                break;
            }
            case StreamKind::details_framed: {
                auto f = parse_details_framing(p.payload, what);
                for (int i = 0; i < 5; ++i) {
                    std::vector<uint8_t> raw;
                    zstd_decompress_frame(f.frames[i], f.raw_len[i], raw,
                                          what + " sub-stream " + std::to_string(i));
                    d.subs.push_back(std::move(raw));
                }
                break;
            }
            case StreamKind::group_reference: {
                Codes c = decode_reference_part(p.metadata, p.payload, what);
                d.subs.emplace_back(c.begin(), c.end());
                break;
            }
            case StreamKind::group_pack:
                d.subs.push_back(decode_pack(p.metadata, p.payload, what));
                break;
        }
    } catch (const Error& e) {
        d.subs.clear();
        d.error = e.what();
    }
    return d;
}

// The metadata values compared as such. For group parts the metadata only says "raw size, or 0
// = stored", so only two non-zero values are compared; the content check covers the rest.
bool metadata_differs(StreamKind kind, uint64_t a, uint64_t b) {
    if (kind == StreamKind::group_reference || kind == StreamKind::group_pack) return a && b && a != b;
    return a != b;
}

const char* kind_label(StreamKind kind) {
    switch (kind) {
        case StreamKind::plain: return "raw payload";
        case StreamKind::zstd_meta: return "decompressed content";
        case StreamKind::details_framed: return "decompressed content";
        case StreamKind::group_reference: return "decoded reference codes";
        case StreamKind::group_pack: return "decompressed pack";
    }
    return "content";
}

std::string where_text(const DiffResult& r) {
    std::string w;
    if (!r.stream.empty()) w += "stream " + r.stream;
    if (r.stream_index >= 0) w += " (#" + std::to_string(r.stream_index) + ")";
    if (r.part >= 0) w += " part " + std::to_string(r.part);
    if (!r.sub_stream.empty()) w += " sub-stream " + r.sub_stream;
    return w;
}

// Fills the logical part of `r`; returns true when a difference was found.
bool find_logical_difference(const ArchiveReader& ra, const ArchiveReader& rb, DiffResult& r) {
    const auto& sa = ra.streams();
    const auto& sb = rb.streams();

    // 1. Stream list: names and order.
    const size_t common = std::min(sa.size(), sb.size());
    for (size_t i = 0; i < common; ++i) {
        if (sa[i].name != sb[i].name) {
            std::set<std::string> na, nb;
            for (const auto& s : sa) na.insert(s.name);
            for (const auto& s : sb) nb.insert(s.name);
            r.level = "streams";
            r.stream = sa[i].name;
            r.stream_index = static_cast<int64_t>(i);
            r.message = "stream #" + std::to_string(i) + " is " + printable(sa[i].name) + " in a but " +
                        printable(sb[i].name) + " in b" +
                        (na == nb ? " (same names, different order)" : "") +
                        (sa.size() != sb.size() ? "; a has " + std::to_string(sa.size()) + " streams, b has " +
                                                      std::to_string(sb.size())
                                                : std::string());
            return true;
        }
    }
    if (sa.size() != sb.size()) {
        const bool a_longer = sa.size() > sb.size();
        const auto& extra = a_longer ? sa[common] : sb[common];
        r.level = "streams";
        r.stream = extra.name;
        r.stream_index = static_cast<int64_t>(common);
        r.message = "a has " + std::to_string(sa.size()) + " streams, b has " + std::to_string(sb.size()) +
                    "; the first extra one, #" + std::to_string(common) + " in " + (a_longer ? "a" : "b") +
                    ", is " + printable(extra.name);
        return true;
    }
    for (size_t i = 0; i < sa.size(); ++i)
        if (sa[i].raw_size != sb[i].raw_size) {
            r.level = "streams";
            r.stream = sa[i].name;
            r.stream_index = static_cast<int64_t>(i);
            r.message = "footer raw_size differs: a " + std::to_string(sa[i].raw_size) + ", b " +
                        std::to_string(sb[i].raw_size);
            return true;
        }

    // 2. Number of parts per stream.
    for (size_t i = 0; i < sa.size(); ++i)
        if (sa[i].parts.size() != sb[i].parts.size()) {
            r.level = "parts";
            r.stream = sa[i].name;
            r.stream_index = static_cast<int64_t>(i);
            r.message = "a has " + std::to_string(sa[i].parts.size()) + " parts, b has " +
                        std::to_string(sb[i].parts.size());
            return true;
        }

    // 3. Per part: metadata, then decompressed content.
    const uint32_t version = archive_version(read_file_type_info(ra));
    for (size_t i = 0; i < sa.size(); ++i) {
        const StreamKind kind = stream_kind(sa[i].name, version);
        for (size_t j = 0; j < sa[i].parts.size(); ++j) {
            auto set_where = [&](const char* level) {
                r.level = level;
                r.stream = sa[i].name;
                r.stream_index = static_cast<int64_t>(i);
                r.part = static_cast<int64_t>(j);
            };
            std::optional<Part> pa, pb;
            std::string err_a, err_b;
            try {
                pa = ra.part(sa[i], j);
            } catch (const Error& e) {
                err_a = e.what();
            }
            try {
                pb = rb.part(sb[i], j);
            } catch (const Error& e) {
                err_b = e.what();
            }
            if (!pa || !pb) {
                if (!pa && !pb) continue;  // both unreadable in the same place
                set_where("content");
                r.message = "cannot read the part: " + (pa ? "b: " + err_b : "a: " + err_a);
                return true;
            }
            if (metadata_differs(kind, pa->metadata, pb->metadata)) {
                set_where("metadata");
                r.message = "metadata differs: a " + std::to_string(pa->metadata) + ", b " +
                            std::to_string(pb->metadata);
                return true;
            }
            const std::string what = "stream " + sa[i].name + " part " + std::to_string(j);
            Decoded da = decode_part(kind, *pa, what);
            Decoded db = decode_part(kind, *pb, what);
            if (!da.error.empty() || !db.error.empty()) {
                const bool same_bytes = pa->metadata == pb->metadata && pa->payload.size() == pb->payload.size() &&
                                        std::equal(pa->payload.begin(), pa->payload.end(), pb->payload.begin());
                if (!da.error.empty() && !db.error.empty() && same_bytes) continue;
                set_where("content");
                r.message = "cannot decode the part";
                if (!da.error.empty()) r.message += "; a: " + da.error;
                if (!db.error.empty()) r.message += "; b: " + db.error;
                return true;
            }
            for (size_t s = 0; s < da.subs.size(); ++s) {
                const auto& x = da.subs[s];
                const auto& y = db.subs[s];
                if (x == y) continue;
                set_where("content");
                if (kind == StreamKind::details_framed)
                    r.sub_stream = std::to_string(s) + " (" + kDetailsSubStreams[s] + ")";
                auto mm = std::mismatch(x.begin(), x.end(), y.begin(), y.end());
                const uint64_t off = static_cast<uint64_t>(mm.first - x.begin());
                r.offset = static_cast<int64_t>(off);
                r.message = std::string(kind_label(kind)) + " differs at offset " + std::to_string(off);
                if (kind == StreamKind::group_pack) {
                    const uint64_t entry = static_cast<uint64_t>(std::count(x.begin(), x.begin() + off, kPackSeparator));
                    auto last_sep = std::find(std::make_reverse_iterator(x.begin() + off), x.rend(), kPackSeparator);
                    const uint64_t entry_start = static_cast<uint64_t>(x.rend() - last_sep);
                    r.message += " (entry " + std::to_string(entry) + ", byte " + std::to_string(off - entry_start) + ")";
                }
                if (x.size() != y.size())
                    r.message += "; sizes a " + std::to_string(x.size()) + ", b " + std::to_string(y.size());
                r.context_a = hex_context(x, off);
                r.context_b = hex_context(y, off);
                return true;
            }
        }
    }
    return false;
}

}  // namespace

DiffResult diff_archives(const std::filesystem::path& a, const std::filesystem::path& b) {
    DiffResult r;
    r.path_a = a;
    r.path_b = b;
    ArchiveReader ra(a, false);
    ArchiveReader rb(b, false);
    r.size_a = ra.file_size();
    r.size_b = rb.file_size();

    const auto ba = ra.read(0, ra.file_size()), bb = rb.read(0, rb.file_size());
    auto mm = std::mismatch(ba.begin(), ba.end(), bb.begin(), bb.end());
    r.bytes_identical = mm.first == ba.end() && mm.second == bb.end();
    if (r.bytes_identical) {
        r.status = DiffStatus::byte_identical;
        return r;
    }
    r.first_byte_difference = static_cast<uint64_t>(mm.first - ba.begin());
    r.byte_location = locate_offset(ra, r.first_byte_difference);
    r.status = find_logical_difference(ra, rb, r) ? DiffStatus::different : DiffStatus::logically_identical;
    return r;
}

std::string DiffResult::summary() const {
    std::string s = "archives " + path_a.string() + " (" + std::to_string(size_a) + " bytes) and " + path_b.string() +
                    " (" + std::to_string(size_b) + " bytes) ";
    std::string bytes = "bytes differ at offset " + std::to_string(first_byte_difference) + " (" + byte_location + ")";
    switch (status) {
        case DiffStatus::byte_identical:
            return s + "are byte-identical.";
        case DiffStatus::logically_identical:
            return s + "are logically identical; " + bytes + ".";
        case DiffStatus::different:
            s += "differ: first difference (" + level + ") in " + where_text(*this) + ": " + message;
            if (!context_a.empty()) s += "; a " + context_a + "; b " + context_b;
            return s + "; " + bytes + ".";
    }
    return s;
}

void print_diff(const DiffResult& r, std::ostream& out) {
    out << "a: " << r.path_a.string() << " (" << r.size_a << " bytes)\n";
    out << "b: " << r.path_b.string() << " (" << r.size_b << " bytes)\n";
    switch (r.status) {
        case DiffStatus::byte_identical:
            out << "result: byte-identical\n";
            break;
        case DiffStatus::logically_identical:
            out << "result: logically identical, bytes differ at offset " << r.first_byte_difference << '\n';
            break;
        case DiffStatus::different:
            out << "result: differ: " << where_text(r) << ": " << r.message << '\n';
            out << "first-difference: level=" << r.level << " stream=" << (r.stream.empty() ? "-" : printable(r.stream))
                << " stream-index=" << r.stream_index << " part=" << r.part
                << " sub-stream=" << (r.sub_stream.empty() ? "-" : r.sub_stream) << " offset=" << r.offset << '\n';
            if (!r.context_a.empty()) {
                out << "  a " << r.context_a << '\n';
                out << "  b " << r.context_b << '\n';
            }
            break;
    }
    if (r.bytes_identical)
        out << "bytes: identical\n";
    else
        out << "bytes: differ at offset " << r.first_byte_difference << " (" << r.byte_location << ")\n";
}

}  // namespace agcflow
