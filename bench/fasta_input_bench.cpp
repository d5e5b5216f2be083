// FASTA input throughput (plain and gzipped) and the gzip inflaters available from Debian:
// zlib (what io/fasta_input uses, streaming), isa-l's igzip (streaming) and libdeflate
// (whole buffer only). Bytes per second of uncompressed FASTA.
#include <benchmark/benchmark.h>
#include <isa-l/igzip_lib.h>
#include <libdeflate.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "io/fasta_input.h"

namespace {

struct Corpus {
    std::string fasta;             // ~32 MB of FASTA, 80 bases a line
    std::vector<uint8_t> gz;       // the same, gzip level 6
    std::string plain_path, gz_path;
    Corpus() {
        std::mt19937_64 rng(5);
        for (int c = 0; c < 8; ++c) {
            fasta += ">chr" + std::to_string(c) + "\n";
            for (int l = 0; l < 50000; ++l) {
                for (int i = 0; i < 80; ++i) fasta.push_back("ACGT"[rng() & 3]);
                fasta.push_back('\n');
            }
        }
        auto* comp = libdeflate_alloc_compressor(6);
        gz.resize(libdeflate_gzip_compress_bound(comp, fasta.size()));
        gz.resize(libdeflate_gzip_compress(comp, fasta.data(), fasta.size(), gz.data(), gz.size()));
        libdeflate_free_compressor(comp);
        auto dir = std::filesystem::temp_directory_path();
        plain_path = (dir / ("agcflow-bench-" + std::to_string(::getpid()) + ".fa")).string();
        gz_path = plain_path + ".gz";
        std::ofstream(plain_path, std::ios::binary) << fasta;
        std::ofstream(gz_path, std::ios::binary).write(reinterpret_cast<const char*>(gz.data()), gz.size());
    }
    ~Corpus() {
        std::remove(plain_path.c_str());
        std::remove(gz_path.c_str());
    }
};

Corpus& corpus() {
    static Corpus c;
    return c;
}

void BM_FastaInputPlain(benchmark::State& state) {
    corpus();  // built before timing starts
    for (auto _ : state) benchmark::DoNotOptimize(agcflow::read_fasta_file(corpus().plain_path));
    state.SetBytesProcessed(state.iterations() * corpus().fasta.size());
}

void BM_FastaInputGzip(benchmark::State& state) {
    for (auto _ : state) benchmark::DoNotOptimize(agcflow::read_fasta_file(corpus().gz_path));
    state.SetBytesProcessed(state.iterations() * corpus().fasta.size());
}

void BM_InflateIsalStreaming(benchmark::State& state) {
    std::vector<uint8_t> out(1 << 20);
    for (auto _ : state) {
        inflate_state st;
        isal_inflate_init(&st);
        st.crc_flag = ISAL_GZIP;
        st.next_in = corpus().gz.data();
        st.avail_in = static_cast<uint32_t>(corpus().gz.size());
        do {
            st.next_out = out.data();
            st.avail_out = static_cast<uint32_t>(out.size());
            if (isal_inflate(&st) != ISAL_DECOMP_OK) break;
        } while (st.block_state != ISAL_BLOCK_FINISH);
        benchmark::DoNotOptimize(out.data());
    }
    state.SetBytesProcessed(state.iterations() * corpus().fasta.size());
}

void BM_InflateLibdeflateWhole(benchmark::State& state) {
    std::vector<uint8_t> out(corpus().fasta.size());
    auto* d = libdeflate_alloc_decompressor();
    for (auto _ : state) {
        size_t n = 0;
        libdeflate_gzip_decompress(d, corpus().gz.data(), corpus().gz.size(), out.data(), out.size(), &n);
        benchmark::DoNotOptimize(n);
    }
    libdeflate_free_decompressor(d);
    state.SetBytesProcessed(state.iterations() * corpus().fasta.size());
}

}  // namespace

BENCHMARK(BM_FastaInputPlain)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_FastaInputGzip)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_InflateIsalStreaming)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_InflateLibdeflateWhole)->Unit(benchmark::kMillisecond);
