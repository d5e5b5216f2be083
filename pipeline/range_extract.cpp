#include "pipeline/range_extract.h"

#include <oneapi/tbb/parallel_for.h>

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

#include "io/error.h"
#include "io/thread_cache.h"
#include "stages/group_parts.h"
#include "stages/nucleotide.h"

namespace agcflow {

namespace {

uint64_t segment_key(const SegmentDesc& d) { return (uint64_t(d.group_id) << 32) | d.in_group_id; }

// Where each segment's bases end in its contig: segment i gives bases [ends[i-1], ends[i])
// (the first segment all of its bases, each later one all but the k it shares with the one
// before).
std::vector<uint64_t> segment_ends(const ContigDesc& c, uint32_t k) {
    std::vector<uint64_t> ends;
    ends.reserve(c.segments.size());
    uint64_t end = 0;
    for (size_t i = 0; i < c.segments.size(); ++i) {
        const uint32_t len = c.segments[i].raw_length;
        if (i > 0 && len < k) throw Error::corrupt("corrupt archive: segment shorter than k in contig " + c.name);
        end += i == 0 ? len : len - k;
        ends.push_back(end);
    }
    return ends;
}

struct Touch {
    const ContigDesc* contig = nullptr;
    const std::vector<uint64_t>* ends = nullptr;
    size_t first = 0, last = 0;  // segments [first, last); empty for an empty range
};

}  // namespace

RangeExtractStats extract_ranges(const ArchiveCatalog& catalog, const SegmentDecoder& decoder,
                                 std::span<const RangeRequest> ranges, uint64_t budget, Operation& op,
                                 const std::function<void(size_t, std::span<const uint8_t>, std::vector<uint8_t>&)>& format,
                                 const std::function<void(size_t, std::span<const uint8_t>)>& write) {
    const uint32_t k = catalog.params().k;
    const uint32_t P = catalog.params().pack_cardinality;
    RangeExtractStats stats;
    std::unordered_map<uint64_t, std::vector<uint64_t>> ends_of;  // by (sample, contig)
    size_t next = 0;
    while (next < ranges.size()) {
        op.check();
        // The window: ranges in order while their output and their not yet counted segments fit.
        const size_t start = next;
        std::vector<Touch> touches;
        std::unordered_map<uint64_t, uint32_t> slot_of;  // segment key -> index into `keys`
        std::vector<uint64_t> keys;
        std::vector<uint32_t> lengths;  // per key: the length its (first) descriptor gives
        uint64_t held = 0;
        while (next < ranges.size()) {
            const RangeRequest& r = ranges[next];
            Touch t;
            t.contig = &catalog.contig(r.contig);
            const uint64_t ckey = (uint64_t(r.contig.sample_index) << 32) | r.contig.contig_index;
            auto it = ends_of.find(ckey);
            if (it == ends_of.end()) it = ends_of.emplace(ckey, segment_ends(*t.contig, k)).first;
            t.ends = &it->second;
            const uint64_t length = t.ends->empty() ? 0 : t.ends->back();
            if (r.begin > r.end || r.end > length) throw Error::internal("internal: range outside its contig");
            if (r.begin < r.end) {
                t.first = static_cast<size_t>(std::upper_bound(t.ends->begin(), t.ends->end(), r.begin) - t.ends->begin());
                t.last = static_cast<size_t>(std::upper_bound(t.ends->begin(), t.ends->end(), r.end - 1) - t.ends->begin()) + 1;
            }
            uint64_t cost = (r.end - r.begin) + (r.end - r.begin) / 32 + 256;
            for (size_t s = t.first; s < t.last; ++s)
                if (!slot_of.count(segment_key(t.contig->segments[s]))) cost += t.contig->segments[s].raw_length;
            if (next > start && held + cost > budget) break;
            held += cost;
            for (size_t s = t.first; s < t.last; ++s) {
                const uint64_t key = segment_key(t.contig->segments[s]);
                if (slot_of.emplace(key, static_cast<uint32_t>(keys.size())).second) {
                    keys.push_back(key);
                    lengths.push_back(t.contig->segments[s].raw_length);
                }
                ++stats.segment_uses;
            }
            touches.push_back(t);
            ++next;
        }
        ++stats.windows;
        stats.segments_decoded += keys.size();

        // Decode: segments in runs of one pack each, so that every pack is decompressed once.
        auto pack_of = [&](uint64_t key) {
            const uint32_t g = static_cast<uint32_t>(key >> 32), id = static_cast<uint32_t>(key);
            const uint64_t pack = g < kNumRawGroups ? id / P : id == 0 ? UINT32_MAX : (id - 1) / P;
            return (uint64_t(g) << 32) | pack;
        };
        std::vector<uint32_t> order(keys.size());
        for (uint32_t i = 0; i < order.size(); ++i) order[i] = i;
        std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
            const uint64_t pa = pack_of(keys[a]), pb = pack_of(keys[b]);
            return pa != pb ? pa < pb : keys[a] < keys[b];
        });
        std::vector<size_t> run_starts;
        for (size_t i = 0; i < order.size(); ++i)
            if (i == 0 || pack_of(keys[order[i]]) != pack_of(keys[order[i - 1]])) run_starts.push_back(i);
        run_starts.push_back(order.size());
        // (A segment that fails to decode is reported when the first range needing it is
        // written: the same error whatever the threads did.)
        std::vector<Codes> decoded(keys.size());
        std::vector<std::exception_ptr> failed(keys.size());
        tbb::parallel_for(size_t(0), run_starts.size() - 1, [&](size_t run) {
            op.check();
            static ThreadCache<SegmentScratch> scratches;
            SegmentScratch& scratch = scratches.get();
            for (size_t i = run_starts[run]; i < run_starts[run + 1]; ++i) {
                const uint64_t key = keys[order[i]];
                try {
                    decoder.decode(static_cast<uint32_t>(key >> 32), static_cast<uint32_t>(key), decoded[order[i]], scratch,
                                   lengths[order[i]]);
                } catch (...) {
                    failed[order[i]] = std::current_exception();
                    scratch = SegmentScratch();
                }
            }
        });

