// agcflow-gen: writes a deterministic synthetic collection of assembled genomes for round-trip
// tests, benchmarks and the README demo.
//
// Output (in --out DIR): ref.fa, a random reference with chromosomes chr1..chrC (every third with
// a description, "chr3 synthetic chromosome 3"), repeats (duplications), N gaps, a few IUPAC codes
// and optionally soft-masked (lower-case) runs; then sample1.fa .. sampleN.fa (every K-th gzipped
// as .fa.gz), each derived from the reference or from a recent sample (a small tree, so samples
// also share variants with each other) by inversions, duplications, SNPs, indels, N runs, IUPAC
// codes and lower case: ~0.2-1% divergence, so compression is meaningful. Options add contigs of
// 1..30 and 31..100 bases (edge cases around k = 31) and, in a fraction of the samples, contigs
// absent from the reference (a shared "plasmid" and a sample-specific one).
//
// Only valid input: ACGTN + RYSWKMBDHVU, upper case unless --lowercase > 0, unique contig names,
// no empty records. Deterministic: our own PRNG (splitmix64) and integer arithmetic, so the same
// options give the same plain files on every machine (the .gz files decompress to the same bytes;
// their compressed bytes are those of the zlib in use). Each part has its own random stream, so
// adding samples leaves the existing files unchanged, and --gzip-every changes no content.
#include <CLI/CLI.hpp>
#include <zlib.h>

#include <algorithm>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace {

