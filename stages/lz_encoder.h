// LZ-diff V2 encoding of a segment against its group's reference, byte-for-byte as AGC 3.2.2
// writes it (agc-compression-algorithm.md §5.2, §5.3; agc-archive-format.md §10), plus the two
// cost models AGC's grouping decisions are based on.
//
// Everything below that can change an output byte follows AGC, including behaviour that looks
// accidental. The quirks that matter, and why:
//
// Index (what makes a reference position findable)
//  * Only every 4th reference position is indexed (s = 0, 4, 8, ...), with key length
//    K = min_match_len - 3, and only windows of K codes that are all A/C/G/T (codes < 4). The key
//    is the 2-bit packing of the window, first base most significant, right-aligned.
//  * Open addressing: slot = MurMur64(key) & mask, then linear probing over at most 64 slots.
//    Positions are inserted in increasing order into the first empty slot; a position whose 64
//    probes are all taken is silently dropped. The table has 2 * 2^floor(log2(floor(cnt / 0.7)))
//    slots (at least 8), cnt = number of indexed windows, the division done in double precision.
//    The table size fixes the probe chains, and the probe order decides ties between equally long
//    candidate matches (the first one wins), so it is reproduced exactly.
//  * The index depends on nothing but the reference and min_match_len (not on any text encoded
//    so far). AGC builds it lazily, on the first Encode/Estimate of the group or when the grouping
//    code asks for an estimate or a cost vector (CSegment::estimate / get_coding_cost call
//    AssureIndex). Lazy or eager therefore gives the same bytes; this class builds it lazily under
//    std::call_once (many groups never receive a second segment, so no index is wasted on them)
//    and prepare() builds it eagerly. AGC stores slots as 16-bit numbers when |R| / 4 < 65535,
//    else 32-bit; this only changes memory, never the output, and is mirrored for memory parity.
//
// Scan (encode, estimate and cost_vector share it)
//  * Positions i with i + K < |T| are looked up (strict: the last K bases are never a key), the
//    rest of the text is written as literals.
//  * A candidate counts only if the forward match is at least K long (rejects hash collisions).
//    It is extended backwards over the literals written since the last match or N-run (never
//    before reference position 0). A candidate replaces the best one only if strictly longer,
//    starting from min_match_len: a match must be at least min_match_len + 1 long.
//  * A position whose key is not all ACGT is an N-run if it starts with at least 4 N (code 4):
//    the whole run (it may run to the end of the text) is one instruction and does NOT advance
//    the predicted reference position `pred`. Otherwise it is a literal.
//
// encode() specifics
//  * Text equal to the reference: empty output (AGC then stores no entry at all).
//  * Literal byte = 'A' + code (wrapping in 8 bits), so codes 30/32 become '_'/'a', bytes AGC's
//    own decoder cannot read back (pitfall P20); reproduced for byte identity.
//  * A match absorbs the b literals it extends back over (they are removed from the output).
//  * '!' rewriting: when a match starts exactly at `pred`, the literals just before it are walked
//    backwards (offset j = 1, 2, ... while j < bytes written so far and j < match position); the
//    walk stops at the first byte outside 'A'..'Z' and turns every letter equal to the reference
//    base at (match position - j) into '!'. The first byte of an entry is never rewritten.
//  * The length is omitted ("to end" form) only when the match ends at the end of both the text
//    and the reference.
//
// estimate() quirks (AGC's CLZDiff_V2::Estimate; drives the group choice, so reproduced exactly)
//  * uint32 counter; checked against `bound` at the top of every scan step only: the first time
//    it exceeds `bound` it is returned as is (partial); the tail is never checked.
//  * Literal 1; N-run 2 + digits(run length) (the full length, not length - 4).
//  * No backward adjustment: a match found at reference position h with backward extension b and
//    forward length f costs sdigits(h - pred) + [1 + digits(b + f - m) unless "to end"] + 1, where
//    "to end" is tested with the unadjusted i and h (i + b + f == |T| and h + b + f == |R|); then
//    pred = h + b + f and i += b + f, so i overshoots by b (the b bases were already counted as
//    literals). At the end |T| - i is added in uint32 arithmetic, which subtracts the overshoot.
//  * digits() saturates at 8; a negative offset costs one more.
//
// cost_vector() semantics (AGC's GetCodingCostVector; used to choose where to split a segment)
//  * One entry per text position. Literal: 1. N-run of n: 2 + digits10(n - 4). Match (with the
//    backward adjustment applied, unlike estimate): digits10(|pos - pred|) + (1 if negative)
//    + digits10(len - m) + 2, never the "to end" form. Digits here are not saturated (up to 10).
//  * prefix = true puts a run's or match's cost on its first position and 0 on the others;
//    prefix = false puts it on the last position. Tail positions cost 1 each.
//
// cost_runs() gives the same parse as a list of runs (literal runs merged), which is all that
// choosing a split needs (stages/split_point.h): one entry per instruction instead of per base.
//
// Literal stretches (not in AGC; changes no result)
//  * Novel sequence costs one failed lookup per base, and these dominated the cost vectors of a
//    segment about to be split (half of its text is novel to each of the two groups). The index
//    therefore carries a key filter of 8 bits per slot (one bit set per indexed key, chosen by
//    the top bits of the key times an odd constant; a quarter to a half more memory). After 16
//    literals in a row the scan classifies positions a block at a time, without data-dependent
//    branches: a position whose key is all ACGT and absent from the filter cannot find a match,
//    so a run of such positions goes to the sink as literals at once. The
//    estimator takes only as many as it would before its bound stops it.
//
// The parse without short detours (LzParse::no_short_detours; not AGC's, --preset max only)
//  * encode() alone (never the estimate nor the cost vector, so grouping stays AGC's) declines a
//    match shorter than kShortDetour bases whose start lies more than kFarDetour positions from
//    `pred`: the base is written as a literal and the scan goes on. Such a match costs two far
//    offsets in digits (there and, usually, back), which zstd packs worse than the literals
//    (yeast mitochondria: -3% for the archive; no change on human LPA or synthetic collections).
//    AGC's decoder reads the result as any other LZ-diff.
//
// Thread safety: all const methods may run concurrently on one encoder; the index is built once.
#pragma once

