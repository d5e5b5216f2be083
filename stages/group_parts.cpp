#include "stages/group_parts.h"

#include <algorithm>
#include <bit>
#include <cstring>

#include "io/error.h"
#include "io/zstd_codec.h"
#include "stages/kmer_scan.h"

namespace agcflow {

namespace {

template <unsigned PerByte, unsigned Base>
void pack_tuples_as(std::span<const uint8_t> codes, std::vector<uint8_t>& out) {
    out.reserve(codes.size() / PerByte + 2);
    size_t i = 0;
    for (; i + PerByte <= codes.size(); i += PerByte) {
        unsigned v = 0;
        for (unsigned j = 0; j < PerByte; ++j) v = v * Base + codes[i + j];
        out.push_back(static_cast<uint8_t>(v));
    }
    unsigned rest = 0;
    for (; i < codes.size(); ++i) rest = rest * Base + codes[i];
    out.push_back(static_cast<uint8_t>(rest));
    out.push_back(static_cast<uint8_t>((PerByte << 4) | (codes.size() % PerByte)));
}

template <unsigned PerByte, unsigned Base>
void unpack_tuples_as(std::span<const uint8_t> tuples, size_t n, Codes& out) {
    out.resize(n);
    size_t t = 0, j = 0;
    for (; j + PerByte <= n; j += PerByte, ++t) {
        unsigned v = tuples[t];
        for (int k = PerByte - 1; k >= 0; --k) {
            out[j + k] = static_cast<uint8_t>(v % Base);
            v /= Base;
        }
    }
    unsigned v = tuples[t];
    for (int k = static_cast<int>(n - j) - 1; k >= 0; --k) {
        out[j + k] = static_cast<uint8_t>(v % Base);
        v /= Base;
    }
}

// Stores `raw` as zstd(level) + marker when that is smaller than `plain_size`, else plain.
EncodedPart compress_or_store(std::span<const uint8_t> to_compress, std::span<const uint8_t> plain, int level,
                              uint8_t marker, bool checksum) {
    EncodedPart p;
    auto z = zstd_compress(to_compress, level, checksum);
    if (z.size() + 1 < plain.size()) {
        z.push_back(marker);
        p.payload = std::move(z);
        p.metadata = plain.size();
    } else {
        p.payload.assign(plain.begin(), plain.end());
        p.metadata = 0;
    }
    return p;
}

}  // namespace

std::vector<uint8_t> pack_tuples(std::span<const uint8_t> codes) {
    uint8_t top = codes.empty() ? 0 : *std::max_element(codes.begin(), codes.end());
    std::vector<uint8_t> out;
    if (top < 4)
        pack_tuples_as<4, 4>(codes, out);
    else if (top < 6)
        pack_tuples_as<3, 6>(codes, out);
    else if (top < 16)
        pack_tuples_as<2, 16>(codes, out);
    else {
        out.assign(codes.begin(), codes.end());
        out.push_back(0x10);
    }
    return out;
}

Codes unpack_tuples(std::span<const uint8_t> tuples, const std::string& what) {
    if (tuples.empty()) throw Error::corrupt("corrupt archive: " + what + ": empty tuple stream");
    uint8_t marker = tuples.back();
    unsigned per_byte = marker >> 4, rest = marker & 0xF;
    Codes out;
    if (per_byte == 1) {
        out.assign(tuples.begin(), tuples.end() - 1);
        return out;
    }
    if ((per_byte != 2 && per_byte != 3 && per_byte != 4) || rest >= per_byte || tuples.size() < 2)
        throw Error::corrupt("corrupt archive: " + what + ": bad tuple marker");
    size_t n = (tuples.size() - 2) * per_byte + rest;
    if (per_byte == 4)
        unpack_tuples_as<4, 4>(tuples, n, out);
    else if (per_byte == 3)
        unpack_tuples_as<3, 6>(tuples, n, out);
    else
        unpack_tuples_as<2, 16>(tuples, n, out);
    return out;
}

namespace {
// Positions j < n - lag with codes[j] == codes[j + lag]; or, once fewer than `need` can be
// reached, some smaller count. 16 byte counters in one vector (GCC/Clang vector extensions),
// emptied every 255 rounds: the plain loop compiles to a comparison widened to 32 bits per
// byte, 5x slower.
uint64_t count_equal_at_lag(const uint8_t* c, size_t n, size_t lag, uint64_t need) {
    using Bytes16 = uint8_t __attribute__((vector_size(16)));
    const size_t m = n - lag;
    uint64_t same = 0;
    size_t j = 0;
    while (j + 16 <= m) {
        Bytes16 lanes = {};
        for (uint32_t round = 0; round < 255 && j + 16 <= m; ++round, j += 16) {
            Bytes16 a, b;
            std::memcpy(&a, c + j, 16);
            std::memcpy(&b, c + j + lag, 16);
            lanes -= reinterpret_cast<Bytes16>(a == b);  // a lane of all ones is -1
        }
        for (uint32_t l = 0; l < 16; ++l) same += lanes[l];
        if (same + (m - j) < need) return same;  // (in sequence that is not periodic, about 2/3 through)
    }
    for (; j < m; ++j) same += c[j] == c[j + lag];
    return same;
}
}  // namespace

double repeated_kmer_fraction(std::span<const uint8_t> codes) {
    codes = codes.first(std::min<size_t>(codes.size(), kRepeatScanBases));
    if (codes.empty()) return 0;
    // Open addressing over the forward k-mers (left-aligned, so + 1 never wraps; 0 marks an
    // empty slot), at most half full.
    const uint64_t slots = std::bit_ceil(2 * codes.size());
    std::vector<uint64_t> table(slots, 0);
    uint64_t repeated = 0;
    for_each_kmer(codes, 24, [&](const RollingKmer& km) {
        const uint64_t key = km.forward() + 1;
        for (uint64_t slot = murmur64(key) & (slots - 1);; slot = (slot + 1) & (slots - 1)) {
            if (table[slot] == key) {
                ++repeated;
                return;
            }
            if (table[slot] == 0) {
                table[slot] = key;
                return;
            }
        }
    });
    return static_cast<double>(repeated) / static_cast<double>(codes.size());
}

bool is_periodic(std::span<const uint8_t> codes) {
    // The best fraction, over lags 4..31, of positions equal to the base `lag` further on,
    // relative to the count of ACGT positions among them; periodic when it reaches 1/2.
    const size_t n = codes.size();
    uint64_t acgt = 0;  // ACGT codes in [0, n - lag), for the current lag
    for (size_t j = 0; j + 4 < n; ++j) acgt += codes[j] < 4;
    for (uint32_t lag = 4; lag < 32 && lag < n; ++lag) {
        if (lag > 4) acgt -= codes[n - lag] < 4;
        // (Fewer than half of the ACGT positions equal can only give a fraction below 1/2.)
        const uint64_t same = count_equal_at_lag(codes.data(), n, lag, (acgt + 1) / 2);
        if (acgt != 0 && static_cast<double>(same) / static_cast<double>(acgt) >= 0.5) return true;
    }
    return false;
}

EncodedPart encode_reference_part(std::span<const uint8_t> codes, const CompressionProfile& profile) {
    auto as_tuples = [&] {
        return compress_or_store(pack_tuples(codes), codes, profile.reference_tuple_level, 1, profile.frame_checksums);
    };
    auto as_plain = [&] {
        return compress_or_store(codes, codes, profile.reference_plain_level, 0, profile.frame_checksums);
    };
    if (profile.reference_smaller_form && repeated_kmer_fraction(codes) >= kRepeatsForBothForms) {
        EncodedPart tuples = as_tuples(), plain = as_plain();
        return plain.payload.size() < tuples.payload.size() ? std::move(plain) : std::move(tuples);
    }
    // Repetitive sequences compress better as plain bytes; others as tuples.
    return is_periodic(codes) ? as_plain() : as_tuples();
}

Codes decode_reference_part(uint64_t metadata, std::span<const uint8_t> payload, const std::string& what,
                            uint64_t limit) {
    if (metadata == 0) return Codes(payload.begin(), payload.end());
    if (payload.empty()) throw Error::corrupt("corrupt archive: " + what + ": empty reference part");
    uint8_t marker = payload.back();
    auto frame = payload.first(payload.size() - 1);
    if (marker == 0) {
        Codes out;
        zstd_decompress_frame(frame, metadata, out, what, limit);
        return out;
    }
    // Tuples: the stream is at most metadata + 1 bytes; zstd tells its exact size.
    std::vector<uint8_t> tuples;
    zstd_decompress_frame_upto(frame, metadata + 1, tuples, what, limit);
    Codes out = unpack_tuples(tuples, what);
    if (out.size() != metadata)
        throw Error::corrupt("corrupt archive: " + what + ": reference length " + std::to_string(out.size()) +
                    " differs from the stored " + std::to_string(metadata));
    return out;
}

EncodedPart encode_pack(const std::vector<std::vector<uint8_t>>& entries, const CompressionProfile& profile) {
    std::vector<uint8_t> pack;
    size_t total = entries.size();
    for (auto& e : entries) total += e.size();
    pack.reserve(total);
    for (auto& e : entries) {
        pack.insert(pack.end(), e.begin(), e.end());
        pack.push_back(kPackSeparator);
    }
    return compress_or_store(pack, pack, profile.pack_level, 0, profile.frame_checksums);
}

std::vector<uint8_t> decode_pack(uint64_t metadata, std::span<const uint8_t> payload, const std::string& what,
                                 uint64_t limit) {
    std::vector<uint8_t> out;
    if (metadata == 0) {
        out.assign(payload.begin(), payload.end());
        return out;
    }
    zstd_decompress_frame(payload, metadata, out, what, limit);
    return out;
}

std::span<const uint8_t> pack_entry(std::span<const uint8_t> pack, uint32_t slot, const std::string& what) {
    size_t start = 0;
    for (uint32_t i = 0; i < slot; ++i) {
        auto it = std::find(pack.begin() + start, pack.end(), kPackSeparator);
        if (it == pack.end()) throw Error::corrupt("corrupt archive: " + what + ": pack has no entry " + std::to_string(slot));
        start = static_cast<size_t>(it - pack.begin()) + 1;
    }
    auto it = std::find(pack.begin() + start, pack.end(), kPackSeparator);
    if (it == pack.end()) throw Error::corrupt("corrupt archive: " + what + ": pack has no entry " + std::to_string(slot));
    return pack.subspan(start, static_cast<size_t>(it - pack.begin()) - start);
}

}  // namespace agcflow
