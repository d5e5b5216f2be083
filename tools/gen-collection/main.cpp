// agcflow-gen: writes a synthetic collection of assemblies for tests, benchmarks and demos — a
// reference and samples derived from it with SNPs, indels, inversions, duplications, N runs,
// IUPAC codes and lower case, plus short contigs, novel contigs and gzipped files.
// Deterministic: the same options give the same bytes on every machine (own PRNG).
#include <CLI/CLI.hpp>
#include <zlib.h>

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

namespace {

struct Rng {  // splitmix64
    uint64_t s;
    uint64_t next() {
        uint64_t z = (s += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }
    uint64_t below(uint64_t n) { return n ? next() % n : 0; }
    bool chance(double p) { return (next() >> 11) * (1.0 / 9007199254740992.0) < p; }
};

struct Options {
    std::string out = "collection";
    uint32_t samples = 6, contigs = 3, line_length = 60, gzip_every = 3;
    uint64_t length = 100000, seed = 1;
    double snp = 0.002, indel = 0.0002, inversions = 1, duplications = 1, n_runs = 1, iupac = 0.00005,
           lowercase = 0.0;
    bool short_contigs = true, novel = true;
};

using Record = std::pair<std::string, std::string>;

std::string random_dna(Rng& r, size_t n) {
    std::string s(n, 'A');
    for (auto& c : s) c = "ACGT"[r.below(4)];
    return s;
}

char complement(char c) {
    switch (c) {
        case 'A': return 'T';
        case 'T': return 'A';
        case 'C': return 'G';
        case 'G': return 'C';
        default: return c;
    }
}

std::string mutate(Rng& r, const std::string& ref, const Options& o) {
    std::string s;
    s.reserve(ref.size() + ref.size() / 100);
    for (size_t i = 0; i < ref.size(); ++i) {
        if (r.chance(o.indel)) {
            if (r.below(2)) {
                i += r.below(20);  // deletion
                continue;
            }
            s += random_dna(r, 1 + r.below(20));  // insertion
        }
        s.push_back(r.chance(o.snp) ? "ACGT"[r.below(4)] : ref[i]);
    }
    auto events = [&](double mean) { return static_cast<int>(mean) + (r.chance(mean - static_cast<int>(mean)) ? 1 : 0); };
    for (int e = events(o.inversions); e > 0 && s.size() > 4000; --e) {
        size_t n = 500 + r.below(3000), p = r.below(s.size() - n);
        std::reverse(s.begin() + p, s.begin() + p + n);
        std::transform(s.begin() + p, s.begin() + p + n, s.begin() + p, complement);
    }
    for (int e = events(o.duplications); e > 0 && s.size() > 2000; --e) {
        size_t n = 200 + r.below(1000), p = r.below(s.size() - n);
        s.insert(r.below(s.size()), s.substr(p, n));
    }
    for (int e = events(o.n_runs); e > 0 && s.size() > 200; --e) {
        size_t n = 10 + r.below(150), p = r.below(s.size() - n);
        std::fill(s.begin() + p, s.begin() + p + n, 'N');
    }
    for (auto& c : s) {
        if (r.chance(o.iupac)) c = "RYSWKMBDHVU"[r.below(11)];
        if (o.lowercase > 0 && r.chance(o.lowercase)) c = static_cast<char>(c - 'A' + 'a');
    }
    return s;
}

std::string fasta(const std::vector<Record>& recs, uint32_t width) {
    std::string out;
    for (auto& [name, seq] : recs) {
        out += ">" + name + "\n";
        if (width == 0) {
            out += seq + "\n";
            continue;
        }
        for (size_t i = 0; i < seq.size(); i += width) out += seq.substr(i, width) + "\n";
    }
    return out;
}

void write(const std::string& path, const std::string& text, bool gzip) {
    if (gzip) {
        gzFile f = gzopen(path.c_str(), "wb6");
        if (!f || gzwrite(f, text.data(), static_cast<unsigned>(text.size())) != static_cast<int>(text.size()) ||
            gzclose(f) != Z_OK)
            throw std::runtime_error("cannot write " + path);
        return;
    }
    std::ofstream out(path, std::ios::binary);
    out << text;
    if (!out) throw std::runtime_error("cannot write " + path);
}

}  // namespace

int main(int argc, char** argv) {
    Options o;
    std::string list;
    CLI::App app{"agcflow-gen: a deterministic synthetic collection (reference + samples)"};
    app.add_option("--out", o.out, "output directory")->capture_default_str();
    app.add_option("--samples", o.samples, "samples besides the reference")->capture_default_str();
    app.add_option("--contigs", o.contigs, "long contigs per genome")->capture_default_str();
    app.add_option("--length", o.length, "bases per reference contig")->capture_default_str();
    app.add_option("--seed", o.seed, "random seed")->capture_default_str();
    app.add_option("--gzip-every", o.gzip_every, "every K-th sample gzipped (0: none)")->capture_default_str();
    app.add_option("--line-length", o.line_length, "FASTA line width (0: one line)")->capture_default_str();
    app.add_option("--snp", o.snp, "SNP rate per base")->capture_default_str();
    app.add_option("--indel", o.indel, "indel rate per base")->capture_default_str();
    app.add_option("--inversion", o.inversions, "inversions per contig (mean)")->capture_default_str();
    app.add_option("--duplication", o.duplications, "duplications per contig (mean)")->capture_default_str();
    app.add_option("--n-runs", o.n_runs, "N runs per contig (mean)")->capture_default_str();
    app.add_option("--iupac", o.iupac, "IUPAC code rate per base")->capture_default_str();
    app.add_option("--lowercase", o.lowercase, "lower-case rate per base")->capture_default_str();
    app.add_option("--short-contigs", o.short_contigs, "add contigs of 20 and 5 bases")->capture_default_str();
    app.add_option("--novel", o.novel, "odd samples get a contig absent from the reference")->capture_default_str();
    app.add_option("--list", list, "also write the file names (reference first), one per line");
    CLI11_PARSE(app, argc, argv);

    try {
        std::filesystem::create_directories(o.out);
        Rng r{o.seed};
        std::vector<Record> ref;
        for (uint32_t c = 1; c <= o.contigs; ++c)
            ref.emplace_back("chr" + std::to_string(c) + (c == 2 ? " synthetic contig" : ""), random_dna(r, o.length));
        if (o.short_contigs) {
            ref.emplace_back("short", random_dna(r, 20));
            ref.emplace_back("tiny", "ACGTN");
        }
        std::vector<std::string> files = {"ref.fa"};
        write(o.out + "/ref.fa", fasta(ref, o.line_length), false);
        for (uint32_t i = 0; i < o.samples; ++i) {
            std::vector<Record> s;
            for (auto& [name, seq] : ref) s.emplace_back(name, seq.size() > 1000 ? mutate(r, seq, o) : seq);
            if (o.novel && i % 2) s.emplace_back("novel" + std::to_string(i), random_dna(r, 5000 + r.below(5000)));
            const bool gz = o.gzip_every && (i + 1) % o.gzip_every == 0;
            std::string name = "sample" + std::string(i < 10 ? "0" : "") + std::to_string(i) + (gz ? ".fa.gz" : ".fa");
            write(o.out + "/" + name, fasta(s, o.line_length), gz);
            files.push_back(name);
        }
        if (!list.empty()) {
            std::string text;
            for (auto& f : files) text += f + "\n";
            write(list, text, false);
        }
    } catch (const std::exception& e) {
        std::cerr << "agcflow-gen: " << e.what() << '\n';
        return 1;
    }
    return 0;
}
