#include "stages/contig_cutter.h"

#include "stages/kmer_scan.h"
#include "stages/nucleotide.h"

#include <algorithm>
#include <cstring>

namespace agcflow {

// The scan keeps only the forward k-mer (the splitter table holds both orientations); the
// reverse complement is computed where the table says "maybe" (rarely: the test is out of line).
// Eight bases at a time, when all are ACGT and the k-mer is already full (nearly always), go
// through a loop with no test but the table's, whose pointer and shift are held in locals.
void find_splitter_hits(std::span<const uint8_t> contig, size_t from, size_t to, const SplitterSet& splitters,
                        uint32_t k, std::vector<SplitterHit>& out) {
    const uint32_t shift = 64 - 2 * k;
    const uint64_t base_bits[4] = {0, uint64_t(1) << shift, uint64_t(2) << shift, uint64_t(3) << shift};
    const SplitterSet::Filter filter = splitters.filter();
    uint64_t fwd = 0;
    uint32_t len = 0;  // valid bases in fwd (up to k)
    const uint8_t* p = contig.data();
    // (The k-mer is passed by value: a capture by reference would keep it in memory, stored at
    // every base.)
    auto confirm = [&](size_t at, uint64_t kmer) __attribute__((noinline)) {
        const uint64_t rc = reverse_complement_kmer(kmer, k);
        if (at >= from && splitters.contains(kmer < rc ? kmer : rc)) out.push_back({at + 1, kmer, rc});
    };
    if (const SplitterSet::Skips skips = splitters.skips(); skips.table) {
        // Window ends moved by the skip table; a window whose last 8-mer ends a splitter is
        // read whole (k codes, all ACGT) and tested as the plain scan tests every position.
        constexpr uint32_t g = SplitterSet::kGramBases;
        for (size_t end = std::max<size_t>(from, k - 1); end < to;) {
            uint64_t w;
            std::memcpy(&w, p + end + 1 - g, 8);
            if (!acgt8(p + end + 1 - g)) {
                end += skips.longest;
                continue;
            }
            if (const uint8_t skip = skips.table[SplitterSet::gram_index(w)]) {
                end += skip;
                continue;
            }
            uint64_t kmer = 0;
            bool acgt = true;
            for (size_t j = end + 1 - k; j <= end; ++j) kmer = kmer << 2 | (p[j] & 3u), acgt &= p[j] <= 3;
            kmer <<= shift;
            if (acgt && filter.may_contain(kmer)) confirm(end, kmer);
            ++end;
        }
        return;
    }
    size_t pos = from >= k - 1 ? from - (k - 1) : 0;
    while (pos < to) {
        if (len == k && pos + 8 <= to) {
            if (acgt8(p + pos)) {
                for (uint32_t j = 0; j < 8; ++j) {
                    fwd = fwd << 2 | base_bits[p[pos + j]];
                    if (filter.may_contain(fwd)) [[unlikely]]
                        confirm(pos + j, fwd);
                }
                pos += 8;
                continue;
            }
        }
        const uint8_t x = p[pos];
        if (x > 3) {
            len = 0;  // (older bases leave fwd by themselves within k pushes)
        } else {
            fwd = fwd << 2 | base_bits[x];
            len += len < k;
            if (len == k && filter.may_contain(fwd)) confirm(pos, fwd);
        }
        ++pos;
    }
}

std::vector<ContigCut> cuts_from_hits(std::span<const SplitterHit> hits, size_t contig_size, uint32_t k) {
    std::vector<ContigCut> cuts;
    CutKmer front;
    size_t start = 0;
    for (const SplitterHit& h : hits) {
        if (front.full && h.end < start + 2 * k) continue;  // within the previous splitter (start + k = its end)
        CutKmer here{true, h.forward, h.reverse};
        cuts.push_back({start, h.end, front, here});
        start = h.end - k;
        front = here;
    }
    if (start < contig_size) cuts.push_back({start, contig_size, front, CutKmer{}});
    return cuts;
}

std::vector<ContigCut> cut_contig(std::span<const uint8_t> contig, const SplitterSet& splitters, uint32_t k) {
    std::vector<SplitterHit> hits;
    find_splitter_hits(contig, 0, contig.size(), splitters, k, hits);
    return cuts_from_hits(hits, contig.size(), k);
}

}  // namespace agcflow