struct Rng {  // splitmix64: same numbers everywhere, unlike std::*_distribution
    uint64_t s;
    uint64_t next() {
        uint64_t z = (s += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }
    uint64_t below(uint64_t n) { return n ? next() % n : 0; }
    uint64_t between(uint64_t lo, uint64_t hi) { return lo + below(hi - lo + 1); }  // [lo, hi]
    bool chance(double p) { return (next() >> 11) * (1.0 / 9007199254740992.0) < p; }
    // floor(mean) events, plus one more with probability frac(mean).
    uint64_t events(double mean) {
        auto n = static_cast<uint64_t>(mean);
        return n + (chance(mean - static_cast<double>(n)) ? 1 : 0);
    }
};

// Independent stream for one part of the output (reference, sample i, ...).
Rng stream(uint64_t seed, uint64_t part) {
    Rng r{seed ^ (part * 0xD1B54A32D192ED03ull)};
    r.next();
    return r;
}

struct Options {
    std::string out = "collection";
    uint32_t samples = 6, contigs = 4, line_length = 60, gzip_every = 3;
    uint64_t length = 36000, seed = 1;
    // Per-base rates (the structural ones too: 1e-5 = one event per 100 kb).
    double snp = 0.002, indel = 0.0002, inversion = 1e-5, duplication = 1e-5, n_runs = 2e-5, iupac = 5e-5,
           lowercase = 0.0;
    bool short_contigs = true;
    double divergent = 0.5;  // fraction of samples with contigs absent from the reference
};

using Record = std::pair<std::string, std::string>;  // header (name and description), sequence
using Genome = std::vector<Record>;

constexpr char kIupac[] = "RYSWKMBDHVU";

std::string random_dna(Rng& r, size_t n) {
    std::string s(n, 'A');
    for (size_t i = 0; i < n; i += 32)
        for (uint64_t bits = r.next(), j = i; j < std::min(n, i + 32); ++j, bits >>= 2) s[j] = "ACGT"[bits & 3];
    return s;
}

char complement(char c) {
    constexpr std::string_view from = "ACGTURYKMSWBVDHNacgturykmswbvdhn";
    constexpr std::string_view to = "TGCAAYRMKSWVBHDNtgcaayrmkswvbhdn";
    auto p = from.find(c);
    return p == std::string_view::npos ? c : to[p];
}

// Structural events on a contig of at least 1000 bases: reverse-complemented segments and
// copies of segments inserted elsewhere (half of them next to the original: tandem repeats).
void rearrange(Rng& r, std::string& s, double inversion, double duplication) {
    if (s.size() < 1000) return;
    for (uint64_t e = r.events(inversion * static_cast<double>(s.size())); e > 0; --e) {
        size_t n = r.between(100, std::min<size_t>(5000, s.size() / 16)), p = r.below(s.size() - n);
        std::reverse(s.begin() + p, s.begin() + p + n);
        std::transform(s.begin() + p, s.begin() + p + n, s.begin() + p, complement);
    }
    for (uint64_t e = r.events(duplication * static_cast<double>(s.size())); e > 0; --e) {
        size_t n = r.between(100, std::min<size_t>(2000, s.size() / 16)), p = r.below(s.size() - n);
        size_t at = r.below(2) ? p + n : r.below(s.size() + 1);
        s.insert(at, s.substr(p, n));
    }
}

// Small events, one random draw per base, mutually exclusive at a base: SNP, indel (1..5 or
// 6..50 bases), start of an N run or of a lower-case run (1..200 bases), IUPAC code.
struct PointRates {
    double snp = 0, indel = 0, n_runs = 0, iupac = 0, lowercase = 0;
};

std::string mutate(Rng& r, const std::string& src, const PointRates& p) {
    // Cumulative thresholds on a 64-bit draw (the doubles are exact products, same everywhere).
    auto threshold = [](double x) {
        return x >= 1.0 ? UINT64_MAX : static_cast<uint64_t>(x * 18446744073709551616.0);
    };
    const uint64_t t_snp = threshold(p.snp), t_indel = threshold(p.snp + p.indel),
                   t_n = threshold(p.snp + p.indel + p.n_runs), t_iupac = threshold(p.snp + p.indel + p.n_runs + p.iupac),
                   t_lower = threshold(p.snp + p.indel + p.n_runs + p.iupac + p.lowercase);
    auto indel_length = [&] { return r.below(10) < 7 ? r.between(1, 5) : r.between(6, 50); };

    std::string s;
    s.reserve(src.size() + src.size() / 64);
    uint64_t n_left = 0, lower_left = 0;
    for (size_t i = 0; i < src.size(); ++i) {
        char c = src[i];
        const uint64_t u = r.next();
        if (u < t_snp) {
            auto at = std::string_view("ACGT").find(static_cast<char>(std::toupper(c)));
            c = "ACGT"[((at == std::string_view::npos ? 0 : at) + 1 + r.below(3)) % 4];
        } else if (u < t_indel) {
            if (r.below(2)) {  // deletion of this base and the next ones
                i += indel_length() - 1;
                continue;
            }
            s += random_dna(r, indel_length());  // insertion before this base
        } else if (u < t_n) {
            n_left = r.between(1, 200);
        } else if (u < t_iupac) {
            c = kIupac[r.below(sizeof kIupac - 1)];
        } else if (u < t_lower) {
            lower_left = r.between(1, 200);
        }
        if (n_left) c = 'N', --n_left;
        if (lower_left) c = static_cast<char>(std::tolower(c)), --lower_left;
        s.push_back(c);
    }
    if (s.empty()) s = src.substr(0, 1);  // never an empty record
    return s;
}

std::string upper(std::string s) {
    for (auto& c : s) c = static_cast<char>(std::toupper(c));
    return s;
}

// Contigs of 1..30 and 31..100 bases: below, at and just above k = 31.
const std::vector<std::pair<const char*, size_t>> kShortContigs = {
    {"short1", 1}, {"short2", 12}, {"short3 unplaced, shorter than k", 30},
    {"small1", 31}, {"small2", 57}, {"small3 unplaced scaffold", 100}};

Genome make_reference(const Options& o) {
    Rng r = stream(o.seed, 1);
    const PointRates p{.n_runs = o.n_runs, .iupac = o.iupac, .lowercase = o.lowercase};
    Genome g;
    for (uint32_t c = 1; c <= o.contigs; ++c) {
        std::string name = "chr" + std::to_string(c);
        if (c % 3 == 0) name += " synthetic chromosome " + std::to_string(c);
        std::string seq = random_dna(r, o.length);
        rearrange(r, seq, 0, o.duplication);  // repeats
        g.emplace_back(name, mutate(r, seq, p));
    }
    if (o.short_contigs)
        for (auto [name, n] : kShortContigs) g.emplace_back(name, random_dna(r, n));
    return g;
}

// Sample i (1-based) from the parent genome (the reference or an earlier sample), plus, if
// divergent, a mutated copy of the shared novel sequence and a contig of its own.
Genome make_sample(const Options& o, uint32_t i, const Genome& parent, const std::string& plasmid, bool divergent,
                   Rng& r) {
    const PointRates full{o.snp, o.indel, o.n_runs, o.iupac, o.lowercase};
    const PointRates light{.snp = o.snp, .iupac = o.iupac, .lowercase = o.lowercase};  // keeps short lengths
    Genome g;
    for (auto& [name, seq] : parent) {
        std::string s = upper(seq);  // each assembly has its own soft-masking
        if (s.size() >= 1000) {
            rearrange(r, s, o.inversion, o.duplication);
            g.emplace_back(name, mutate(r, s, full));
        } else {
            g.emplace_back(name, mutate(r, s, light));
        }
    }
    if (divergent) {
        g.emplace_back("plasmid1 novel sequence, absent from the reference", mutate(r, plasmid, full));
        g.emplace_back("novel" + std::to_string(i), random_dna(r, r.between(1000, 3000)));
    }
    return g;
}

std::string fasta(const Genome& g, uint32_t width) {
    std::string out;
    for (auto& [name, seq] : g) {
        out += '>' + name + '\n';
        const size_t w = width ? width : std::max<size_t>(seq.size(), 1);
        for (size_t i = 0; i < seq.size(); i += w) out.append(seq, i, w) += '\n';
    }
    return out;
}

void write(const std::string& path, const std::string& text, bool gzip) {
    if (!gzip) {
        std::ofstream out(path, std::ios::binary);
        out << text;
        if (!out) throw std::runtime_error("cannot write " + path);
        return;
    }
    gzFile f = gzopen(path.c_str(), "wb6");
    bool ok = f != nullptr;
    for (size_t i = 0; ok && i < text.size(); i += 1 << 20) {
        auto n = static_cast<unsigned>(std::min<size_t>(1 << 20, text.size() - i));
        ok = gzwrite(f, text.data() + i, n) == static_cast<int>(n);
    }
    if (f && gzclose(f) != Z_OK) ok = false;
    if (!ok) throw std::runtime_error("cannot write " + path);
}

}  // namespace

