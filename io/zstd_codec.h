// zstd helpers with the exact calls AGC makes (plain ZSTD_compressCCtx at a level), so that the
// same libzstd gives the same frames.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace agcflow {

// Compresses `src` into one zstd frame at `level` (a per-thread context is reused).
std::vector<uint8_t> zstd_compress(std::span<const uint8_t> src, int level);

// Decodes exactly one zstd frame at the start of `src` into `out`, which must come out
// `raw_size` bytes long. Trailing bytes after the frame (AGC's marker byte) are ignored.
// Throws Error("corrupt archive: <what>: ...") on any zstd error or size mismatch.
void zstd_decompress_frame(std::span<const uint8_t> src, size_t raw_size, std::vector<uint8_t>& out,
                           const std::string& what);

// As above, but the frame may decode to any size up to `max_size`; `out` gets the actual size.
void zstd_decompress_frame_upto(std::span<const uint8_t> src, size_t max_size, std::vector<uint8_t>& out,
                                const std::string& what);

}  // namespace agcflow
