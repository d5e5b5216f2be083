#include "stages/candidate_splitters.h"

#include <oneapi/tbb/enumerable_thread_specific.h>
#include <oneapi/tbb/parallel_for.h>

#include <algorithm>
#include <atomic>
#include <unordered_map>

#include "stages/contig_cutter.h"
#include "stages/kmer_scan.h"
#include "stages/splitter_selection.h"

namespace agcflow {

namespace {

constexpr uint64_t kNone = UINT64_MAX;
// k-mers asked about per window: in an assembly a window fails (holds no singleton) mostly where
// a point falls into a repeat, whatever its size, so windows start small. A failed window grows
// to 1,536 k-mers (a point that fell into a repeat is seldom within 96 bases of its end: on the
// 260 MB benchmark's reference every such window failed too, which cost a round per repeat:
// 20 -> 16 rounds), and sixteenfold a round after that.
constexpr uint64_t kWindow = 6, kFirstGrowth = 256, kGrowth = 16;
constexpr uint64_t kScanPiece = uint64_t(1) << 20;

// The last position in [p + 1 - k, p] holding a code > 3 (not ACGT), or kNone: whether a full
// k-mer ends at p.
uint64_t last_non_acgt(ContigView c, uint64_t p, uint32_t k) {
    for (uint64_t j = p + 1; j-- > p + 1 - k;)
        if (c[j] > 3) return j;
    return kNone;
}

// The end of the first full k-mer (k codes 0..3) ending at or after p; n if none.
uint64_t next_full(ContigView c, uint64_t p, uint32_t k) {
    const uint64_t n = c.size();
    for (p = std::max<uint64_t>(p, k - 1); p < n;) {
        const uint64_t bad = last_non_acgt(c, p, k);
        if (bad == kNone) return p;
        p = bad + k;
    }
    return n;
}

// The end of the last full k-mer ending at or before p (p < n); kNone if none.
uint64_t prev_full(ContigView c, uint64_t p, uint32_t k) {
    while (p != kNone && p + 1 >= k) {
        const uint64_t bad = last_non_acgt(c, p, k);
        if (bad == kNone) return p;
        p = bad == 0 ? kNone : bad - 1;
    }
    return kNone;
}

uint64_t canonical_at(ContigView c, uint64_t end, uint32_t k) {
    RollingKmer km(k);
    for (uint64_t j = end + 1 - k; j <= end; ++j) km.push(c[j]);
    return km.canonical();
}

// One contig's walk, as SingletonMap's jump walk in splitter_selection.cpp: resumable, it stops
// at the first position whose k-mer's status is not known yet.
class Walk {
public:
    Walk(ContigView contig, uint32_t k, uint32_t segment_size)
        : c_(contig), k_(k), step_(std::max<uint64_t>(segment_size, k)) {}

    bool backward() const { return phase_ == Phase::last; }
    const std::vector<uint64_t>& chosen() const { return chosen_; }
    void set(uint64_t end, bool singleton) { known_[end] = singleton; }
    bool known(uint64_t end) const { return known_.count(end) != 0; }

    // Walks on; the position whose status it needs, or kNone once done.
    uint64_t advance() {
        const uint64_t n = c_.size();
        const Phase phase = phase_;
        const uint64_t from = from_;
        const uint64_t need = walk(n);
        // Stopped again in the same search: its window grows.
        const bool again = asked_ && phase_ == phase && from_ == from && need != kNone;
        window_ = again ? window_ * (window_ == kWindow ? kFirstGrowth : kGrowth) : kWindow;
        asked_ = true;
        return need;
    }

    // The positions (full k-mer ends, status unknown) the walk may ask about from `need` on,
    // if its next k-mers are singletons: the current search's window from `need`, and kWindow
    // from each point it would reach after that; going backward (the last candidate), the
    // window before `need`.
    void speculate(uint64_t need, std::vector<uint64_t>& out) const {
        const uint64_t n = c_.size();
        auto take = [&](uint64_t p, bool forward, uint64_t window, uint64_t lowest = 0) {
            for (uint64_t got = 0; p != kNone && p < n && p >= lowest && got < window;) {
                if (!known(p)) out.push_back(p), ++got;
                p = forward ? next_full(c_, p + 1, k_) : (p == 0 ? kNone : prev_full(c_, p - 1, k_));
            }
        };
        if (backward()) {
            take(need, false, window_, from_);
            return;
        }
        take(need, true, window_);
        for (uint64_t from = need + step_; from < n; from += step_) take(next_full(c_, from, k_), true, kWindow);
        if (n > 0) take(prev_full(c_, n - 1, k_), false, kWindow);  // the last candidate
    }

private:
    uint64_t walk(uint64_t n) {
        for (;;) {
            if (phase_ == Phase::done) return kNone;
            if (phase_ == Phase::last) {
                // The last singleton at or after from_ (the contig's last candidate).
                for (uint64_t p = n == 0 ? kNone : prev_full(c_, n - 1, k_); p != kNone && p >= from_;
                     p = p == 0 ? kNone : prev_full(c_, p - 1, k_)) {
                    auto it = known_.find(p);
                    if (it == known_.end()) return p;
                    if (it->second) {
                        chosen_.push_back(canonical_at(c_, p, k_));
                        break;
                    }
                }
                phase_ = Phase::done;
                continue;
            }
            uint64_t p = next_full(c_, from_, k_);
            for (; p < n; p = next_full(c_, p + 1, k_)) {
                auto it = known_.find(p);
                if (it == known_.end()) return p;
                if (it->second) break;
            }
            if (p >= n) {
                // None: without a first splitter the contig has none; else look for the last.
                phase_ = phase_ == Phase::first ? Phase::done : Phase::last;
                from_ = at_ + k_;
                continue;
            }
            chosen_.push_back(canonical_at(c_, p, k_));
            at_ = p;
            from_ = p + step_;
            phase_ = Phase::next;
        }
    }

