#include "pipeline/create_state.h"

#include <oneapi/tbb/parallel_for.h>

#include <algorithm>

#include "io/stream_names.h"
#include "io/thread_cache.h"
#include "io/varint.h"
#include "stages/group_parts.h"
#include "stages/segment_decoder.h"

namespace agcflow {

CompressionState::CompressionState(const CreateConfig& c, SplitterSelection selection)
    : cfg(c),
      splitters(selection.splitters, c.k),
      fallback(FallbackFilter(c.fallback_fraction), c.k, c.segment_size, c.adaptive),
      reference_fallback(std::move(selection.fallback)) {
    reference_kmers.singletons = std::move(selection.singletons);
    reference_kmers.duplicates = std::move(selection.duplicates);
    for (uint32_t g = 0; g < kNumRawGroups; ++g)
        groups.push_back(std::make_unique<GroupStore>(g, cfg.pack_cardinality, cfg.min_match_len, cfg.profile));
}

CompressionState::CompressionState(const CreateConfig& c, const ArchiveCatalog& in, const Operation& op)
    : cfg(c), splitters({}, c.k), fallback(FallbackFilter(c.fallback_fraction), c.k, c.segment_size, c.adaptive) {
    const ArchiveReader& r = in.reader();
    {
        Part p = r.part("splitters", 0);
        ByteReader br(p.payload, "splitters");
        for (uint64_t i = 0; i < p.metadata; ++i) splitters.insert(br.u64le());
    }
    {
        Part p = r.part("segment-splitters", 0);
        ByteReader br(p.payload, "segment-splitters");
        for (uint64_t i = 0; i < p.metadata; ++i) {
            GroupKey key;
            key.first = br.u64le();
            key.second = br.u64le();
            map.add(key, br.u32le());
        }
    }
    const uint32_t P = cfg.pack_cardinality;
    for (uint32_t g = 0;; ++g) {
        const StreamInfo* rs = r.find(reference_stream_name(g));
        const StreamInfo* ds = r.find(delta_stream_name(g));
        if (!rs && !ds) break;
        std::optional<Codes> ref;
        if (rs) {
            Part p = r.part(*rs, 0);
            ref = decode_reference_part(p.metadata, p.payload, "stream " + rs->name);
        }
        uint32_t full = 0;
        std::vector<std::vector<uint8_t>> last;
        if (ds && !ds->parts.empty()) {
            full = static_cast<uint32_t>(ds->parts.size() - 1) * P;
            Part p = r.part(*ds, ds->parts.size() - 1);
            auto pack = decode_pack(p.metadata, p.payload, "stream " + ds->name);
            size_t start = 0;
            for (size_t i = 0; i < pack.size(); ++i)
                if (pack[i] == kPackSeparator && (P > 1 || i + 1 == pack.size())) {
                    last.emplace_back(pack.begin() + start, pack.begin() + i);
                    start = i + 1;
                }
        }
        groups.push_back(GroupStore::reopen(g, P, cfg.min_match_len, std::move(ref), full, std::move(last), cfg.profile));
    }
    if (groups.size() < kNumRawGroups)
        throw Error(ErrorKind::unsupported, r.path().string() + ": archive has no raw groups; cannot append");
    if (cfg.adaptive) reference_kmers_for_adaptive_append(in, op);
}

// append -a needs the reference's singleton and repeated k-mers (new splitters must be absent
// from both). AGC rebuilds them from the archive's first sample, decoded to text and read
// again: bases that are not IUPAC codes (AGC-made archives can hold them) are dropped on the
// way, as AGC's text round trip drops them.
void CompressionState::reference_kmers_for_adaptive_append(const ArchiveCatalog& in, const Operation& op) {
    if (in.sample_names().empty()) return;
    SegmentDecoder decoder(in);
    const SampleDesc& reference = in.sample(0);
    std::vector<Codes> contigs(reference.contigs.size());
    tbb::parallel_for(size_t(0), contigs.size(), [&](size_t i) {
        op.check();
        static ThreadCache<SegmentScratch> scratches;
        SegmentScratch& scratch = scratches.get();
        Codes& c = contigs[i];
        assemble_contig(reference.contigs[i], decoder, in.params().k, BaseRange{}, c, scratch);
        c.erase(std::remove_if(c.begin(), c.end(), [](uint8_t x) { return x >= kNumIupacCodes; }), c.end());
    });
    const std::vector<ContigView> views(contigs.begin(), contigs.end());
    reference_kmers.singletons = reference_singletons(views, cfg.k, &reference_kmers.duplicates);
}

}  // namespace agcflow
