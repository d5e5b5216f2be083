// Throughput of create's stages on a synthetic 8 Mb reference: canonical k-mer scanning
// (reference singletons), splitter selection, cutting a contig at splitters, pack compression.
#include <benchmark/benchmark.h>

#include <random>

#include "stages/contig_cutter.h"
#include "stages/group_parts.h"
#include "stages/splitter_selection.h"

namespace {

using namespace agcflow;

const std::vector<ContigView>& reference() {
    static const std::vector<Codes> seqs = [] {
        std::mt19937_64 rng(3);
        std::vector<Codes> r(4, Codes(2'000'000));
        for (auto& c : r)
            for (auto& x : c) x = static_cast<uint8_t>(rng() & 3);
        return r;
    }();
    static const std::vector<ContigView> views(seqs.begin(), seqs.end());
    return views;
}

size_t total_bases() {
    size_t n = 0;
    for (auto& c : reference()) n += c.size();
    return n;
}

void BM_ReferenceSingletons(benchmark::State& state) {
    reference();
    for (auto _ : state) benchmark::DoNotOptimize(reference_singletons(reference(), 31));
    state.SetBytesProcessed(state.iterations() * total_bases());
}

// The partitioned singleton phase create uses; the argument divides the entry budget, so 1 is
// one pass and 4 about four passes over the reference.
void BM_SingletonMap(benchmark::State& state) {
    reference();
    const uint64_t budget = total_bases() * SingletonMap::kBytesPerEntry / state.range(0) + 1;
    uint32_t passes = 0;
    for (auto _ : state) {
        SingletonMap map(reference(), 31, budget);
        passes = map.passes();
        benchmark::DoNotOptimize(map);
    }
    state.counters["passes"] = passes;
    state.SetBytesProcessed(state.iterations() * total_bases());
}

void BM_SelectSplitters(benchmark::State& state) {
    reference();
    for (auto _ : state) benchmark::DoNotOptimize(select_splitters(reference(), 31, 60000));
    state.SetBytesProcessed(state.iterations() * total_bases());
}

void BM_CutContig(benchmark::State& state) {
    static const SplitterSet splitters(select_splitters(reference(), 31, 60000).splitters, 31);
    for (auto _ : state)
        for (auto& c : reference()) benchmark::DoNotOptimize(cut_contig(c, splitters, 31));
    state.SetBytesProcessed(state.iterations() * total_bases());
}

void BM_EncodePack(benchmark::State& state) {
    // 50 LZ-diff-like entries of ~100 bytes, as a delta pack holds.
    std::mt19937_64 rng(9);
    std::vector<std::vector<uint8_t>> entries(50);
    size_t bytes = 0;
    for (auto& e : entries) {
        for (int i = 0; i < 100; ++i) e.push_back(static_cast<uint8_t>("ACGT0123456789,.!"[rng() % 17]));
        bytes += e.size() + 1;
    }
    for (auto _ : state) benchmark::DoNotOptimize(encode_pack(entries));
    state.SetBytesProcessed(state.iterations() * bytes);
}

}  // namespace

BENCHMARK(BM_ReferenceSingletons)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_SingletonMap)->Arg(1)->Arg(2)->Arg(3)->Arg(4)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_SelectSplitters)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_CutContig)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_EncodePack)->Unit(benchmark::kMicrosecond);