int main(int argc, char** argv) {
    Options o;
    std::string list;
    CLI::App app{"agcflow-gen: a deterministic synthetic collection of assembled genomes (reference + samples)"};
    const auto rate = CLI::Range(0.0, 1.0);
    app.add_option("--out", o.out, "output directory")->capture_default_str();
    app.add_option("--samples", o.samples, "samples besides the reference")->capture_default_str();
    app.add_option("--contigs", o.contigs, "chromosomes per genome")->check(CLI::PositiveNumber)->capture_default_str();
    app.add_option("--length", o.length, "bases per reference chromosome")->check(CLI::PositiveNumber)->capture_default_str();
    app.add_option("--seed", o.seed, "random seed")->capture_default_str();
    app.add_option("--gzip-every", o.gzip_every, "every K-th sample written as .fa.gz (0: none)")->capture_default_str();
    app.add_option("--line-length", o.line_length, "FASTA line width (0: one line per record)")->capture_default_str();
    app.add_option("--snp", o.snp, "SNP rate per base")->check(rate)->capture_default_str();
    app.add_option("--indel", o.indel, "indel rate per base (1..50 bases)")->check(rate)->capture_default_str();
    app.add_option("--inversion", o.inversion, "inversion rate per base (100..5000 bases)")->check(rate)->capture_default_str();
    app.add_option("--duplication", o.duplication, "duplication rate per base (100..2000 bases)")->check(rate)->capture_default_str();
    app.add_option("--n-runs", o.n_runs, "N-run rate per base (1..200 Ns)")->check(rate)->capture_default_str();
    app.add_option("--iupac", o.iupac, "IUPAC-code rate per base (RYSWKMBDHVU)")->check(rate)->capture_default_str();
    app.add_option("--lowercase", o.lowercase, "lower-case-run rate per base (1..200 bases; 0: upper case only)")
        ->check(rate)->capture_default_str();
    app.add_flag("--short-contigs,!--no-short-contigs", o.short_contigs,
                 "add contigs of 1, 12, 30, 31, 57 and 100 bases (default: on)");
    app.add_option("--divergent", o.divergent, "fraction of samples with contigs absent from the reference")
        ->check(rate)->capture_default_str();
    app.add_option("--list", list, "also write the input paths (reference first), one per line, for agc -i");
    CLI11_PARSE(app, argc, argv);

    try {
        if (o.snp + o.indel + o.n_runs + o.iupac + o.lowercase > 1.0)
            throw std::runtime_error("--snp + --indel + --n-runs + --iupac + --lowercase must not exceed 1");
        std::filesystem::create_directories(o.out);
        const std::filesystem::path dir = o.out;
        std::vector<std::string> paths;
        auto emit = [&](const std::string& name, const Genome& g, bool gz) {
            paths.push_back((dir / name).string());
            write(paths.back(), fasta(g, o.line_length), gz);
        };

        const Genome ref = make_reference(o);
        emit("ref.fa", ref, false);

        Rng pr = stream(o.seed, 2);
        const std::string plasmid = random_dna(pr, std::max<uint64_t>(1000, o.length / 4));
        const size_t digits = std::to_string(o.samples).size();
        std::deque<std::pair<Genome, int>> recent;  // the last few samples (without novel contigs), tree depth
        for (uint32_t i = 1; i <= o.samples; ++i) {
            Rng r = stream(o.seed, 100 + i);
            // Parent: the reference, or (half the time) one of the last 4 samples if not too deep.
            const Genome* parent = &ref;
            int depth = 1;
            if (!recent.empty() && r.below(2)) {
                auto& [g, d] = recent[r.below(recent.size())];
                if (d < 3) parent = &g, depth = d + 1;
            }
            const bool divergent = static_cast<uint64_t>(i * o.divergent) > static_cast<uint64_t>((i - 1) * o.divergent);
            Genome g = make_sample(o, i, *parent, plasmid, divergent, r);

            std::string id = std::to_string(i);
            const bool gz = o.gzip_every && i % o.gzip_every == 0;
            emit("sample" + std::string(digits - id.size(), '0') + id + (gz ? ".fa.gz" : ".fa"), g, gz);

            if (divergent) g.resize(g.size() - 2);
            recent.emplace_back(std::move(g), depth);
            if (recent.size() > 4) recent.pop_front();
        }
        if (!list.empty()) {
            std::string text;
            for (auto& p : paths) text += p + '\n';
            write(list, text, false);
        }
    } catch (const std::exception& e) {
        std::cerr << "agcflow-gen: " << e.what() << '\n';
        return 1;
    }
    return 0;
}
