// LZ-diff V2 throughput: a 60 kb reference (AGC's default segment size) and a text with about
// 1% of its bases changed (SNPs, short indels, an N run), as in a typical group; and a text whose
// second half is novel, as in the cost vectors of a segment about to be split.
#include <benchmark/benchmark.h>

#include <random>

#include "stages/lz_decoder.h"
#include "stages/lz_encoder.h"

namespace agcflow {
namespace {

struct Workload {
    Codes reference;
    Codes text;
    std::vector<uint8_t> encoded;
};

const Workload& workload() {
    static const Workload w = [] {
        Workload w;
        std::mt19937_64 rng(42);
        w.reference.resize(60000);
        for (auto& c : w.reference) c = static_cast<uint8_t>(rng() & 3);
        std::uniform_int_distribution<int> roll(0, 999);
        for (size_t p = 0; p < w.reference.size(); ++p) {
            int r = roll(rng);
            if (r < 8) {  // SNP
                w.text.push_back(static_cast<uint8_t>((w.reference[p] + 1 + rng() % 3) & 3));
            } else if (r < 9) {  // insertion
                for (int k = 1 + rng() % 5; k > 0; --k) w.text.push_back(static_cast<uint8_t>(rng() & 3));
                w.text.push_back(w.reference[p]);
            } else if (r < 10) {  // deletion
                p += rng() % 5;
            } else {
                w.text.push_back(w.reference[p]);
            }
        }
        w.text.insert(w.text.begin() + 30000, 100, kCodeN);
        LzEncoder(w.reference, 20).encode(w.text, w.encoded);
        return w;
    }();
    return w;
}

void BM_LzEncode(benchmark::State& state) {
    const Workload& w = workload();
    LzEncoder enc(w.reference, 20);
    enc.prepare();
    std::vector<uint8_t> out;
    for (auto _ : state) {
        enc.encode(w.text, out);
        benchmark::DoNotOptimize(out.data());
    }
    state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * static_cast<int64_t>(w.text.size()));
    state.counters["encoded_bytes"] = static_cast<double>(out.size());
}
BENCHMARK(BM_LzEncode);

// Index construction included: what the first segment of a new group costs.
void BM_LzEncodeWithIndex(benchmark::State& state) {
    const Workload& w = workload();
    std::vector<uint8_t> out;
    for (auto _ : state) {
        LzEncoder enc(w.reference, 20);
        enc.encode(w.text, out);
        benchmark::DoNotOptimize(out.data());
    }
    state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * static_cast<int64_t>(w.text.size()));
}
BENCHMARK(BM_LzEncodeWithIndex);

void BM_LzEstimate(benchmark::State& state) {
    const Workload& w = workload();
    LzEncoder enc(w.reference, 20);
    enc.prepare();
    for (auto _ : state) benchmark::DoNotOptimize(enc.estimate(w.text));
    state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * static_cast<int64_t>(w.text.size()));
}
BENCHMARK(BM_LzEstimate);

void BM_LzCostVector(benchmark::State& state) {
    const Workload& w = workload();
    LzEncoder enc(w.reference, 20);
    enc.prepare();
    std::vector<uint32_t> costs;
    for (auto _ : state) {
        enc.cost_vector(w.text, true, costs);
        benchmark::DoNotOptimize(costs.data());
    }
    state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * static_cast<int64_t>(w.text.size()));
}
BENCHMARK(BM_LzCostVector);

// The split decision (GroupRouter::middle_splitter): the text matches the group's reference in its
// first half only, so the second half is a stretch of failed lookups, one per base.
void BM_LzCostVectorHalfNovel(benchmark::State& state) {
    const Workload& w = workload();
    LzEncoder enc(w.reference, 20);
    enc.prepare();
    Codes text(w.text.begin(), w.text.begin() + static_cast<std::ptrdiff_t>(w.text.size() / 2));
    std::mt19937_64 rng(7);
    while (text.size() < w.text.size()) text.push_back(static_cast<uint8_t>(rng() & 3));
    std::vector<uint32_t> costs;
    for (auto _ : state) {
        enc.cost_vector(text, state.range(0) != 0, costs);
        benchmark::DoNotOptimize(costs.data());
    }
    state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * static_cast<int64_t>(text.size()));
}
BENCHMARK(BM_LzCostVectorHalfNovel)->Arg(1)->Arg(0);

void BM_LzDecode(benchmark::State& state) {
    const Workload& w = workload();
    Codes out;
    for (auto _ : state) {
        lz_decode(w.reference, w.encoded, 20, out);
        benchmark::DoNotOptimize(out.data());
    }
    state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * static_cast<int64_t>(w.text.size()));
}
BENCHMARK(BM_LzDecode);

}  // namespace
}  // namespace agcflow
