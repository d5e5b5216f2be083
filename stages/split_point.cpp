#include "stages/split_point.h"

#include <algorithm>
#include <vector>

#include "io/error.h"

namespace agcflow {

namespace {

// A parse's runs in text order, whichever strand it was made on.
class RunCursor {
public:
    RunCursor(std::span<const CostRun> runs, bool reversed) : runs_(runs), reversed_(reversed) { load(); }
    bool done() const { return index_ == runs_.size(); }
    const CostRun& run() const { return runs_[reversed_ ? runs_.size() - 1 - index_ : index_]; }
    uint32_t left_in_run() const { return left_; }
    bool at_start() const { return left_ == run().len; }
    void advance(uint32_t m) {
        left_ -= m;
        if (left_ == 0) ++index_, load();
    }

private:
    void load() {
        while (!done() && run().len == 0) ++index_;
        left_ = done() ? 0 : run().len;
    }
    std::span<const CostRun> runs_;
    bool reversed_;
    size_t index_ = 0;
    uint32_t left_ = 0;
};

uint64_t total_cost(std::span<const CostRun> runs) {
    uint64_t t = 0;
    for (const CostRun& r : runs) t += r.cost == 0 ? r.len : r.cost;
    return t;
}

uint64_t total_length(std::span<const CostRun> runs) {
    uint64_t t = 0;
    for (const CostRun& r : runs) t += r.len;
    return t;
}

void check_cover(std::span<const CostRun> runs, uint32_t n) {
    if (total_length(runs) != n) throw Error::internal("internal: a parse's runs do not cover the text");
}

// One cost per base in text order: each instruction's cost on its first position (`first`) or
// on its last.
std::vector<uint32_t> costs_in_text_order(std::span<const CostRun> runs, bool reversed, bool first, uint32_t n) {
    std::vector<uint32_t> v;
    v.reserve(n);
    for (RunCursor c(runs, reversed); !c.done(); c.advance(c.left_in_run())) append_costs(c.run(), first, v);
    return v;
}

}  // namespace

uint32_t first_min_split_by_vectors(std::span<const CostRun> left, bool left_reversed, std::span<const CostRun> right,
                                    bool right_reversed, uint32_t n) {
    check_cover(left, n);
    check_cover(right, n);
    std::vector<uint32_t> l = costs_in_text_order(left, left_reversed, true, n);
    std::vector<uint32_t> r = costs_in_text_order(right, right_reversed, false, n);
    for (size_t i = 1; i < l.size(); ++i) l[i] += l[i - 1];
    for (size_t i = r.size(); i-- > 1;) r[i - 1] += r[i];
    uint32_t best = ~0u, pos = 0;
    for (uint32_t i = 0; i < n; ++i)
        if (const uint32_t s = l[i] + r[i]; s < best) best = s, pos = i;
    return pos;
}

uint32_t first_min_split(std::span<const CostRun> left, bool left_reversed, std::span<const CostRun> right,
                         bool right_reversed, uint32_t n) {
    if (n >= (uint32_t(1) << 29)) return first_min_split_by_vectors(left, left_reversed, right, right_reversed, n);
    check_cover(left, n);
    check_cover(right, n);
    // For a stretch [a, a + m) inside one run of each parse, with `before_l` the left costs of
    // [0, a) and `before_r` the right costs of [0, a):
    //   L[i] = before_l + (left literals: i - a + 1; an instruction starting at a: its cost; else 0)
    //   R[i] = total_r - before_r - (right literals: i - a; else 0: an instruction's cost sits on
    //          its last position, which is not before i)
    // a line in i, whose first minimum is at a unless the line falls (then at a + m - 1).
    const uint64_t total_r = total_cost(right);
    uint64_t before_l = 0, before_r = 0, best = ~0ull;
    uint32_t pos = 0;
    RunCursor l(left, left_reversed), r(right, right_reversed);
    for (uint32_t a = 0; a < n;) {
        const uint32_t m = std::min(l.left_in_run(), r.left_in_run());
        const CostRun &lr = l.run(), &rr = r.run();
        const bool l_literal = lr.cost == 0, r_literal = rr.cost == 0;
        const uint64_t l_start = l_literal ? 0 : (l.at_start() ? lr.cost : 0);
        const uint64_t at_a = before_l + (l_literal ? 1 : l_start) + (total_r - before_r);
        const uint64_t at_end = before_l + (l_literal ? m : l_start) + (total_r - before_r - (r_literal ? m - 1 : 0));
        if (at_end < at_a) {
            if (at_end < best) best = at_end, pos = a + m - 1;
        } else if (at_a < best) {
            best = at_a, pos = a;
        }
        before_l += l_literal ? m : l_start;
        before_r += r_literal ? m : (r.left_in_run() == m ? rr.cost : 0);
        l.advance(m);
        r.advance(m);
        a += m;
    }
    return pos;
}

}  // namespace agcflow
