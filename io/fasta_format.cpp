#include "io/fasta_format.h"

#include <libdeflate.h>

#include <memory>

#include "io/error.h"
#include "io/thread_cache.h"
#include "stages/nucleotide.h"

namespace agcflow {

namespace {

constexpr std::array<char, 256> kPrintable = [] {
    std::array<char, 256> t{};
    for (int c = 0; c < 256; ++c) t[c] = code_to_letter(static_cast<uint8_t>(c));
    return t;
}();

struct CompressorDeleter {
    void operator()(libdeflate_compressor* c) const { libdeflate_free_compressor(c); }
};

void gzip_in_place(std::vector<uint8_t>& bytes, uint32_t level) {
    struct Compressor {
        uint32_t level = 0;
        std::unique_ptr<libdeflate_compressor, CompressorDeleter> comp;
    };
    static ThreadCache<Compressor> compressors;
    Compressor& c = compressors.get();
    auto& comp = c.comp;
    if (!comp || c.level != level) {
        comp.reset(libdeflate_alloc_compressor(static_cast<int>(level)));
        c.level = level;
        if (!comp) throw std::bad_alloc();
    }
    std::vector<uint8_t> z(libdeflate_gzip_compress_bound(comp.get(), bytes.size()));
    size_t n = libdeflate_gzip_compress(comp.get(), bytes.data(), bytes.size(), z.data(), z.size());
    if (n == 0) throw Error::internal("gzip compression failed");
    z.resize(n);
    bytes.swap(z);
}

}  // namespace

void format_fasta_record(const std::string& header, std::span<const uint8_t> codes, uint32_t line_length,
                         uint32_t gzip_level, std::vector<uint8_t>& out) {
    out.clear();
    out.reserve(header.size() + 2 + codes.size() + codes.size() / line_length + 1);
    out.push_back('>');
    out.insert(out.end(), header.begin(), header.end());
    out.push_back('\n');
    size_t pos = out.size();
    out.resize(pos + codes.size() + (codes.size() + line_length - 1) / line_length);
    uint8_t* q = out.data() + pos;
    for (size_t i = 0; i < codes.size(); i += line_length) {
        size_t n = std::min<size_t>(line_length, codes.size() - i);
        const uint8_t* p = codes.data() + i;
        for (size_t j = 0; j < n; ++j) q[j] = static_cast<uint8_t>(kPrintable[p[j]]);
        q += n;
        *q++ = '\n';
    }
    if (gzip_level) gzip_in_place(out, gzip_level);
}

}  // namespace agcflow
