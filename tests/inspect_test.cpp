// The archive inspector and the archive diff: inspect must read every golden archive, and
// diff must tell byte identity, logical identity (other zstd frames) and real differences apart.
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <optional>
#include <sstream>

#include "io/archive_reader.h"
#include "io/archive_writer.h"
#include "io/collection.h"
#include "io/error.h"
#include "io/output_file.h"
#include "io/varint.h"
#include "io/zstd_codec.h"
#include "pipeline/inspect.h"
#include "stages/group_parts.h"
#include "tests/test_support.h"

namespace agcflow {
namespace {

using test::fixture;

std::string inspect_text(const std::filesystem::path& p, InspectOptions opt = {}) {
    std::ostringstream out;
    inspect_archive(p, out, opt);
    return out.str();
}

std::vector<std::string> lines_starting_with(const std::string& text, const std::string& prefix) {
    std::vector<std::string> found;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);)
        if (line.rfind(prefix, 0) == 0) found.push_back(line);
    return found;
}

// Copies an archive part by part through ArchiveWriter (streams in footer order, parts in file
// order); `transform` may replace a part's payload and metadata.
using PartTransform = std::function<std::optional<EncodedPart>(const std::string& stream, size_t part, const Part&)>;

void rewrite_archive(const std::filesystem::path& in, const std::filesystem::path& out, const PartTransform& transform) {
    ArchiveReader reader(in, false);
    OutputFile file(out);
    ArchiveWriter writer(file);
    struct Item {
        uint64_t offset;
        size_t stream, part;
    };
    std::vector<Item> items;
    for (size_t s = 0; s < reader.streams().size(); ++s) {
        writer.register_stream(reader.streams()[s].name);
        for (size_t j = 0; j < reader.streams()[s].parts.size(); ++j)
            items.push_back({reader.streams()[s].parts[j].offset, s, j});
    }
    std::sort(items.begin(), items.end(), [](const Item& a, const Item& b) { return a.offset < b.offset; });
    for (const auto& it : items) {
        const StreamInfo& s = reader.streams()[it.stream];
        Part p = reader.part(s, it.part);
        auto replaced = transform(s.name, it.part, p);
        if (replaced)
            writer.add_part(static_cast<uint32_t>(it.stream), replaced->payload, replaced->metadata);
        else
            writer.add_part(static_cast<uint32_t>(it.stream), p.payload, p.metadata);
    }
    writer.finish();
    file.commit();
}

bool is_group_stream(const std::string& name, char kind) {
    return name.size() >= 3 && name.front() == 'x' && name.back() == kind;
}

// x0d..xFd: the raw groups 0..15.
bool is_raw_group_stream(const std::string& name) {
    static const std::string kDigits = "0123456789ABCDEF";
    return name.size() == 3 && name[0] == 'x' && name[2] == 'd' && kDigits.find(name[1]) != std::string::npos;
}

struct Details {
    std::array<std::vector<uint8_t>, 5> subs;
};

Details read_details(std::span<const uint8_t> payload) {
    ByteReader r(payload, "collection-details");
    std::array<uint32_t, 5> raw{}, z{};
    for (int i = 0; i < 5; ++i) {
        raw[i] = r.cv();
        z[i] = r.cv();
    }
    Details d;
    for (int i = 0; i < 5; ++i) zstd_decompress_frame(r.take(z[i]), raw[i], d.subs[i], "details");
    return d;
}

EncodedPart write_details(const Details& d, int level) {
    std::vector<uint8_t> head, frames;
    for (const auto& s : d.subs) {
        auto z = zstd_compress(s, level);
        put_cv(head, static_cast<uint32_t>(s.size()));
        put_cv(head, static_cast<uint32_t>(z.size()));
        frames.insert(frames.end(), z.begin(), z.end());
    }
    head.insert(head.end(), frames.begin(), frames.end());
    return {head, 0};
}