    enum class Phase { first, next, last, done };
    ContigView c_;
    uint32_t k_;
    uint64_t step_;
    Phase phase_ = Phase::first;
    uint64_t from_ = 0, at_ = 0;
    uint64_t window_ = kWindow;  // the current search's
    bool asked_ = false;         // advance() was called before
    std::vector<uint64_t> chosen_;
    std::unordered_map<uint64_t, bool> known_;
};

}  // namespace

std::optional<CandidateSplitters> splitters_by_candidates(const std::vector<ContigView>& reference, uint32_t k,
                                                          uint32_t segment_size, double max_scans,
                                                          const std::function<void()>& check, Trace* trace) {
    auto stop_if_asked = [&] {
        if (check) check();
    };
    uint64_t total = 0;
    for (auto& c : reference) total += c.size();
    std::vector<Walk> walks;
    walks.reserve(reference.size());
    for (auto& c : reference) walks.emplace_back(c, k, segment_size);
    // The pieces every round scans (contig, start), as the cutter's.
    std::vector<std::pair<size_t, uint64_t>> pieces;
    for (size_t c = 0; c < reference.size(); ++c)
        for (uint64_t from = 0; from < reference[c].size(); from += kScanPiece) pieces.emplace_back(c, from);

    CandidateSplitters result;
    std::vector<uint64_t> need(walks.size());
    std::vector<std::vector<uint64_t>> positions(walks.size());
    tbb::enumerable_thread_specific<std::vector<SplitterHit>> hits_of;
    // Work so far in plain scans of the reference (one with the skip table counts a fifth:
    // 8 against 40 ms on a 20 Mb reference).
    double scans = 0;
    for (;;) {
        stop_if_asked();
        bool pending = false;
        tbb::parallel_for(size_t(0), walks.size(), [&](size_t c) {
            need[c] = walks[c].advance();
            positions[c].clear();
            if (need[c] != kNone) walks[c].speculate(need[c], positions[c]);
        });
        for (uint64_t x : need) pending |= x != kNone;
        if (!pending) break;
        // The candidates' canonical k-mers, and their counts over the whole reference (the
        // walk asks whether one occurs exactly once; counts stop at 2).
        std::vector<std::vector<uint64_t>> kmers(walks.size());
        tbb::parallel_for(size_t(0), walks.size(), [&](size_t c) {
            for (uint64_t p : positions[c]) kmers[c].push_back(canonical_at(reference[c], p, k));
        });
        std::vector<uint64_t> distinct;
        for (auto& v : kmers) distinct.insert(distinct.end(), v.begin(), v.end());
        std::sort(distinct.begin(), distinct.end());
        distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
        // Counting more than a quarter of the reference's k-mers, or scanning it more than
        // max_scans times: the full map does better (it costs about 15 plain scans).
        const SplitterSet set(distinct, k);
        scans += set.skips().table ? 0.2 : 1;
        if (distinct.size() > total / 4 + kWindow || scans > max_scans) return std::nullopt;
        ++result.rounds;
        std::vector<uint8_t> counts(distinct.size(), 0);
        {
            Trace::Span region(trace, "splitters-par", -1, -1, total);
            tbb::parallel_for(size_t(0), pieces.size(), [&](size_t x) {
                stop_if_asked();
                const auto [c, from] = pieces[x];
                const ContigView seq = reference[c];
                auto& hits = hits_of.local();
                hits.clear();
                find_splitter_hits(seq, from, std::min<uint64_t>(seq.size(), from + kScanPiece), set, k, hits);
                for (const SplitterHit& h : hits) {
                    const uint64_t v = std::min(h.forward, h.reverse);
                    const size_t i = static_cast<size_t>(std::lower_bound(distinct.begin(), distinct.end(), v) - distinct.begin());
                    std::atomic_ref<uint8_t> n(counts[i]);
                    if (n.load(std::memory_order_relaxed) < 2) n.fetch_add(1, std::memory_order_relaxed);
                }
            });
        }
        uint64_t asked = 0, repeated = 0;
        for (size_t c = 0; c < walks.size(); ++c)
            for (size_t j = 0; j < positions[c].size(); ++j) {
                const size_t i = static_cast<size_t>(std::lower_bound(distinct.begin(), distinct.end(), kmers[c][j]) - distinct.begin());
                walks[c].set(positions[c][j], counts[i] == 1);
                ++asked, repeated += counts[i] != 1;
            }
        if (result.rounds == 1) {
            // A window fails (and its walk waits for another round, about three for a repeat of
            // a few kilobases) where it falls into a repeat: about as often as a k-mer asked
            // about is repeated. Expecting more rounds than the budget allows (a reference
            // rich in repeats, such as a human one), the full map is built at once.
            const double rate = asked ? static_cast<double>(repeated) / static_cast<double>(asked) : 0;
            double longest = 0;
            for (auto& c : reference) longest = std::max(longest, static_cast<double>(c.size()));
            const double rounds = 1 + 3 * rate * longest / std::max<double>(segment_size, k);
            if (1 + 0.2 * rounds > max_scans) return std::nullopt;
        }
    }
    result.per_contig.reserve(walks.size());
    for (auto& w : walks) result.per_contig.push_back(w.chosen());
    return result;
}

}  // namespace agcflow
