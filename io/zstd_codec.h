// zstd helpers with the exact calls AGC makes (plain ZSTD_compressCCtx at a level), so that the
// same libzstd gives the same frames.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace agcflow {

// Compresses `src` into one zstd frame at `level` (a per-thread context is reused); with
// `checksum`, the frame ends with zstd's checksum of its content.
std::vector<uint8_t> zstd_compress(std::span<const uint8_t> src, int level, bool checksum = false);

// The most a single part may take decompressed (its size is read from the archive, so it is
// checked before anything is allocated): half the physical memory unless set lower (the
// program sets it from --max-memory).
uint64_t decompression_limit();
void set_decompression_limit(uint64_t bytes);

// Decodes exactly one zstd frame at the start of `src` into `out`, which must come out
// `raw_size` bytes long. Trailing bytes after the frame (AGC's marker byte) are ignored.
// Before anything is allocated, `raw_size` is checked against the frame's own content size (when
// it records one), against what `src` could possibly decompress to, and against `limit`
// (Error(no_memory) "out of memory: ..." past it). Throws Error("corrupt archive: <what>: ...")
// on any zstd error or size mismatch.
void zstd_decompress_frame(std::span<const uint8_t> src, size_t raw_size, std::vector<uint8_t>& out,
                           const std::string& what, uint64_t limit = decompression_limit());

// As above, but the frame may decode to any size up to `max_size`; `out` gets the actual size.
void zstd_decompress_frame_upto(std::span<const uint8_t> src, size_t max_size, std::vector<uint8_t>& out,
                                const std::string& what, uint64_t limit = decompression_limit());

}  // namespace agcflow