// Every compressed part recompressed at another zstd level: same logical content, other bytes.
std::optional<EncodedPart> recompress(const std::string& name, size_t, const Part& p) {
    constexpr int kLevel = 3;
    if (name == "collection-samples" || name == "collection-contigs") {
        std::vector<uint8_t> raw;
        zstd_decompress_frame(p.payload, p.metadata, raw, name);
        return EncodedPart{zstd_compress(raw, kLevel), p.metadata};
    }
    if (name == "collection-details") return write_details(read_details(p.payload), kLevel);
    if (p.metadata == 0) return std::nullopt;  // stored parts stay as they are
    if (is_group_stream(name, 'r')) {
        Codes codes = decode_reference_part(p.metadata, p.payload, name);
        const uint8_t marker = p.payload.back();
        auto z = marker == 0 ? zstd_compress(codes, kLevel) : zstd_compress(pack_tuples(codes), kLevel);
        z.push_back(marker);
        return EncodedPart{z, p.metadata};
    }
    if (is_group_stream(name, 'd')) {
        auto pack = decode_pack(p.metadata, p.payload, name);
        auto z = zstd_compress(pack, kLevel);
        z.push_back(0);
        return EncodedPart{z, p.metadata};
    }
    return std::nullopt;
}

TEST(Inspect, RunsOnEveryGoldenArchive) {
    size_t n = 0;
    for (const auto& e : std::filesystem::recursive_directory_iterator(fixture(""))) {
        if (e.path().extension() != ".agc") continue;
        ++n;
        std::string text;
        ASSERT_NO_THROW(text = inspect_text(e.path())) << e.path();
        EXPECT_NE(text.find("\nstream-list: "), std::string::npos) << e.path();
        EXPECT_NE(text.find("\ncollection: samples="), std::string::npos) << e.path();
        EXPECT_TRUE(lines_starting_with(text, "warning:").empty()) << e.path() << "\n" << text;
        InspectOptions all;
        all.all_groups = true;
        ASSERT_NO_THROW(inspect_text(e.path(), all)) << e.path();
    }
    EXPECT_GE(n, 10u);
}

TEST(Inspect, SmallSegShowsParamsAndSamples) {
    std::string text = inspect_text(fixture("syn-small/small-seg.agc"));
    EXPECT_NE(text.find("\nparams: k=25 min_match_len=18 pack_cardinality=3 segment_size=5000\n"), std::string::npos)
        << text;
    EXPECT_NE(text.find("\ncollection: samples=7 batches=3 "), std::string::npos) << text;
    EXPECT_EQ(lines_starting_with(text, "sample ").size(), 7u);
    EXPECT_NE(text.find("\nsample 0 contigs="), std::string::npos);
    EXPECT_NE(text.find("\nreference-sample: ref\n"), std::string::npos) << text;
    EXPECT_NE(text.find("\nformat-version: 3.0\n"), std::string::npos);
    EXPECT_NE(text.find("\n  file_version_major: 3\n"), std::string::npos);
    EXPECT_EQ(text.rfind("archive: ", 0), 0u);

    ArchiveReader reader(fixture("syn-small/small-seg.agc"), false);
    EXPECT_NE(text.find("\nfile-size: " + std::to_string(reader.file_size()) + "\n"), std::string::npos);
    EXPECT_EQ(lines_starting_with(text, "stream ").size(), reader.streams().size());
    EXPECT_EQ(lines_starting_with(text, "stream 0 " + reader.streams()[0].name + " parts=").size(), 1u);
}

TEST(Inspect, CollectionBasesMatchTheFasta) {
    // The total of the contig lengths computed from descriptors equals getcol's sequence bytes.
    std::string fasta = test::read_file(fixture("syn-small/expected/getcol.fa"));
    uint64_t bases = 0;
    bool header = false;
    for (char c : fasta) {
        if (c == '>') header = true;
        if (c == '\n') {
            header = false;
            continue;
        }
        if (!header) ++bases;
    }
    std::string text = inspect_text(fixture("syn-small/default.agc"));
    auto col = lines_starting_with(text, "collection: ");
    ASSERT_EQ(col.size(), 1u);
    EXPECT_NE(col[0].find(" bases=" + std::to_string(bases)), std::string::npos) << col[0];
}

