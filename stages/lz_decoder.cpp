#include "stages/lz_decoder.h"

#include "io/error.h"

namespace agcflow {

namespace {

constexpr uint8_t kSameAsReference = '!';
constexpr uint8_t kNRunStart = 0x1E;
constexpr uint32_t kMinNRun = 4;

class EntryCursor {
public:
    EntryCursor(std::span<const uint8_t> e, const std::string& what) : e_(e), what_(what) {}
    bool more() const { return p_ < e_.size(); }
    uint8_t peek() const { return p_ < e_.size() ? e_[p_] : 0; }
    void skip() { ++p_; }
    // An optional '-' then decimal digits; stops at the first other byte.
    int64_t number() {
        bool neg = false;
        if (peek() == '-') {
            neg = true;
            ++p_;
        }
        if (!(peek() >= '0' && peek() <= '9')) fail("expected a number");
        int64_t v = 0;
        while (p_ < e_.size() && e_[p_] >= '0' && e_[p_] <= '9') {
            v = v * 10 + (e_[p_] - '0');
            if (v > (int64_t(1) << 40)) fail("number out of range");
            ++p_;
        }
        return neg ? -v : v;
    }
    [[noreturn]] void fail(const std::string& why) const {
        throw Error::corrupt("corrupt archive: " + what_ + ": " + why + " at byte " + std::to_string(p_));
    }

private:
    std::span<const uint8_t> e_;
    const std::string& what_;
    size_t p_ = 0;
};

}  // namespace

void lz_decode(std::span<const uint8_t> reference, std::span<const uint8_t> encoded, uint32_t min_match_len,
               Codes& out, const std::string& what, LzVersion version, uint64_t max_size) {
    const bool v2 = version == LzVersion::v2;
    out.clear();
    EntryCursor c(encoded, what);
    int64_t pred = 0;  // the reference position the next base is predicted to copy
    const int64_t ref_len = static_cast<int64_t>(reference.size());
    while (c.more()) {
        uint8_t b = c.peek();
        if ((b >= 'A' && b <= 'U') || b == kSameAsReference) {
            if (b == kSameAsReference) {
                if (!v2) c.fail("'!' in an LZ-diff V1 entry");
                if (pred < 0 || pred >= ref_len) c.fail("'!' outside the reference");
                out.push_back(reference[pred]);
            } else {
                out.push_back(static_cast<uint8_t>(b - 'A'));
            }
            ++pred;
            c.skip();
        } else if (b == kNRunStart) {
            c.skip();
            int64_t n = c.number() + kMinNRun;
            if (n < 0) c.fail("negative N-run");
            if (static_cast<uint64_t>(n) > max_size - std::min<uint64_t>(max_size, out.size()))
                c.fail("N-run past the segment's length");
            c.skip();  // the run terminator
            out.insert(out.end(), static_cast<size_t>(n), kCodeN);
        } else {
            int64_t pos = pred + c.number();
            int64_t len;
            if (c.peek() == ',') {
                c.skip();
                len = c.number() + min_match_len;
            } else {
                if (!v2) c.fail("match without a length in an LZ-diff V1 entry");
                len = ref_len - pos;
            }
            if (c.peek() != '.') c.fail("match not terminated");
            c.skip();
            if (pos < 0 || len < 0 || pos > ref_len || len > ref_len - pos) c.fail("match outside the reference");
            if (static_cast<uint64_t>(len) > max_size - std::min<uint64_t>(max_size, out.size()))
                c.fail("match past the segment's length");
            out.insert(out.end(), reference.begin() + pos, reference.begin() + pos + len);
            pred = pos + len;
        }
    }
}

}  // namespace agcflow
