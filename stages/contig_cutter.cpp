#include "stages/contig_cutter.h"

#include "stages/kmer_scan.h"

namespace agcflow {

std::vector<ContigCut> cut_contig(std::span<const uint8_t> contig, const SplitterSet& splitters, uint32_t k) {
    std::vector<ContigCut> cuts;
    RollingKmer km(k);
    CutKmer front;
    size_t start = 0;
    for (size_t pos = 0; pos < contig.size(); ++pos) {
        const uint8_t x = contig[pos];
        if (x > 3) {
            km.reset();
            continue;
        }
        km.push(x);
        if (km.full() && splitters.contains(km.canonical())) {
            CutKmer here{true, km.forward(), km.reverse()};
            cuts.push_back({start, pos + 1, front, here});
            start = pos + 1 - k;
            front = here;
            km.reset();
        }
    }
    if (start < contig.size()) cuts.push_back({start, contig.size(), front, CutKmer{}});
    return cuts;
}

}  // namespace agcflow
