// The zstd floor of an archive: every zstd frame the archive holds, decoded and compressed again
// by zstd alone, with the calls create makes (the same levels, one call per part, one context
// per thread), on one thread. Byte identity with AGC fixes this work: no create can do less.
//
//   build/bench/agcflow-zstd-floor ARCHIVE [--repeat N]
//
// Prints the parts and bytes by kind, the seconds of zstd (the best of N rounds), the floor at
// P threads (the work divided over P, but never below the longest single call) and a check that
// every frame came out byte-identical to the archive's. bench/zstd-floor runs create next to
// it and reports create's time as a multiple of the floor.
#include <zstd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "io/archive_catalog.h"
#include "io/compression_profile.h"
#include "io/stream_names.h"
#include "io/zstd_codec.h"

namespace {

using namespace agcflow;

struct Frame {
    std::string kind;
    std::vector<uint8_t> raw;
    std::vector<uint8_t> stored;  // the archive's frame
    int level;
};

// The level create uses for a stream's frames (io/compression_profile.h).
int level_for(const std::string& stream, uint8_t marker, const CompressionProfile& p, std::string& kind) {
    if (stream == "collection-samples") return kind = "collection", p.samples_level;
    if (stream == "collection-contigs") return kind = "collection", p.contigs_level;
    const auto group = parse_group_stream(stream);
    if (!group) return -1;
    if (!group->reference) return kind = "pack", p.pack_level;
    kind = "reference";
    return marker == 1 ? p.reference_tuple_level : p.reference_plain_level;
}

std::vector<Frame> frames_of(const ArchiveCatalog& archive, const CompressionProfile& profile) {
    std::vector<Frame> out;
    const ArchiveReader& r = archive.reader();
    for (const StreamInfo& s : r.streams()) {
        for (size_t i = 0; i < s.parts.size(); ++i) {
            Part p = r.part(s, i);
            if (p.payload.empty()) continue;
            Frame f;
            const bool marked = parse_group_stream(s.name).has_value();  // group parts end with AGC's marker byte
            if (marked && p.metadata == 0) continue;     // stored plain
            const uint8_t marker = marked ? p.payload.back() : 0;
            f.level = level_for(s.name, marker, profile, f.kind);
            if (f.level < 0) continue;  // collection-details (five frames in one part) and metadata
            std::span<const uint8_t> frame(p.payload.data(), p.payload.size() - (marked ? 1 : 0));
            f.stored.assign(frame.begin(), frame.end());
            if (marker == 1)
                zstd_decompress_frame_upto(frame, p.metadata + 1, f.raw, s.name);
            else
                zstd_decompress_frame(frame, p.metadata, f.raw, s.name);
            out.push_back(std::move(f));
        }
    }
    return out;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: agcflow-zstd-floor ARCHIVE [--repeat N]\n");
        return 2;
    }
    int repeat = 1;
    for (int i = 2; i + 1 < argc; ++i)
        if (std::strcmp(argv[i], "--repeat") == 0) repeat = std::max(1, std::atoi(argv[i + 1]));
    try {
        ArchiveCatalog archive(argv[1], false);
        Preset preset = Preset::agc;
        if (auto it = archive.file_type_info().find(kPresetKey); it != archive.file_type_info().end())
            preset = parse_preset(it->second).value_or(Preset::agc);
        const CompressionProfile profile = preset_profile(preset);
        const auto frames = frames_of(archive, profile);
        std::map<std::string, std::pair<size_t, uint64_t>> by_kind;
        for (auto& f : frames) {
            by_kind[f.kind].first++;
            by_kind[f.kind].second += f.raw.size();
        }
        double best = 1e300, longest = 0;
        size_t identical = 0;
        for (int round = 0; round < repeat; ++round) {
            double total = 0, round_longest = 0;
            identical = 0;
            for (auto& f : frames) {
                const auto t0 = std::chrono::steady_clock::now();
                auto z = zstd_compress(f.raw, f.level);
                const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
                total += s;
                round_longest = std::max(round_longest, s);
                identical += z == f.stored;
            }
            if (total < best) best = total, longest = round_longest;
        }
        std::printf("archive: %s (preset %s)\n", argv[1], preset_name(preset));
        for (auto& [kind, v] : by_kind)
            std::printf("  %-10s %7zu frames %12llu raw bytes\n", kind.c_str(), v.first,
                        static_cast<unsigned long long>(v.second));
        std::printf("zstd_s=%.3f longest_call_s=%.3f frames=%zu identical=%zu\n", best, longest, frames.size(), identical);
        for (int p : {1, 2, 16, 32})
            std::printf("floor -t %d: %.3f s\n", p, std::max(best / p, longest));
        return identical == frames.size() ? 0 : 1;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "agcflow-zstd-floor: %s\n", e.what());
        return 1;
    }
}
