#include "stages/group_router.h"

#include <algorithm>
#include <cstdlib>
#include <tuple>

#include "io/error.h"
#include "stages/split_point.h"

namespace agcflow {

// ---- GroupMap --------------------------------------------------------------------------------

GroupMap::GroupMap() { keys_.emplace(GroupKey{kNoKmer, kNoKmer}, 0); }

std::optional<uint32_t> GroupMap::find(const GroupKey& key) const {
    auto it = keys_.find(key);
    if (it == keys_.end()) return std::nullopt;
    return it->second;
}

const std::vector<uint64_t>* GroupMap::partners(uint64_t kmer) const {
    auto it = partners_.find(kmer);
    return it == partners_.end() ? nullptr : &it->second;
}

void GroupMap::add(const GroupKey& key, uint32_t group) {
    auto [it, added] = keys_.emplace(key, group);
    if (!added && it->second > group) it->second = group;
    if (key.one_sided()) return;
    auto link = [&](uint64_t a, uint64_t b) {
        auto& v = partners_[a];
        v.insert(std::upper_bound(v.begin(), v.end(), b), b);
    };
    link(key.first, key.second);
    if (key.first != key.second) link(key.second, key.first);
}

std::vector<std::pair<GroupKey, uint32_t>> GroupMap::sorted() const {
    std::vector<std::pair<GroupKey, uint32_t>> v(keys_.begin(), keys_.end());
    std::sort(v.begin(), v.end());
    return v;
}

// ---- GroupRouter -----------------------------------------------------------------------------

namespace {
GroupKey ordered_key(uint64_t a, uint64_t b) { return a < b ? GroupKey{a, b} : GroupKey{b, a}; }
}  // namespace

GroupRouter::Choice GroupRouter::one_splitter(const EndKmer& kmer, const Codes& text_dir, const Codes& text_rc) const {
    const uint64_t c = kmer.canonical();
    auto unknown = [&] {
        return kmer.forward_oriented() ? Choice{{c, kNoKmer}, false} : Choice{{kNoKmer, c}, true};
    };
    const std::vector<uint64_t>* partners = map_.partners(c);
    if (!partners) return unknown();

    struct Candidate {
        GroupKey key;
        bool rev_comp;
        const GroupStore* group;
        uint64_t estimate = 0;
    };
    std::vector<Candidate> cands;
    cands.reserve(partners->size());
    for (uint64_t t : *partners) {
        GroupKey key = t < c ? GroupKey{t, c} : GroupKey{c, t};
        auto g = map_.find(key);
        if (!g) throw Error::internal("internal: splitter pair without a group");
        cands.push_back({key, t < c, &group(*g)});
    }
    // AGC evaluates candidates closest in reference size first; with a running bound the
    // order decides which estimates are cut short, never which candidate wins.
    const int64_t size = static_cast<int64_t>(text_dir.size());
    std::stable_sort(cands.begin(), cands.end(), [size](const Candidate& x, const Candidate& y) {
        int64_t xs = static_cast<int64_t>(x.group->ref_size()), ys = static_cast<int64_t>(y.group->ref_size());
        int64_t dx = std::llabs(size - xs), dy = std::llabs(size - ys);
        if (dx != dy) return dx < dy;
        return xs < ys;
    });

    uint64_t best = text_dir.size() < 16 ? text_dir.size() : text_dir.size() - 16;
    for (auto& cand : cands) {
        const LzEncoder* enc = cand.group->encoder();
        cand.estimate = enc ? enc->estimate(cand.rev_comp ? text_rc : text_dir, static_cast<uint32_t>(best)) : 0;
        best = std::min(best, cand.estimate);
    }
    Choice choice{{kNoKmer, kNoKmer}, false};
    for (const auto& cand : cands) {
        if (cand.estimate < best || (cand.estimate == best && cand.key < choice.key) ||
            (cand.estimate == best && cand.key == choice.key && !cand.rev_comp)) {
            best = cand.estimate;
            choice = {cand.key, cand.rev_comp};
        }
    }
    if (choice.key == GroupKey{kNoKmer, kNoKmer}) return unknown();
    return choice;
}

std::optional<std::pair<uint64_t, uint32_t>> GroupRouter::middle_splitter(const EndKmer& k1, const EndKmer& k2,
                                                                          const Codes& text_dir,
                                                                          const Codes& text_rc) const {
    const uint64_t c1 = k1.canonical(), c2 = k2.canonical();
    const auto* p1 = map_.partners(c1);
    const auto* p2 = map_.partners(c2);
    if (!p1 || !p2) return std::nullopt;
    std::vector<uint64_t> shared;
    std::set_intersection(p1->begin(), p1->end(), p2->begin(), p2->end(), std::back_inserter(shared));
    shared.erase(std::remove(shared.begin(), shared.end(), kNoKmer), shared.end());
    if (shared.empty()) return std::nullopt;
    const uint64_t middle = shared.front();

    const LzEncoder* e1 = group(*map_.find(ordered_key(c1, middle))).encoder();
    const LzEncoder* e2 = group(*map_.find(ordered_key(middle, c2))).encoder();
    // A group without a usable reference (an appended group not yet touched) gives no costs,
    // as in AGC: with one such group the split is abandoned, with two the cut is at the start.
    const uint32_t n = static_cast<uint32_t>(text_dir.size());
    if ((e1 == nullptr) != (e2 == nullptr) && n != 0) return std::nullopt;
    // The left part [0, i] is coded against g1, the right part [i, n) against g2, each in the
    // orientation its group keeps.
    uint32_t pos = 0, size = 0;
    if (e1 && e2) {
        const bool left_rc = !(c1 < middle), right_rc = !(middle < c2);  // (middle may equal c1 or c2)
        std::vector<CostRun> left, right;
        e1->cost_runs(left_rc ? text_rc : text_dir, left);
        e2->cost_runs(right_rc ? text_rc : text_dir, right);
        pos = first_min_split(left, left_rc, right, right_rc, n);
        size = n;
    }
    if (pos < k_ + 1) pos = 0;
    if (static_cast<size_t>(pos) + k_ + 1 > size) pos = size;
    return std::make_pair(middle, pos);
}

uint32_t GroupRouter::route(Codes&& segment, const EndKmer& front, const EndKmer& back, uint32_t part_no,
                            std::vector<RoutedSegment>& out) const {
    Codes rc;
    auto need_rc = [&] {
        if (rc.size() != segment.size()) rc = reverse_complement(segment);
    };
    GroupKey key{kNoKmer, kNoKmer};
    bool store_rc = false;

    if (!front.full && !back.full) {
        if (auto fb = by_votes(segment, 1)) std::tie(key, store_rc) = *fb;
    } else if (front.full && back.full) {
        if (front.canonical() < back.canonical()) {
            key = {front.canonical(), back.canonical()};
        } else {
            key = {back.canonical(), front.canonical()};
            store_rc = true;
        }
    } else if (front.full) {
        need_rc();
        Choice c = one_splitter(front, segment, rc);
        key = c.key;
        store_rc = c.rev_comp;
        if (key.one_sided())
            if (auto fb = by_votes(segment, 5)) std::tie(key, store_rc) = *fb;
    } else if (back.full) {
        // Seen from the end of the reverse complement, the back splitter is a front one.
        need_rc();
        Choice c = one_splitter(back.swapped(), rc, segment);
        key = c.key;
        store_rc = !c.rev_comp;
        if (key.one_sided())
            if (auto fb = by_votes(rc, 5)) {
                key = fb->first;
                store_rc = !fb->second;
            }
    }

    auto known = map_.find(key);
    if (!concatenated_ && !known && !key.one_sided() && map_.partners(key.first) && map_.partners(key.second)) {
        need_rc();
        if (front.canonical() == back.canonical()) {
            if (!front.forward_oriented()) store_rc = true;
        } else {
            EndKmer k1 = front, k2 = back;
            bool use_rc = false;
            if (k1.canonical() > k2.canonical()) {
                std::swap(k1, k2);
                k1 = k1.swapped();
                k2 = k2.swapped();
                use_rc = true;
            }
            auto split = middle_splitter(k1, k2, use_rc ? rc : segment, use_rc ? segment : rc);
            if (split) {
                const auto [middle, pos] = *split;
                const uint64_t c1 = k1.canonical(), c2 = k2.canonical();
                uint32_t left = pos, right = static_cast<uint32_t>(segment.size() - pos);
                if (left == 0) {
                    store_rc = middle < c2 ? use_rc : !use_rc;
                    key = ordered_key(middle, c2);
                } else if (right == 0) {
                    store_rc = c1 < middle ? use_rc : !use_rc;
                    key = ordered_key(c1, middle);
                } else {
                    // Cut in two, overlapping by k, each part to its known group.
                    if (use_rc) std::swap(left, right);
                    const uint32_t start2 = left - k_ / 2;
                    Codes second(segment.begin() + start2, segment.end());
                    segment.resize(static_cast<size_t>(start2) + k_);
                    const uint64_t fc = front.canonical(), bc = back.canonical();
                    RoutedSegment a, b;
                    a.part_no = part_no;
                    if (fc < middle) {
                        a.key = {fc, middle};
                        a.data = std::move(segment);
                    } else {
                        a.key = {middle, fc};
                        a.rev_comp = true;
                        a.data = reverse_complement(segment);
                    }
                    b.part_no = part_no + 1;
                    if (middle < bc) {
                        b.key = {middle, bc};
                        b.data = std::move(second);
                    } else {
                        b.key = {bc, middle};
                        b.rev_comp = true;
                        b.data = reverse_complement(second);
                    }
                    a.group = map_.find(a.key);
                    b.group = map_.find(b.key);
                    if (!a.group || !b.group) throw Error::internal("internal: split parts without known groups");
                    out.push_back(std::move(a));
                    out.push_back(std::move(b));
                    return 2;
                }
            }
        }
        known = map_.find(key);
    }
    if (!known)  // a last chance by votes
        if (auto fb = by_votes(segment, 2)) {
            std::tie(key, store_rc) = *fb;
            known = map_.find(key);
        }

    RoutedSegment r;
    r.part_no = part_no;
    r.key = key;
    r.group = known;
    r.rev_comp = store_rc;
    if (store_rc) {
        need_rc();
        r.data = std::move(rc);
    } else {
        r.data = std::move(segment);
    }
    out.push_back(std::move(r));
    return 1;
}

}  // namespace agcflow
