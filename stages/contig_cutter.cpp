#include "stages/contig_cutter.h"

#include "stages/kmer_scan.h"

namespace agcflow {

// The scan keeps only the forward k-mer (the splitter table holds both orientations); the
// reverse complement is computed where the table says "maybe".
std::vector<ContigCut> cut_contig(std::span<const uint8_t> contig, const SplitterSet& splitters, uint32_t k) {
    std::vector<ContigCut> cuts;
    const uint32_t shift = 64 - 2 * k;
    uint64_t fwd = 0;
    uint32_t len = 0;  // valid bases in fwd since the last reset (up to k)
    CutKmer front;
    size_t start = 0;
    const uint8_t* p = contig.data();
    for (size_t pos = 0, n = contig.size(); pos < n; ++pos) {
        const uint8_t x = p[pos];
        if (x > 3) {
            len = 0;  // (older bases leave fwd by themselves within k pushes)
            continue;
        }
        fwd = fwd << 2 | (uint64_t(x) << shift);
        len += len < k;
        if (len == k && splitters.may_contain(fwd)) {
            const uint64_t rc = reverse_complement_kmer(fwd, k);
            if (splitters.contains(fwd < rc ? fwd : rc)) {
                CutKmer here{true, fwd, rc};
                cuts.push_back({start, pos + 1, front, here});
                start = pos + 1 - k;
                front = here;
                len = 0;
            }
        }
    }
    if (start < contig.size()) cuts.push_back({start, contig.size(), front, CutKmer{}});
    return cuts;
}

}  // namespace agcflow
