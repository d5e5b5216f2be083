// Contig reconstruction: rebuilding a sample's contigs from their segments (group references,
// LZ-diff entries, packs) as getset does, one thread, on an archive created once from a
// synthetic 4-sample collection (2 contigs x 1.5 Mb each, 0.2% SNPs, some indels).
#include <benchmark/benchmark.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <fmt/format.h>

#include "io/archive_catalog.h"
#include "pipeline/create.h"
#include "stages/segment_decoder.h"

namespace {

using namespace agcflow;

std::filesystem::path make_archive() {
    const auto dir = std::filesystem::temp_directory_path() / "agcflow-extract-bench";
    std::filesystem::create_directories(dir);
    std::mt19937_64 rng(11);
    std::vector<std::string> reference(2);
    for (auto& c : reference)
        for (int i = 0; i < 1'500'000; ++i) c += "ACGT"[rng() & 3];
    std::vector<SampleInput> inputs;
    for (int s = 0; s < 4; ++s) {
        const auto path = dir / fmt::format("s{}.fa", s);
        std::ofstream out(path);
        for (size_t c = 0; c < reference.size(); ++c) {
            std::string seq = reference[c];
            if (s > 0)
                for (size_t i = 0; i < seq.size(); ++i) {
                    const uint64_t r = rng() % 10000;
                    if (r < 20) seq[i] = "ACGT"[rng() & 3];
                    else if (r < 22) seq.erase(i, 1 + rng() % 5);
                }
            out << ">chr" << c << "\n" << seq << "\n";
        }
        inputs.push_back({fmt::format("s{}", s), path.string()});
    }
    const auto archive = dir / "bench.agc";
    create_archive(inputs, archive, CreateConfig{});
    return archive;
}

const ArchiveCatalog& catalog() {
    static const std::filesystem::path path = make_archive();
    static const ArchiveCatalog c(path, true);
    return c;
}

// Every contig of a sample: the reference sample (group references only) or a later one
// (mostly LZ-diff entries against them).
void BM_AssembleSample(benchmark::State& state) {
    const ArchiveCatalog& cat = catalog();
    const SampleDesc& sample = cat.sample(static_cast<uint32_t>(state.range(0)));
    SegmentDecoder decoder(cat.reader(), cat.params());
    SegmentScratch scratch;
    Codes contig;
    uint64_t bases = 0;
    for (auto _ : state)
        for (const ContigDesc& cd : sample.contigs) {
            assemble_contig(cd, decoder, cat.params().k, BaseRange{}, contig, scratch);
            bases += contig.size();
            benchmark::DoNotOptimize(contig.data());
        }
    state.SetBytesProcessed(static_cast<int64_t>(bases));
}

// The same, with a decoder whose reference cache holds almost nothing: every segment's
// reference is decoded again (getcol under a tiny --max-memory).
void BM_AssembleSampleColdCache(benchmark::State& state) {
    const ArchiveCatalog& cat = catalog();
    const SampleDesc& sample = cat.sample(2);
    SegmentDecoder decoder(cat.reader(), cat.params(), 1);
    SegmentScratch scratch;
    Codes contig;
    uint64_t bases = 0;
    for (auto _ : state)
        for (const ContigDesc& cd : sample.contigs) {
            assemble_contig(cd, decoder, cat.params().k, BaseRange{}, contig, scratch);
            bases += contig.size();
        }
    state.SetBytesProcessed(static_cast<int64_t>(bases));
}

}  // namespace

BENCHMARK(BM_AssembleSample)->Arg(0)->Arg(2)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_AssembleSampleColdCache)->Unit(benchmark::kMillisecond);
