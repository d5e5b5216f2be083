// Unit tests of the format's small codecs: integer encodings, tuple packing, pack entries,
// the LZ-diff decoder, contig-name delta coding, segment details, query parsing.
#include <gtest/gtest.h>

#include <random>
#include <set>
#include <fmt/format.h>

#include "io/collection.h"
#include "io/error.h"
#include "io/stream_names.h"
#include "io/varint.h"
#include "pipeline/extract.h"
#include "stages/group_parts.h"
#include "stages/lz_decoder.h"

namespace agcflow {
namespace {

Bytes av(uint64_t v) {
    Bytes b;
    put_av(b, v);
    return b;
}
Bytes cv(uint32_t v) {
    Bytes b;
    put_cv(b, v);
    return b;
}

TEST(Varint, ArchiveVarintExamplesFromTheSpec) {
    EXPECT_EQ(av(0), Bytes{0x00});
    EXPECT_EQ(av(56), (Bytes{0x01, 0x38}));
    EXPECT_EQ(av(644), (Bytes{0x02, 0x02, 0x84}));
    EXPECT_EQ(av(65536), (Bytes{0x03, 0x01, 0x00, 0x00}));
    for (uint64_t v : {0ull, 1ull, 255ull, 256ull, 1ull << 40, ~0ull}) {
        auto b = av(v);
        ByteReader r(b, "t");
        EXPECT_EQ(r.av(), v);
        EXPECT_TRUE(r.at_end());
    }
}

TEST(Varint, CollectionVarintClassBoundaries) {
    EXPECT_EQ(cv(127), Bytes{0x7F});
    EXPECT_EQ(cv(128), (Bytes{0x80, 0x00}));
    EXPECT_EQ(cv(16511), (Bytes{0xBF, 0xFF}));
    EXPECT_EQ(cv(16512), (Bytes{0xC0, 0x00, 0x00}));
    EXPECT_EQ(cv(2113663), (Bytes{0xDF, 0xFF, 0xFF}));
    EXPECT_EQ(cv(2113664), (Bytes{0xE0, 0x00, 0x00, 0x00}));
    EXPECT_EQ(cv(270549119), (Bytes{0xEF, 0xFF, 0xFF, 0xFF}));
    EXPECT_EQ(cv(270549120), (Bytes{0xF0, 0x00, 0x00, 0x00, 0x00}));
    std::mt19937_64 rng(7);
    for (int i = 0; i < 10000; ++i) {
        uint32_t v = static_cast<uint32_t>(rng() >> (rng() % 32));
        auto b = cv(v);
        ByteReader r(b, "t");
        EXPECT_EQ(r.cv(), v);
    }
    for (uint32_t v : {0u, 127u, 128u, 16511u, 16512u, 2113663u, 2113664u, 270549119u, 270549120u, 0xFFFFFFFFu}) {
        auto b = cv(v);
        ByteReader r(b, "t");
        EXPECT_EQ(r.cv(), v);
    }
}

TEST(Varint, TruncatedInputThrows) {
    Bytes b{0x03, 0x01};
    ByteReader r(b, "footer");
    EXPECT_THROW(r.av(), Error);
    Bytes c{0xC0, 0x01};
    ByteReader r2(c, "x");
    EXPECT_THROW(r2.cv(), Error);
    Bytes s{'a', 'b'};
    ByteReader r3(s, "x");
    EXPECT_THROW(r3.cstr(), Error);
}

TEST(Varint, PredictiveZigzag) {
    EXPECT_EQ(z2_encode(10, 10), 0u);
    EXPECT_EQ(z2_encode(9, 10), 1u);
    EXPECT_EQ(z2_encode(11, 10), 2u);
    EXPECT_EQ(z2_encode(25, 10), 25u);
    for (uint64_t p : {0ull, 1ull, 5ull, 60031ull})
        for (uint64_t x = 0; x < 200000; x += 7) EXPECT_EQ(z2_decode(z2_encode(x, p), p), x) << x << " " << p;
}

TEST(StreamNames, GroupNumbersLeastSignificantDigitFirst) {
    EXPECT_EQ(group_number_text(0), "0");
    EXPECT_EQ(group_number_text(15), "F");
    EXPECT_EQ(group_number_text(16), "G");
    EXPECT_EQ(group_number_text(63), "#");
    EXPECT_EQ(group_number_text(64), "01");
    EXPECT_EQ(group_number_text(83), "J1");
    EXPECT_EQ(group_number_text(20036), "4v4");
    EXPECT_EQ(reference_stream_name(29), "xTr");
    EXPECT_EQ(delta_stream_name(13), "xDd");
}

TEST(Tuples, PackAndUnpackEveryAlphabetAndLength) {
    std::mt19937 rng(3);
    for (uint8_t top : {3, 5, 15, 30})
        for (size_t n = 0; n < 40; ++n) {
            Codes c(n);
            for (auto& x : c) x = static_cast<uint8_t>(rng() % (top + 1));
            auto t = pack_tuples(c);
            EXPECT_EQ(unpack_tuples(t, "t"), c) << int(top) << " " << n;
        }
    // Layout: ACGT packs 4 per byte, first symbol most significant; then the leftover byte
    // and the marker (B << 4 | r).
    Codes c{0, 1, 2, 3, 3, 2};
    EXPECT_EQ(pack_tuples(c), (Bytes{0x1B, 0x0E, 0x42}));
}

TEST(Tuples, BadMarkerThrows) {
    EXPECT_THROW(unpack_tuples(Bytes{0x00, 0x55}, "r"), Error);
    EXPECT_THROW(unpack_tuples(Bytes{}, "r"), Error);
}

// The periodicity rule, written the plain way: the best fraction over lags 4..31.
bool periodic_model(const Codes& c) {
    double best = 0.0;
    for (size_t lag = 4; lag < 32; ++lag) {
        uint64_t same = 0, acgt = 0;
        for (size_t j = 0; j + lag < c.size(); ++j) same += c[j] == c[j + lag], acgt += c[j] < 4;
        if (acgt) best = std::max(best, static_cast<double>(same) / static_cast<double>(acgt));
    }
    return best >= 0.5;
}

TEST(GroupParts, PeriodicityTestMatchesItsDefinition) {
    // Sequences with a period of 3..40, mutated at rates around the 1/2 threshold, with N runs,
    // of lengths from 0 (also past the 255-round blocks of the counter).
    std::mt19937 rng(11);
    uint32_t periodic = 0, cases = 0;
    for (size_t len : {0, 1, 4, 5, 17, 31, 32, 33, 100, 4095, 4096, 4097, 4111, 5000, 12000}) {
        for (int trial = 0; trial < 12; ++trial) {
            const uint32_t period = 3 + rng() % 38, mutate = rng() % 100;
            Codes unit(period), c(len);
            for (auto& x : unit) x = rng() % 4;
            for (size_t i = 0; i < len; ++i) {
                c[i] = rng() % 100 < mutate ? rng() % 4 : unit[i % period];
                if (rng() % 500 == 0) c[i] = kCodeN;
            }
            const bool expected = periodic_model(c);
            EXPECT_EQ(is_periodic(c), expected) << "length " << len << " period " << period << " mutated " << mutate << "%";
            periodic += expected, ++cases;
        }
    }
    // Both answers occur often enough for the comparison to mean something.
    EXPECT_GT(periodic, cases / 5);
    EXPECT_LT(periodic, cases * 4 / 5);
}

TEST(GroupParts, RepeatedKmerFractionMatchesItsDefinition) {
    // Random sequences with copies of their own stretches (at any offset) and a few N.
    std::mt19937 rng(23);
    auto model = [](const Codes& c) {
        std::set<std::string> seen;
        uint64_t repeated = 0;
        for (size_t i = 24; i <= c.size(); ++i) {
            std::string w(c.begin() + static_cast<long>(i - 24), c.begin() + static_cast<long>(i));
            if (std::any_of(w.begin(), w.end(), [](char x) { return x > 3; })) continue;
            repeated += !seen.insert(w).second;
        }
        return c.empty() ? 0.0 : static_cast<double>(repeated) / static_cast<double>(c.size());
    };
    for (size_t len : {0, 23, 24, 25, 1000, 6000}) {
        for (int trial = 0; trial < 5; ++trial) {
            Codes c(len);
            for (auto& x : c) x = rng() % 4;
            for (int copy = 0; copy < trial && len > 200; ++copy) {
                const size_t from = rng() % (len - 100), to = rng() % (len - 100), n = 30 + rng() % 70;
                std::copy_n(c.begin() + static_cast<long>(from), n, c.begin() + static_cast<long>(to));
            }
            if (len > 0 && trial == 4) c[rng() % len] = kCodeN;
            EXPECT_EQ(repeated_kmer_fraction(c), model(c)) << len << " " << trial;
        }
    }
    // A stretch and its copy: every 24-mer of the copy is a repeat.
    Codes x(1000);
    for (auto& b : x) b = rng() % 4;
    Codes twice = x;
    twice.insert(twice.end(), x.begin(), x.end());
    EXPECT_DOUBLE_EQ(repeated_kmer_fraction(twice), 977.0 / 2000.0);
    EXPECT_DOUBLE_EQ(repeated_kmer_fraction(x), 0.0);
    // Only the first kRepeatScanBases bases count: a copy after them is not seen.
    Codes y(kRepeatScanBases);
    for (auto& b : y) b = rng() % 4;
    Codes longer = y;
    longer.insert(longer.end(), y.begin(), y.begin() + 100000);
    EXPECT_DOUBLE_EQ(repeated_kmer_fraction(longer), 0.0);
    longer.insert(longer.begin(), y.begin(), y.begin() + 100000);
    EXPECT_DOUBLE_EQ(repeated_kmer_fraction(longer), (100000.0 - 23.0) / static_cast<double>(kRepeatScanBases));
}

TEST(GroupParts, ReferenceAndPackRoundTrip) {
    std::mt19937 rng(5);
    Codes random(5000), periodic(5000);
    for (auto& x : random) x = rng() % 4;
    for (size_t i = 0; i < periodic.size(); ++i) periodic[i] = "ACGTA"[i % 5] == 'A' ? 0 : (i % 5) % 4;
    for (const Codes* c : {&random, &periodic}) {
        auto part = encode_reference_part(*c);
        EXPECT_EQ(decode_reference_part(part.metadata, part.payload, "r"), *c);
    }
    // Random DNA is tuple-packed (marker 1), periodic sequence plain zstd (marker 0).
    EXPECT_EQ(encode_reference_part(random).payload.back(), 1);
    EXPECT_EQ(encode_reference_part(periodic).payload.back(), 0);
    // Too short to gain from zstd: stored raw with metadata 0.
    Codes tiny{0, 1, 2};
    auto t = encode_reference_part(tiny);
    EXPECT_EQ(t.metadata, 0u);
    EXPECT_EQ(t.payload, tiny);

    std::vector<Bytes> entries{{1, 2, 3}, {}, {4}};
    auto pack = encode_pack(entries);
    auto raw = decode_pack(pack.metadata, pack.payload, "p");
    EXPECT_EQ(raw, (Bytes{1, 2, 3, 0xFF, 0xFF, 4, 0xFF}));
    for (uint32_t i = 0; i < 3; ++i) {
        auto e = pack_entry(raw, i, "p");
        EXPECT_EQ(Bytes(e.begin(), e.end()), entries[i]);
    }
    EXPECT_THROW(pack_entry(raw, 3, "p"), Error);
}

Codes decode(const Codes& ref, const std::string& enc, uint32_t min_match = 20) {
    Codes out;
    lz_decode(ref, Bytes(enc.begin(), enc.end()), min_match, out);
    return out;
}

TEST(LzDecoder, InstructionSet) {
    Codes ref(100);
    for (size_t i = 0; i < ref.size(); ++i) ref[i] = i % 4;
    // Literals are 'A' + code.
    EXPECT_EQ(decode(ref, "ABCDEF"), (Codes{0, 1, 2, 3, 4, 5}));
    // '!' copies ref[pred] and advances pred like a literal.
    EXPECT_EQ(decode(ref, "A!!"), (Codes{0, ref[1], ref[2]}));
    // N-run of 4 + 3 bases does not advance pred.
    EXPECT_EQ(decode(ref, std::string("\x1e") + "3\x04!"), (Codes{4, 4, 4, 4, 4, 4, 4, ref[0]}));
    // Match: offset 10 from pred 0, length 5 + min_match.
    Codes m = decode(ref, "10,5.", 20);
    EXPECT_EQ(m, Codes(ref.begin() + 10, ref.begin() + 35));
    // Match to the end of the reference; negative offsets are relative to pred.
    EXPECT_EQ(decode(ref, "90."), Codes(ref.begin() + 90, ref.end()));
    EXPECT_EQ(decode(ref, "50,0.-30,0."), [&] {
        Codes c(ref.begin() + 50, ref.begin() + 70);
        c.insert(c.end(), ref.begin() + 40, ref.begin() + 60);
        return c;
    }());
    // An empty entry decodes to an empty segment.
    EXPECT_TRUE(decode(ref, "").empty());
}

TEST(LzDecoder, CorruptEntriesThrow) {
    Codes ref(50, 1);
    EXPECT_THROW(decode(ref, "60,0."), Error);   // past the reference
    EXPECT_THROW(decode(ref, "-5,0."), Error);   // before it
    EXPECT_THROW(decode(ref, "10,0"), Error);    // unterminated
    EXPECT_THROW(decode(ref, "_"), Error);       // not an instruction
}

TEST(ContigNames, DeltaCodingAsAgc) {
    // The toy example: chr1, chr2, chr3, seq.
    std::vector<SampleDesc> batch(1);
    batch[0].name = "ref";
    for (auto n : {"chr1", "chr2", "chr3", "seq"}) batch[0].contigs.push_back({n, {}});
    auto raw = encode_contig_names(batch);
    EXPECT_EQ(raw, (Bytes{1, 4, 'c', 'h', 'r', '1', 0, 0xFD, '2', 0, 0xFD, '3', 0, 's', 'e', 'q', 0}));
    std::vector<SampleDesc> back(1);
    decode_contig_names(raw, back);
    for (size_t i = 0; i < 4; ++i) EXPECT_EQ(back[0].contigs[i].name, batch[0].contigs[i].name);
}

TEST(ContigNames, RoundTripWithDescriptionsAndLongRuns) {
    std::vector<SampleDesc> batch(2);
    batch[0].contigs = {{"chr1 len=100 x", {}}, {"chr2 len=100 y", {}}, {"chr2 len=100 y", {}},
                        {std::string(250, 'a') + "b", {}}, {std::string(250, 'a') + "c", {}},
                        {"a  b", {}}, {"a  c", {}}, {"", {}}, {"z", {}}};
    batch[1].contigs = {{"HG002#1#chr1", {}}, {"HG002#1#chr10", {}}};
    auto raw = encode_contig_names(batch);
    std::vector<SampleDesc> back(2);
    decode_contig_names(raw, back);
    for (size_t s = 0; s < 2; ++s)
        for (size_t i = 0; i < batch[s].contigs.size(); ++i) EXPECT_EQ(back[s].contigs[i].name, batch[s].contigs[i].name);
    std::vector<SampleDesc> wrong(3);
    EXPECT_THROW(decode_contig_names(raw, wrong), Error);
}

TEST(SegmentDetails, RoundTripWithRepeatedGroups) {
    std::vector<SampleDesc> batch(2);
    std::mt19937 rng(11);
    for (auto& s : batch)
        for (int c = 0; c < 5; ++c) {
            ContigDesc cd{fmt::format("c{}", c), {}};
            for (int i = 0; i < 30; ++i)
                cd.segments.push_back({static_cast<uint32_t>(rng() % 20), static_cast<uint32_t>(rng() % 7),
                                       static_cast<uint32_t>(60031 + rng() % 1000 - 500), (rng() & 1) != 0});
            s.contigs.push_back(cd);
        }
    auto payload = encode_segment_details(batch, 60031);
    std::vector<SampleDesc> back(2);
    for (size_t s = 0; s < 2; ++s) back[s].contigs.resize(batch[s].contigs.size());
    decode_segment_details(payload, back, 60031);
    for (size_t s = 0; s < 2; ++s)
        for (size_t c = 0; c < 5; ++c) EXPECT_EQ(back[s].contigs[c].segments, batch[s].contigs[c].segments);
}

TEST(ContigQueries, ParsedAsAgcWithTheLastDelimiters) {
    auto q = parse_contig_query("chr1@s0:100-119");
    EXPECT_EQ(q.contig, "chr1");
    EXPECT_EQ(q.sample, "s0");
    EXPECT_TRUE(q.has_range);
    EXPECT_EQ(q.from, 100);
    EXPECT_EQ(q.to, 119);
    q = parse_contig_query("a@b@c");
    EXPECT_EQ(q.contig, "a@b");
    EXPECT_EQ(q.sample, "c");
    EXPECT_FALSE(q.has_range);
    q = parse_contig_query("HLA-A:5-10");
    EXPECT_EQ(q.contig, "HLA-A");
    EXPECT_EQ(q.from, 5);
    q = parse_contig_query("chr1:-5-10");  // a negative from; normalised later with a warning
    EXPECT_EQ(q.contig, "chr1");
    EXPECT_EQ(q.from, -5);
    EXPECT_EQ(q.to, 10);
    q = parse_contig_query("plain");
    EXPECT_EQ(q.contig, "plain");
    EXPECT_TRUE(q.sample.empty());
    EXPECT_THROW(parse_contig_query("chr1:a-b"), Error);
    EXPECT_THROW(parse_contig_query(""), Error);
}

}  // namespace
}  // namespace agcflow
