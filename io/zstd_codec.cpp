#include "io/zstd_codec.h"

#define ZSTD_STATIC_LINKING_ONLY  // ZSTD_getCParams, ZSTD_estimateCCtxSize_usingCParams (exported by libzstd)
#include <zstd.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <memory>
#include <mutex>
#include <optional>

#include <unistd.h>

#include "io/error.h"
#include "io/thread_cache.h"

namespace agcflow {

namespace {
struct CCtxDeleter {
    void operator()(ZSTD_CCtx* c) const { ZSTD_freeCCtx(c); }
};
struct DCtxDeleter {
    void operator()(ZSTD_DCtx* c) const { ZSTD_freeDCtx(c); }
};

// The process's resident memory, from /proc/self/statm (0 where that cannot be read).
uint64_t resident_bytes() {
    FILE* f = std::fopen("/proc/self/statm", "r");
    if (!f) return 0;
    unsigned long long size = 0, resident = 0;
    const int got = std::fscanf(f, "%llu %llu", &size, &resident);
    std::fclose(f);
    const long page = ::sysconf(_SC_PAGESIZE);
    return got == 2 && page > 0 ? resident * static_cast<uint64_t>(page) : 0;
}

// Workspaces for large inputs (34 MB for 1.4 MB at level 17, 85 MB for 9 MB at 19) at once in
// the process. Such inputs come mostly at close, the largest packs first: packs of raw segments
// of sequences about a segment long (whole viral genomes), and the packs of up to 500 segments of
// --preset max. One may always start; another only while all of them together (zstd's estimate
// for each input's level and size) stay within the process's resident memory, so that they at
// most double what the rest holds. Measured at create -t 2 (AGC's peak in brackets):
//  * 97 SARS-CoV-2 genomes: one at a time, 54 MB (58); two at once peaked at 89 MB.
//  * 300 synthetic samples, --preset max: two at once, 12.2 s and 233 MB (245); within half of
//    resident memory (one at a time), 22 s: the second core idled through the close.
// (The rule before allowed one per four cores whatever their size: on 32 cores, eight of 85 MB.)
class LargeWorkspaces {
public:
    class Slot {
    public:
        Slot(LargeWorkspaces& w, uint64_t bytes) : w_(w), bytes_(bytes) {
            std::unique_lock lock(w_.mutex_);
            w_.freed_.wait(lock, [&] { return w_.in_use_ == 0 || w_.in_use_ + bytes_ <= resident_bytes(); });
            w_.in_use_ += bytes_;
        }
        ~Slot() {
            {
                std::lock_guard lock(w_.mutex_);
                w_.in_use_ -= bytes_;
            }
            w_.freed_.notify_all();
        }
        Slot(const Slot&) = delete;
        Slot& operator=(const Slot&) = delete;