TEST(Inspect, GroupListing) {
    InspectOptions all;
    all.all_groups = true;
    std::string text = inspect_text(fixture("syn-small/default.agc"), all);
    auto summary = lines_starting_with(text, "groups: total=");
    ASSERT_EQ(summary.size(), 1u);
    size_t total = std::stoul(summary[0].substr(std::string("groups: total=").size()));
    EXPECT_EQ(lines_starting_with(text, "group ").size(), total);
    EXPECT_EQ(lines_starting_with(text, "group 0 kind=raw ").size(), 1u);
    EXPECT_EQ(lines_starting_with(text, "group 16 kind=lz ").size(), 1u);

    InspectOptions top;
    top.top_groups = 3;
    std::string t3 = inspect_text(fixture("syn-small/default.agc"), top);
    EXPECT_EQ(lines_starting_with(t3, "group ").size(), 3u);
    EXPECT_NE(t3.find("\ngroup-list: top 3 of " + std::to_string(total) + " by packed bytes\n"), std::string::npos);
}

TEST(Inspect, NotAnArchiveIsAnError) {
    test::TempDir dir;
    test::write_file(dir / "x.agc", "definitely not an archive, but longer than eight bytes");
    std::ostringstream out;
    EXPECT_THROW(inspect_archive(dir / "x.agc", out, {}), Error);
}

TEST(Diff, ArchiveWithItselfIsByteIdentical) {
    auto r = diff_archives(fixture("syn-small/default.agc"), fixture("syn-small/default.agc"));
    EXPECT_EQ(r.status, DiffStatus::byte_identical);
    EXPECT_TRUE(r.identical());
    EXPECT_TRUE(r.bytes_identical);
    EXPECT_NE(r.summary().find("byte-identical"), std::string::npos) << r.summary();
    std::ostringstream out;
    print_diff(r, out);
    EXPECT_NE(out.str().find("\nresult: byte-identical\n"), std::string::npos) << out.str();
}

TEST(Diff, DefaultVersusSmallSegNamesTheFirstDifferingStream) {
    auto a = fixture("syn-small/default.agc"), b = fixture("syn-small/small-seg.agc");
    auto r = diff_archives(a, b);
    ASSERT_EQ(r.status, DiffStatus::different) << r.summary();
    EXPECT_FALSE(r.bytes_identical);

    // Work the expected answer out independently: first the stream lists, then part counts.
    ArchiveReader ra(a, false), rb(b, false);
    const auto &sa = ra.streams(), &sb = rb.streams();
    size_t i = 0;
    while (i < sa.size() && i < sb.size() && sa[i].name == sb[i].name) ++i;
    if (i < sa.size() && i < sb.size()) {
        EXPECT_EQ(r.level, "streams");
        EXPECT_EQ(r.stream, sa[i].name);
        EXPECT_EQ(r.stream_index, static_cast<int64_t>(i));
    } else if (sa.size() != sb.size()) {
        EXPECT_EQ(r.level, "streams");
        EXPECT_EQ(r.stream_index, static_cast<int64_t>(i));
    } else {
        size_t j = 0;
        while (j < sa.size() && sa[j].parts.size() == sb[j].parts.size()) ++j;
        if (j < sa.size()) {
            EXPECT_EQ(r.level, "parts");
            EXPECT_EQ(r.stream, sa[j].name);
        }
    }
    EXPECT_NE(r.summary().find(r.stream), std::string::npos) << r.summary();
    EXPECT_NE(r.summary().find(" differ: "), std::string::npos) << r.summary();
}

