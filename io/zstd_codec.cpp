#include "io/zstd_codec.h"

#include <zstd.h>

#include <memory>

#include "io/error.h"

namespace agcflow {

namespace {
struct CCtxDeleter {
    void operator()(ZSTD_CCtx* c) const { ZSTD_freeCCtx(c); }
};
struct DCtxDeleter {
    void operator()(ZSTD_DCtx* c) const { ZSTD_freeDCtx(c); }
};
}  // namespace

std::vector<uint8_t> zstd_compress(std::span<const uint8_t> src, int level) {
    // Each thread keeps a context for the usual small inputs; a large input (its workspace at
    // the high levels can take ~50 MB) gets one of its own, freed at once, so that no thread
    // holds on to such a workspace.
    constexpr size_t kLargeInput = 1 << 20;
    thread_local std::unique_ptr<ZSTD_CCtx, CCtxDeleter> cctx(ZSTD_createCCtx());
    std::unique_ptr<ZSTD_CCtx, CCtxDeleter> own;
    ZSTD_CCtx* ctx = cctx.get();
    if (src.size() > kLargeInput) {
        own.reset(ZSTD_createCCtx());
        ctx = own.get();
    }
    std::vector<uint8_t> out(ZSTD_compressBound(src.size()));
    size_t n = ZSTD_compressCCtx(ctx, out.data(), out.size(), src.data(), src.size(), level);
    if (ZSTD_isError(n)) throw Error::internal(std::string("zstd compression failed: ") + ZSTD_getErrorName(n));
    out.resize(n);
    return out;
}

static size_t decompress_one_frame(std::span<const uint8_t> src, std::vector<uint8_t>& out, const std::string& what) {
    thread_local std::unique_ptr<ZSTD_DCtx, DCtxDeleter> dctx(ZSTD_createDCtx());
    size_t frame = ZSTD_findFrameCompressedSize(src.data(), src.size());
    if (ZSTD_isError(frame))
        throw Error::corrupt("corrupt archive: " + what + ": zstd: " + ZSTD_getErrorName(frame));
    size_t n = ZSTD_decompressDCtx(dctx.get(), out.data(), out.size(), src.data(), frame);
    if (ZSTD_isError(n)) throw Error::corrupt("corrupt archive: " + what + ": zstd: " + ZSTD_getErrorName(n));
    return n;
}

void zstd_decompress_frame_upto(std::span<const uint8_t> src, size_t max_size, std::vector<uint8_t>& out,
                                const std::string& what) {
    out.resize(max_size);
    out.resize(decompress_one_frame(src, out, what));
}

void zstd_decompress_frame(std::span<const uint8_t> src, size_t raw_size, std::vector<uint8_t>& out,
                           const std::string& what) {
    out.resize(raw_size);
    size_t n = decompress_one_frame(src, out, what);
    if (n != raw_size)
        throw Error::corrupt("corrupt archive: " + what + ": expected " + std::to_string(raw_size) +
                    " bytes after decompression, got " + std::to_string(n));
}

}  // namespace agcflow