    private:
        LargeWorkspaces& w_;
        uint64_t bytes_;
    };
    static LargeWorkspaces& instance() {
        static LargeWorkspaces w;
        return w;
    }

private:
    std::mutex mutex_;
    std::condition_variable freed_;
    uint64_t in_use_ = 0;  // the workspaces' estimated bytes
};
}  // namespace

std::vector<uint8_t> zstd_compress(std::span<const uint8_t> src, int level, bool checksum) {
    // Each thread keeps a context for the usual small inputs; a large input (its workspace at
    // the high levels can take ~50 MB) gets one of its own, freed at once, so that no thread
    // holds on to such a workspace, and waits for a slot for it (the slot outlives the context).
    constexpr size_t kLargeInput = 1 << 20;
    static ThreadCache<std::unique_ptr<ZSTD_CCtx, CCtxDeleter>> contexts;
    auto& cctx = contexts.get();
    if (!cctx) cctx.reset(ZSTD_createCCtx());
    if (!cctx) throw std::bad_alloc();
    std::optional<LargeWorkspaces::Slot> slot;
    std::unique_ptr<ZSTD_CCtx, CCtxDeleter> own;
    ZSTD_CCtx* ctx = cctx.get();
    if (src.size() > kLargeInput) {
        slot.emplace(LargeWorkspaces::instance(),
                     ZSTD_estimateCCtxSize_usingCParams(ZSTD_getCParams(level, src.size(), 0)));
        own.reset(ZSTD_createCCtx());
        if (!own) throw std::bad_alloc();
        ctx = own.get();
    }
    std::vector<uint8_t> out(ZSTD_compressBound(src.size()));
    size_t n;
    if (!checksum) {
        n = ZSTD_compressCCtx(ctx, out.data(), out.size(), src.data(), src.size(), level);  // AGC's call
    } else {
        ZSTD_CCtx_reset(ctx, ZSTD_reset_session_and_parameters);
        ZSTD_CCtx_setParameter(ctx, ZSTD_c_compressionLevel, level);
        ZSTD_CCtx_setParameter(ctx, ZSTD_c_checksumFlag, 1);
        n = ZSTD_compress2(ctx, out.data(), out.size(), src.data(), src.size());
        ZSTD_CCtx_reset(ctx, ZSTD_reset_session_and_parameters);
    }
    if (ZSTD_isError(n)) throw Error::internal(std::string("zstd compression failed: ") + ZSTD_getErrorName(n));
    out.resize(n);
    return out;
}

static size_t decompress_one_frame(std::span<const uint8_t> src, std::vector<uint8_t>& out, const std::string& what) {
    static ThreadCache<std::unique_ptr<ZSTD_DCtx, DCtxDeleter>> contexts;
    auto& dctx = contexts.get();
    if (!dctx) dctx.reset(ZSTD_createDCtx());
    if (!dctx) throw std::bad_alloc();
    size_t frame = ZSTD_findFrameCompressedSize(src.data(), src.size());
    if (ZSTD_isError(frame))
        throw Error::corrupt("corrupt archive: " + what + ": zstd: " + ZSTD_getErrorName(frame));
    size_t n = ZSTD_decompressDCtx(dctx.get(), out.data(), out.size(), src.data(), frame);
    if (ZSTD_isError(n)) throw Error::corrupt("corrupt archive: " + what + ": zstd: " + ZSTD_getErrorName(n));
    return n;
}

namespace {
std::atomic<uint64_t> g_limit{0};

uint64_t default_limit() {
    const long pages = ::sysconf(_SC_PHYS_PAGES), page = ::sysconf(_SC_PAGESIZE);
    const uint64_t mem = pages > 0 && page > 0 ? uint64_t(pages) * uint64_t(page) : uint64_t(8) << 30;
    return mem / 2;
}

// zstd's densest block: an RLE block of 128 KiB from a 4-byte record.
constexpr uint64_t kMaxRatio = 32768;

// Checks a size read from the archive before it is allocated.
void check_raw_size(std::span<const uint8_t> src, uint64_t raw_size, bool exact, const std::string& what,
                    uint64_t limit) {
    unsigned long long content = ZSTD_getFrameContentSize(src.data(), src.size());
    if (content == ZSTD_CONTENTSIZE_ERROR) {
        // Not a frame: the decompression says why, in zstd's words.
        std::vector<uint8_t> none;
        decompress_one_frame(src, none, what);
        content = ZSTD_CONTENTSIZE_UNKNOWN;
    }
    if (exact && content != ZSTD_CONTENTSIZE_UNKNOWN && content != raw_size)
        throw Error::corrupt("corrupt archive: " + what + ": the frame holds " + std::to_string(content) +
                             " bytes, the archive says " + std::to_string(raw_size));
    const uint64_t most = content != ZSTD_CONTENTSIZE_UNKNOWN ? content : uint64_t(src.size()) * kMaxRatio + (128u << 10);
    if (raw_size > most && content == ZSTD_CONTENTSIZE_UNKNOWN)
        throw Error::corrupt("corrupt archive: " + what + ": " + std::to_string(raw_size) + " bytes cannot come from " +
                             std::to_string(src.size()) + " compressed");
    const uint64_t need = std::min<uint64_t>(raw_size, most);
    if (need > limit)
        throw Error(ErrorKind::no_memory, "out of memory: " + what + " would take " + std::to_string(need) +
                                              " bytes, more than the limit of " + std::to_string(limit));
}
}  // namespace

uint64_t decompression_limit() {
    const uint64_t v = g_limit.load(std::memory_order_relaxed);
    return v ? v : default_limit();
}

void set_decompression_limit(uint64_t bytes) { g_limit.store(bytes, std::memory_order_relaxed); }

void zstd_decompress_frame_upto(std::span<const uint8_t> src, size_t max_size, std::vector<uint8_t>& out,
                                const std::string& what, uint64_t limit) {
    check_raw_size(src, max_size, false, what, limit);
    const unsigned long long content = ZSTD_getFrameContentSize(src.data(), src.size());
    if (content != ZSTD_CONTENTSIZE_UNKNOWN && content != ZSTD_CONTENTSIZE_ERROR && content < max_size)
        max_size = static_cast<size_t>(content);
    out.resize(max_size);
    out.resize(decompress_one_frame(src, out, what));
}

void zstd_decompress_frame(std::span<const uint8_t> src, size_t raw_size, std::vector<uint8_t>& out,
                           const std::string& what, uint64_t limit) {
    check_raw_size(src, raw_size, true, what, limit);
    out.resize(raw_size);
    size_t n = decompress_one_frame(src, out, what);
    if (n != raw_size)
        throw Error::corrupt("corrupt archive: " + what + ": expected " + std::to_string(raw_size) +
                    " bytes after decompression, got " + std::to_string(n));
}

}  // namespace agcflow