#include <cstdint>
#include <mutex>
#include <span>
#include <vector>

#include "stages/nucleotide.h"

namespace agcflow {

// How encode() chooses its matches: as AGC, or without short detours (see above).
enum class LzParse { agc, no_short_detours };

// One instruction of the cost model's parse: `len` text positions; literals (cost 0 here) cost 1
// each, any other instruction (a match or an N-run) `cost` once, counted on its first or its last
// position (cost_vector()'s prefix or suffix form).
struct CostRun {
    uint32_t len = 0;
    uint32_t cost = 0;  // 0: a run of literals
    bool operator==(const CostRun&) const = default;
};

// Appends a run's costs, one per position: the instruction's cost on its first position
// (`prefix`) or on its last, 0 on the others; literals 1 each.
inline void append_costs(const CostRun& r, bool prefix, std::vector<uint32_t>& out) {
    if (r.cost == 0) {
        out.insert(out.end(), r.len, 1u);
    } else if (prefix) {
        out.push_back(r.cost);
        out.insert(out.end(), r.len - 1, 0u);
    } else {
        out.insert(out.end(), r.len - 1, 0u);
        out.push_back(r.cost);
    }
}

class LzEncoder {
public:
    static constexpr uint32_t kShortDetour = 50;  // bases (match length, backward part included)
    static constexpr uint32_t kFarDetour = 300;   // |match start - pred|

    // `reference` is copied. min_match_len is AGC's -l (15..32 on AGC's command line); values in
    // 5..35 are accepted (key length 2..32), anything else throws Error.
    LzEncoder(std::span<const uint8_t> reference, uint32_t min_match_len);
    ~LzEncoder();
    LzEncoder(const LzEncoder&) = delete;
    LzEncoder& operator=(const LzEncoder&) = delete;

    // AGC's V2 encoding of `text` (with `parse`'s choice of matches). `out` is cleared first; it
    // stays empty when text == reference.
    void encode(std::span<const uint8_t> text, std::vector<uint8_t>& out, LzParse parse = LzParse::agc) const;

    // AGC's cost estimate, with its early exit: returns as soon as the running cost exceeds
    // `bound` (checked before each scan step). 0 when text == reference.
    uint32_t estimate(std::span<const uint8_t> text, uint32_t bound = UINT32_MAX) const;

    // AGC's per-position coding costs (|text| entries). `out` is overwritten.
    void cost_vector(std::span<const uint8_t> text, bool prefix, std::vector<uint32_t>& out) const;
    // The same costs as runs, in text order (their lengths add up to |text|; no two literal runs
    // in a row). `out` is overwritten.
    void cost_runs(std::span<const uint8_t> text, std::vector<CostRun>& out) const;
    std::vector<uint32_t> cost_vector(std::span<const uint8_t> text, bool prefix) const {
        std::vector<uint32_t> v;
        cost_vector(text, prefix, v);
        return v;
    }

    // Builds the index now instead of on first use (never changes any result).
    void prepare() const;

    std::span<const uint8_t> reference() const { return {padded_.data(), ref_len_}; }
    uint32_t min_match_len() const { return min_match_len_; }
    uint32_t key_len() const { return key_len_; }
    // Number of hash-table slots (builds the index); exposed for tests.
    uint64_t index_slots() const;

private:
    struct Match {
        uint32_t ref_pos = 0;  // where the forward part starts in the reference
        uint32_t back = 0;     // bases matched backwards over preceding literals
        uint32_t fwd = 0;      // bases matched forwards from ref_pos
    };
    struct Block;
    class EncodeSink;
    class EstimateSink;
    class CostSink;

    void build_index() const;
    bool equals_reference(std::span<const uint8_t> text) const;
    uint64_t key_at(const uint8_t* s) const;
    template <typename Slot>
    bool find_match(const Slot* table, uint64_t key, const uint8_t* s, uint32_t avail, uint32_t literals,
                    Match& best) const;
    template <typename Slot, typename Sink>
    bool scan(const Slot* table, std::span<const uint8_t> text, Sink& sink) const;
    template <typename Sink>
    bool run(std::span<const uint8_t> text, Sink& sink) const;

    Codes padded_;  // the reference followed by key_len_ bytes of 31, which stop every forward match
    uint32_t ref_len_ = 0;
    uint32_t min_match_len_ = 0;
    uint32_t key_len_ = 0;
    uint64_t key_mask_ = 0;
    bool narrow_slots_ = false;  // 16-bit slots, as AGC when |R| / 4 < 65535

    mutable std::once_flag index_once_;
    mutable std::vector<uint16_t> slots16_;
    mutable std::vector<uint32_t> slots32_;
    mutable uint64_t slot_mask_ = 0;
    mutable std::vector<uint64_t> filter_;  // bit set = some indexed key has this filter_bit (no false negatives)
    mutable uint32_t filter_shift_ = 64;
    uint64_t filter_bit(uint64_t key) const;
};

}  // namespace agcflow