        // Cut the ranges from the decoded segments and format them, in parallel; write in order.
        const size_t count = next - start;
        std::vector<std::vector<uint8_t>> out(count);
        std::vector<std::exception_ptr> range_failed(count);
        tbb::parallel_for(size_t(0), count, [&](size_t w) {
          try {
            const RangeRequest& r = ranges[start + w];
            const Touch& t = touches[w];
            static ThreadCache<Codes> buffers;
            Codes& codes = buffers.get();
            codes.clear();
            codes.reserve(r.end - r.begin);
            for (size_t s = t.first; s < t.last; ++s) {
                const SegmentDesc& d = t.contig->segments[s];
                const uint32_t slot = slot_of.at(segment_key(d));
                if (failed[slot]) std::rethrow_exception(failed[slot]);
                const Codes& seg = decoded[slot];
                if (seg.size() != d.raw_length)
                    throw Error::corrupt("corrupt archive: segment of group " + std::to_string(d.group_id) + " id " +
                                         std::to_string(d.in_group_id) + " decodes to " + std::to_string(seg.size()) +
                                         " bases, expected " + std::to_string(d.raw_length));
                const uint64_t seg_end = (*t.ends)[s], seg_begin = seg_end - d.raw_length;  // contig position of seg[0]
                const uint64_t lo = std::max(r.begin, s == 0 ? 0 : (*t.ends)[s - 1]), hi = std::min(r.end, seg_end);
                if (!d.is_rev_comp) {
                    codes.insert(codes.end(), seg.begin() + (lo - seg_begin), seg.begin() + (hi - seg_begin));
                } else {
                    // Contig positions [lo, hi) are the mirrored stretch of the stored segment.
                    const size_t at = codes.size();
                    codes.insert(codes.end(), seg.begin() + (seg_end - hi), seg.begin() + (seg_end - lo));
                    reverse_complement_in_place(std::span<uint8_t>(codes.data() + at, hi - lo));
                }
            }
            format(start + w, codes, out[w]);
          } catch (...) {
            range_failed[w] = std::current_exception();
          }
        });
        decoded.clear();
        for (size_t w = 0; w < count; ++w) {
            if (range_failed[w]) std::rethrow_exception(range_failed[w]);
            write(start + w, out[w]);
            std::vector<uint8_t>().swap(out[w]);
        }
        op.progress({next, ranges.size(), 0});
    }
    return stats;
}

}  // namespace agcflow
