#include "stages/lz_encoder.h"

#include "stages/kmer_scan.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <string>

#include "io/error.h"

namespace agcflow {

namespace {

constexpr uint32_t kSampling = 4;        // every 4th reference position is indexed
constexpr uint32_t kMaxProbes = 64;      // probe chain length, for inserting and for searching
constexpr double kMaxLoadFactor = 0.7;   // table sizing: cnt / 0.7, rounded to a power of two, x2
constexpr uint8_t kPaddingCode = 31;     // appended to the reference; never equal to a text code
constexpr uint8_t kNRunStart = 30;       // N-run instruction: 30, decimal(len - 4), 4
constexpr uint32_t kMinNRun = 4;
constexpr uint64_t kNoKey = ~0ull;       // "this window is not all ACGT"

// Length of the common prefix of a and b, at most `limit`. Compares 8 bytes at a time.
inline uint32_t common_prefix(const uint8_t* a, const uint8_t* b, uint32_t limit) {
    uint32_t k = 0;
    if constexpr (std::endian::native == std::endian::little) {
        while (k + 8 <= limit) {
            uint64_t x, y;
            std::memcpy(&x, a + k, 8);
            std::memcpy(&y, b + k, 8);
            if (uint64_t d = x ^ y) return k + static_cast<uint32_t>(std::countr_zero(d)) / 8;
            k += 8;
        }
    }
    while (k < limit && a[k] == b[k]) ++k;
    return k;
}

// Length of the N run at s (at most `avail` long), or 0 when s does not start with three N.
// The caller guarantees avail >= 3, as AGC reads three bytes unconditionally.
inline uint32_t n_run_at(const uint8_t* s, uint32_t avail) {
    if (s[0] != kCodeN || s[1] != kCodeN || s[2] != kCodeN) return 0;
    uint32_t len = 3;
    while (len < avail && s[len] == kCodeN) ++len;
    return len;
}

// Decimal digits of x, saturating at 8 (the estimator's scale) or not (the cost vector's scale).
inline uint32_t digits_sat8(uint32_t x) {
    uint32_t d = 1;
    for (uint32_t p = 10; d < 8 && x >= p; p *= 10) ++d;
    return d;
}
inline uint32_t digits_full(uint32_t x) {
    uint32_t d = 1;
    for (uint64_t p = 10; x >= p; p *= 10) ++d;
    return d;
}

// Signed decimal text: optional '-', digits most significant first, "0" for zero.
inline void append_decimal(std::vector<uint8_t>& out, int64_t v) {
    uint64_t u = static_cast<uint64_t>(v);
    if (v < 0) {
        out.push_back('-');
        u = 0 - u;
    }
    char buf[24];
    char* p = buf + sizeof buf;
    do {
        *--p = static_cast<char>('0' + u % 10);
        u /= 10;
    } while (u);
    out.insert(out.end(), p, buf + sizeof buf);
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Construction and index

LzEncoder::LzEncoder(std::span<const uint8_t> reference, uint32_t min_match_len) {
    if (min_match_len < 5 || min_match_len > 35)
        throw Error(ErrorKind::argument, "LZ-diff: minimum match length " + std::to_string(min_match_len) + " is outside 5..35");
    if (reference.size() >= (uint64_t(1) << 31)) throw Error("LZ-diff: reference segment too long");
    min_match_len_ = min_match_len;
    key_len_ = min_match_len - kSampling + 1;
    key_mask_ = ~0ull >> (64 - 2 * key_len_);
    ref_len_ = static_cast<uint32_t>(reference.size());
    narrow_slots_ = ref_len_ / kSampling < 65535;
    padded_.reserve(reference.size() + key_len_);
    padded_.assign(reference.begin(), reference.end());
    padded_.resize(reference.size() + key_len_, kPaddingCode);
}

LzEncoder::~LzEncoder() = default;

void LzEncoder::prepare() const {
    std::call_once(index_once_, [this] { build_index(); });
}

uint64_t LzEncoder::index_slots() const {
    prepare();
    return slot_mask_ + 1;
}

uint64_t LzEncoder::key_at(const uint8_t* s) const {
    uint64_t x = 0;
    for (uint32_t j = 0; j < key_len_; ++j) {
        if (s[j] > 3) return kNoKey;
        x = (x << 2) | s[j];
    }
    return x;
}

uint64_t LzEncoder::filter_bit(uint64_t key) const { return fibonacci_slot(key, filter_shift_); }

void LzEncoder::build_index() const {
    // The indexed windows, in increasing position: start s = 0 (mod 4), s + K <= |R|, all ACGT,
    // i.e. the windows at every 4th start inside each run of ACGT codes (a reference holds few
    // other codes: one run, or a few). Within a run the key moves on four codes at a time, from
    // one window to the next. The walk runs twice (count, then insert) rather than storing the
    // windows: cheaper than the temporary memory.
    static_assert(kSampling == 4);
    const uint8_t* p = padded_.data();
    auto for_each_acgt_run = [this, p](auto&& run) {
        for (uint32_t a = 0; a < ref_len_;) {
            while (a < ref_len_ && p[a] > 3) ++a;
            uint32_t b = a;
            while (b + 8 <= ref_len_ && acgt8(p + b)) b += 8;  // eight codes at a time
            while (b < ref_len_ && p[b] <= 3) ++b;
            if (b > a) run(a, b);
            a = b;
        }
    };
    // The first indexed start in the run [a, b), or none (b).
    auto first_start = [this](uint32_t a, uint32_t b) {
        const uint32_t s = (a + kSampling - 1) / kSampling * kSampling;
        return s + key_len_ <= b ? s : b;
    };
    auto for_each_window = [&](auto&& visit) {
        for_each_acgt_run([&](uint32_t a, uint32_t b) {
            uint32_t s = first_start(a, b);
            if (s == b) return;
            uint64_t x = key_at(p + s);
            for (;; s += 4) {
                visit(s, x);
                if (s + 4 + key_len_ > b) break;
                const uint8_t* q = p + s + key_len_;
                x = ((x << 8) | uint64_t(q[0]) << 6 | uint64_t(q[1]) << 4 | uint64_t(q[2]) << 2 | q[3]) & key_mask_;
            }
        });
    };
    uint64_t windows = 0;
    for_each_acgt_run([&](uint32_t a, uint32_t b) {
        if (const uint32_t s = first_start(a, b); s != b) windows += (b - key_len_ - s) / kSampling + 1;
    });

    // AGC's table size, with the same double-precision division.
    uint64_t size = static_cast<uint64_t>(static_cast<double>(windows) / kMaxLoadFactor);
    while (size & (size - 1)) size &= size - 1;  // keep only the highest set bit
    size <<= 1;
    if (size < 8) size = 8;
    slot_mask_ = size - 1;

    // The key filter: 8 bits per slot, one set per indexed key (dropped ones included), chosen by
    // filter_bit() (a multiply: the block classification tests it alone, without the hash).
    const uint32_t filter_log = std::countr_zero(size) + 3;
    filter_shift_ = 64 - filter_log;
    filter_.assign(std::max<uint64_t>(1, (uint64_t(1) << filter_log) / 64), 0);
    auto fill = [&](auto& table) {
        using Slot = typename std::remove_reference_t<decltype(table)>::value_type;
        constexpr Slot kEmpty = static_cast<Slot>(~Slot(0));
        table.assign(size, kEmpty);
        for_each_window([&](uint32_t start, uint64_t key) {
            const uint64_t base = murmur64(key);
            const uint64_t bit = filter_bit(key);
            filter_[bit >> 6] |= uint64_t(1) << (bit & 63);
            for (uint32_t j = 0; j < kMaxProbes; ++j) {
                Slot& slot = table[(base + j) & slot_mask_];
                if (slot == kEmpty) {
                    slot = static_cast<Slot>(start / kSampling);
                    return;
                }
            }
            // All 64 probed slots taken: the position is not indexed (as in AGC).
        });
    };
    if (narrow_slots_)
        fill(slots16_);
    else
        fill(slots32_);
}

bool LzEncoder::equals_reference(std::span<const uint8_t> text) const {
    return text.size() == ref_len_ && (ref_len_ == 0 || std::memcmp(text.data(), padded_.data(), ref_len_) == 0);
}

// ---------------------------------------------------------------------------------------------
// Match search and the shared scan

template <typename Slot>
bool LzEncoder::find_match(const Slot* table, uint64_t key, const uint8_t* s, uint32_t avail, uint32_t literals,
                           Match& best) const {
    constexpr Slot kEmpty = static_cast<Slot>(~Slot(0));
    const uint8_t* ref = padded_.data();
    const uint32_t padded_len = static_cast<uint32_t>(padded_.size());
    uint32_t best_len = min_match_len_;  // a candidate must beat this strictly
    bool found = false;
    uint64_t slot = murmur64(key) & slot_mask_;
    for (uint32_t probe = 0; probe < kMaxProbes; ++probe) {
        const Slot v = table[slot];
        if (v == kEmpty) break;
        const uint32_t h = static_cast<uint32_t>(v) * kSampling;
        // The padding stops the comparison at the end of the reference.
        const uint32_t fwd = common_prefix(s, ref + h, std::min(avail, padded_len - h));
        if (fwd >= key_len_) {
            const uint32_t reach = std::min(literals, h);
            if (fwd + reach > best_len) {  // otherwise it cannot win, whatever its backward part
                uint32_t back = 0;
                while (back < reach && s[-1 - static_cast<int64_t>(back)] == ref[h - 1 - back]) ++back;
                if (back + fwd > best_len) {
                    best = {h, back, fwd};
                    best_len = back + fwd;
                    found = true;
                }
            }
        }
        slot = (slot + 1) & slot_mask_;
    }
    return found;
}

namespace {

// Block classification of literal stretches (lz_encoder.h, "Literal stretches"). It starts after
// kBlockAfter literals in a row, so that the short stretches around a difference inside a match
// (an SNP costs one literal, an indel a few) keep the plain path; its first block is short for
// the same reason, later ones are kBlock long.
constexpr uint32_t kBlockAfter = 16;
constexpr uint32_t kFirstBlock = 16;
constexpr uint32_t kBlock = 64;

}  // namespace

// The keys of positions [start, end) and which of them are quiet (bit j for start + j): all ACGT
// and absent from the key filter, so no lookup can find a candidate there. (Testing the home slot
// too, for an empty one, took a hash and a second load per position for few more quiet ones.)
// The rolling key carries on from the previous block when this one follows it directly.
struct LzEncoder::Block {
    uint32_t start = 0, end = 0;  // positions covered
    uint64_t quiet = 0;
    uint64_t keys[kBlock];
    // Rolling state: the key of the K codes before `next`, and how many of them are ACGT.
    uint32_t next = 0;
    uint64_t x = 0;
    uint32_t valid_run = 0;

    void fill(const LzEncoder& enc, const uint8_t* t, uint32_t i, uint32_t last, uint32_t len) {
        const uint32_t k = enc.key_len_;
        if (end != i || next != i + k - 1) {  // not contiguous: prime with the first K - 1 codes
            x = 0;
            valid_run = 0;
            next = i;
            for (; next < i + k - 1; ++next) {
                const uint8_t c = t[next];
                valid_run = c < 4 ? valid_run + 1 : 0;
                x = (x << 2) | (c & 3);
            }
        }
        start = i;
        end = std::min(i + len, last);
        const uint32_t m = end - start;
        // Locals: the stores to keys[] (64-bit) could otherwise alias the mask and force reloads
        // (reading the filter through `enc`, as filter_bit() does: 2 M more instructions on 13 x 2 Mb).
        const uint64_t mask = enc.key_mask_;
        const uint64_t* filter = enc.filter_.data();
        const uint32_t shift = enc.filter_shift_;
        auto absent = [&](uint64_t key) {  // as filter_bit()
            const uint64_t bit = fibonacci_slot(key, shift);
            return ((filter[bit >> 6] >> (bit & 63)) & 1) == 0;
        };
        uint64_t q = 0;
        if (valid_run + 1 >= k && all_acgt(t + next, m)) {  // every window of the block is ACGT (nearly always)
            for (uint32_t j = 0; j < m; ++j, ++next) {
                x = ((x << 2) | t[next]) & mask;
                keys[j] = x;
                q |= static_cast<uint64_t>(absent(x)) << j;
            }
            valid_run += m;
        } else {
            for (uint32_t j = 0; j < m; ++j, ++next) {
                const uint8_t c = t[next];
                valid_run = c < 4 ? valid_run + 1 : 0;
                x = ((x << 2) | (c & 3)) & mask;
                const bool valid = valid_run >= k;
                keys[j] = valid ? x : kNoKey;
                q |= static_cast<uint64_t>(valid & absent(x)) << j;
            }
        }
        quiet = q;
    }

private:
    // (One test for the block: an OR of its words, then of its last codes.)
    static bool all_acgt(const uint8_t* c, uint32_t n) {
        uint64_t any = 0;
        uint32_t j = 0;
        for (; j + 8 <= n; j += 8) {
            uint64_t w;
            std::memcpy(&w, c + j, 8);
            any |= w;
        }
        for (; j < n; ++j) any |= c[j];
        return (any & 0xFCFCFCFCFCFCFCFCull) == 0;
    }
};

// Walks the text as all three of AGC's LZ routines do; the sink decides what each step writes
// and, for matches, how the position and the predicted reference position move on. Returns false
// if the sink asked to stop early (only the estimator does).
template <typename Slot, typename Sink>
bool LzEncoder::scan(const Slot* table, std::span<const uint8_t> text, Sink& sink) const {
    const uint8_t* t = text.data();
    const uint32_t n = static_cast<uint32_t>(text.size());
    uint32_t i = 0;
    uint32_t pred = 0;      // reference position a literal at i would sit against
    uint32_t literals = 0;  // literals written since the last match or N-run
    uint64_t key = kNoKey;  // the previous step's key, reusable when that step was one literal
    Block block;
    while (i + key_len_ < n) {
        if (sink.stop()) return false;
        if (literals >= kBlockAfter) {
            if (i >= block.end || i < block.start)
                block.fill(*this, t, i, n - key_len_, literals == kBlockAfter ? kFirstBlock : kBlock);
            const uint32_t off = i - block.start;
            if (const uint64_t quiet = block.quiet >> off; quiet & 1) {
                uint32_t run = std::min<uint32_t>(static_cast<uint32_t>(std::countr_one(quiet)), block.end - i);
                run = sink.literals(t + i, run);
                i += run;
                pred += run;
                literals += run;
                continue;
            }
            key = block.keys[off];
        } else if (key != kNoKey && literals > 0) {
            const uint8_t c = t[i + key_len_ - 1];
            key = c > 3 ? kNoKey : (((key << 2) & key_mask_) | c);
        } else {
            key = key_at(t + i);
        }
        if (key == kNoKey) {
            const uint32_t run = n_run_at(t + i, n - i);
            if (run >= kMinNRun) {
                sink.n_run(run);
                i += run;
                literals = 0;
                continue;
            }
        } else {
            // The next step looks up the key one base on if this one turns out a literal: ask
            // for its table slot now, so that the cache miss overlaps this lookup.
            if (i + key_len_ + 1 < n && t[i + key_len_] <= 3)
                __builtin_prefetch(table + (murmur64(((key << 2) & key_mask_) | t[i + key_len_]) & slot_mask_));
            Match m;
            if (find_match(table, key, t + i, n - i, literals, m) && sink.accept(m, pred)) {
                sink.match(m, i, pred, n);
                literals = 0;
                continue;
            }
        }
        sink.literal(t[i]);
        ++i;
        ++pred;
        ++literals;
    }
    sink.finish(text, i);
    return true;
}

template <typename Sink>
bool LzEncoder::run(std::span<const uint8_t> text, Sink& sink) const {
    if (text.size() >= (uint64_t(1) << 31)) throw Error("LZ-diff: segment too long");
    prepare();
    // A group's index and reference are usually cold (thousands of other groups were used since):
    // asking for all their cache lines at once overlaps the misses that the scan would otherwise
    // take one at a time (measured: -15% time in the match search on a 260 MB collection).
    auto prefetch_all = [](const void* p, size_t bytes) {
        const char* c = static_cast<const char*>(p);
        for (size_t o = 0; o < bytes; o += 64) __builtin_prefetch(c + o);
    };
    if (narrow_slots_)
        prefetch_all(slots16_.data(), slots16_.size() * sizeof(uint16_t));
    else
        prefetch_all(slots32_.data(), slots32_.size() * sizeof(uint32_t));
    prefetch_all(padded_.data(), padded_.size());
    return narrow_slots_ ? scan(slots16_.data(), text, sink) : scan(slots32_.data(), text, sink);
}

// ---------------------------------------------------------------------------------------------
// encode

class LzEncoder::EncodeSink {
public:
    EncodeSink(const LzEncoder& enc, std::vector<uint8_t>& out, LzParse parse)
        : enc_(enc), out_(out), parse_(parse) {}
    bool stop() const { return false; }
    bool accept(const Match& m, uint32_t pred) const {
        if (parse_ == LzParse::agc) return true;
        const uint32_t pos = m.ref_pos - m.back, from = pred - m.back;
        return m.back + m.fwd >= kShortDetour || (pos > from ? pos - from : from - pos) <= kFarDetour;
    }
    void literal(uint8_t c) { out_.push_back(static_cast<uint8_t>('A' + c)); }
    uint32_t literals(const uint8_t* c, uint32_t count) {
        const size_t at = out_.size();
        out_.resize(at + count);
        for (uint32_t j = 0; j < count; ++j) out_[at + j] = static_cast<uint8_t>('A' + c[j]);
        return count;
    }
    void n_run(uint32_t len) {
        out_.push_back(kNRunStart);
        append_decimal(out_, len - kMinNRun);
        out_.push_back(kCodeN);
    }
    void match(const Match& m, uint32_t& i, uint32_t& pred, uint32_t n) {
        // The backward part replaces the literals just written for those bases.
        out_.resize(out_.size() - m.back);
        const uint32_t pos = m.ref_pos - m.back;
        const uint32_t len = m.back + m.fwd;
        pred -= m.back;
        i -= m.back;
        if (pos == pred) mark_same_as_reference(pos);
        append_decimal(out_, static_cast<int64_t>(pos) - static_cast<int64_t>(pred));
        if (!(i + len == n && pos + len == enc_.ref_len_)) {
            out_.push_back(',');
            append_decimal(out_, len - enc_.min_match_len_);
        }
        out_.push_back('.');
        pred = pos + len;
        i += len;
    }
    void finish(std::span<const uint8_t> text, uint32_t i) {
        for (; i < text.size(); ++i) literal(text[i]);
    }

private:
    // The literals right before a match on the predicted diagonal stand against reference
    // positions pos-1, pos-2, ...; those equal to the reference become '!'. The walk ends at the
    // first non-letter, never looks at the entry's first byte nor at reference position 0.
    void mark_same_as_reference(uint32_t pos) {
        const size_t written = out_.size();
        for (size_t j = 1; j < written && j < pos; ++j) {
            uint8_t& b = out_[written - j];
            if (b < 'A' || b > 'Z') break;
            if (b - 'A' == enc_.padded_[pos - j]) b = '!';
        }
    }

    const LzEncoder& enc_;
    std::vector<uint8_t>& out_;
    LzParse parse_;
};

void LzEncoder::encode(std::span<const uint8_t> text, std::vector<uint8_t>& out, LzParse parse) const {
    out.clear();
    if (equals_reference(text)) return;
    EncodeSink sink(*this, out, parse);
    run(text, sink);
}

// ---------------------------------------------------------------------------------------------
// estimate

class LzEncoder::EstimateSink {
public:
    EstimateSink(const LzEncoder& enc, uint32_t bound) : enc_(enc), bound_(bound) {}
    bool stop() const { return cost_ > bound_; }
    bool accept(const Match&, uint32_t) const { return true; }
    void literal(uint8_t) { ++cost_; }
    // As many of `count` literals as one at a time would take before stop() (cost_ <= bound_ here).
    uint32_t literals(const uint8_t*, uint32_t count) {
        const uint32_t take = static_cast<uint32_t>(std::min<uint64_t>(count, uint64_t(bound_) - cost_ + 1));
        cost_ += take;
        return take;
    }
    void n_run(uint32_t len) { cost_ += 2 + digits_sat8(len); }  // the full length, as AGC
    void match(const Match& m, uint32_t& i, uint32_t& pred, uint32_t n) {
        // No backward adjustment: positions and the "to end" test use the forward start.
        const uint32_t len = m.back + m.fwd;
        const bool to_end = i + len == n && m.ref_pos + len == enc_.ref_len_;
        const int32_t offset = static_cast<int32_t>(m.ref_pos) - static_cast<int32_t>(pred);
        uint32_t c = offset >= 0 ? digits_sat8(static_cast<uint32_t>(offset))
                                 : 1 + digits_sat8(static_cast<uint32_t>(-static_cast<int64_t>(offset)));
        if (!to_end) c += 1 + digits_sat8(len - enc_.min_match_len_);
        cost_ += c + 1;
        pred = m.ref_pos + len;
        i += len;  // overshoots by m.back
    }
    void finish(std::span<const uint8_t> text, uint32_t i) {
        cost_ += static_cast<uint32_t>(text.size()) - i;  // wraps: subtracts an overshoot
    }
    uint32_t cost() const { return cost_; }

private:
    const LzEncoder& enc_;
    uint32_t bound_;
    uint32_t cost_ = 0;
};

uint32_t LzEncoder::estimate(std::span<const uint8_t> text, uint32_t bound) const {
    if (equals_reference(text)) return 0;
    EstimateSink sink(*this, bound);
    run(text, sink);
    return sink.cost();
}

// ---------------------------------------------------------------------------------------------
// cost_runs, cost_vector

class LzEncoder::CostSink {
public:
    CostSink(const LzEncoder& enc, std::vector<CostRun>& runs) : enc_(enc), runs_(runs) {}
    bool stop() const { return false; }
    bool accept(const Match&, uint32_t) const { return true; }
    void literal(uint8_t) { add_literals(1); }
    uint32_t literals(const uint8_t*, uint32_t count) {
        add_literals(count);
        return count;
    }
    void n_run(uint32_t len) { runs_.push_back({len, 2 + digits_full(len - kMinNRun)}); }
    void match(const Match& m, uint32_t& i, uint32_t& pred, uint32_t) {
        // The backward part takes back literals just counted: all in the last run (the literals
        // since the last match or N-run).
        if (m.back) {
            CostRun& last = runs_.back();
            last.len -= m.back;
            if (last.len == 0) runs_.pop_back();
        }
        const uint32_t pos = m.ref_pos - m.back;
        const uint32_t len = m.back + m.fwd;
        pred -= m.back;
        i -= m.back;
        const int32_t offset = static_cast<int32_t>(pos) - static_cast<int32_t>(pred);
        const uint32_t c = (offset >= 0 ? digits_full(static_cast<uint32_t>(offset))
                                        : digits_full(static_cast<uint32_t>(-static_cast<int64_t>(offset))) + 1) +
                           digits_full(len - enc_.min_match_len_) + 2;
        runs_.push_back({len, c});
        pred = pos + len;
        i += len;
    }
    void finish(std::span<const uint8_t> text, uint32_t i) {
        if (text.size() > i) add_literals(static_cast<uint32_t>(text.size() - i));
    }

private:
    void add_literals(uint32_t count) {
        if (!runs_.empty() && runs_.back().cost == 0)
            runs_.back().len += count;
        else
            runs_.push_back({count, 0});
    }

    const LzEncoder& enc_;
    std::vector<CostRun>& runs_;
};

void LzEncoder::cost_runs(std::span<const uint8_t> text, std::vector<CostRun>& out) const {
    out.clear();
    CostSink sink(*this, out);
    run(text, sink);
}

void LzEncoder::cost_vector(std::span<const uint8_t> text, bool prefix, std::vector<uint32_t>& out) const {
    std::vector<CostRun> runs;
    cost_runs(text, runs);
    out.clear();
    out.reserve(text.size());
    for (const CostRun& r : runs) append_costs(r, prefix, out);
}

}  // namespace agcflow