TEST(Diff, RecompressedCopyIsLogicallyIdentical) {
    test::TempDir dir;
    auto a = fixture("syn-small/default.agc");
    rewrite_archive(a, dir / "re.agc", recompress);
    auto r = diff_archives(a, dir / "re.agc");
    EXPECT_EQ(r.status, DiffStatus::logically_identical) << r.summary();
    EXPECT_FALSE(r.bytes_identical);
    EXPECT_TRUE(r.identical());
    EXPECT_NE(r.summary().find("logically identical; bytes differ at offset " + std::to_string(r.first_byte_difference)),
              std::string::npos)
        << r.summary();

    // A verbatim copy through the writer is byte-identical (the writer keeps AGC's layout).
    rewrite_archive(a, dir / "same.agc", [](const std::string&, size_t, const Part&) { return std::nullopt; });
    EXPECT_EQ(diff_archives(a, dir / "same.agc").status, DiffStatus::byte_identical);
}

TEST(Diff, OneChangedByteInAPackIsLocated) {
    test::TempDir dir;
    auto a = fixture("syn-small/default.agc");
    ArchiveReader reader(a, false);
    std::string target;
    for (const auto& s : reader.streams())
        if (is_group_stream(s.name, 'd') && !is_raw_group_stream(s.name) && !s.parts.empty() &&
            reader.part(s, 0).metadata) {
            target = s.name;  // a compressed pack of an LZ group
            break;
        }
    ASSERT_FALSE(target.empty());
    Part p0 = reader.part(target, 0);
    auto pack = decode_pack(p0.metadata, p0.payload, target);
    size_t off = 5;
    while (off < pack.size() && pack[off] == kPackSeparator) ++off;
    ASSERT_LT(off, pack.size());
    const uint8_t before = pack[off];

    rewrite_archive(a, dir / "changed.agc", [&](const std::string& name, size_t part, const Part& p) -> std::optional<EncodedPart> {
        if (name != target || part != 0) return std::nullopt;
        auto raw = decode_pack(p.metadata, p.payload, name);
        raw[off] ^= 1;
        auto z = zstd_compress(raw, agc_profile().pack_level);
        z.push_back(0);
        return EncodedPart{z, raw.size()};
    });
    auto r = diff_archives(a, dir / "changed.agc");
    ASSERT_EQ(r.status, DiffStatus::different) << r.summary();
    EXPECT_EQ(r.level, "content");
    EXPECT_EQ(r.stream, target);
    EXPECT_EQ(r.part, 0);
    EXPECT_EQ(r.offset, static_cast<int64_t>(off));
    char hex[8];
    std::snprintf(hex, sizeof hex, "[%02x]", before);
    EXPECT_NE(r.context_a.find(hex), std::string::npos) << r.context_a;
    std::snprintf(hex, sizeof hex, "[%02x]", before ^ 1);
    EXPECT_NE(r.context_b.find(hex), std::string::npos) << r.context_b;
    const std::string s = r.summary();
    EXPECT_NE(s.find("stream " + target), std::string::npos) << s;
    EXPECT_NE(s.find("part 0"), std::string::npos) << s;
    EXPECT_NE(s.find("offset " + std::to_string(off)), std::string::npos) << s;
    EXPECT_FALSE(r.bytes_identical);
}

TEST(Diff, ChangedDetailsSubStreamIsNamed) {
    test::TempDir dir;
    auto a = fixture("syn-small/default.agc");
    size_t off = 0;
    rewrite_archive(a, dir / "flip.agc", [&](const std::string& name, size_t part, const Part& p) -> std::optional<EncodedPart> {
        if (name != "collection-details" || part != 0) return std::nullopt;
        Details d = read_details(p.payload);
        off = d.subs[4].size() / 2;
        d.subs[4][off] ^= 1;  // flip one orientation
        return write_details(d, agc_profile().details_level);
    });
    auto r = diff_archives(a, dir / "flip.agc");
    ASSERT_EQ(r.status, DiffStatus::different) << r.summary();
    EXPECT_EQ(r.stream, "collection-details");
    EXPECT_EQ(r.part, 0);
    EXPECT_EQ(r.sub_stream, "4 (orientations)");
    EXPECT_EQ(r.offset, static_cast<int64_t>(off));
    EXPECT_NE(r.summary().find("sub-stream 4 (orientations)"), std::string::npos) << r.summary();
}

}  // namespace
}  // namespace agcflow
