#include "io/fasta_input.h"

#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <unordered_set>

#include "io/error.h"

namespace agcflow {

namespace {
constexpr size_t kBlock = 1 << 20;
}

FastaInput::FastaInput(const std::string& path) : path_(path), buf_(kBlock) {
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) throw Error("cannot open " + path + ": No such file or directory");
    if (std::filesystem::is_directory(path, ec)) throw Error("cannot read " + path + ": is a directory");
    gz_ = gzopen(path.c_str(), "rb");
    if (!gz_) throw Error("cannot open " + path + ": " + std::strerror(errno));
    gzbuffer(static_cast<gzFile>(gz_), 1 << 18);
}

FastaInput::~FastaInput() {
    if (gz_) gzclose(static_cast<gzFile>(gz_));
}

bool FastaInput::refill() {
    int n = gzread(static_cast<gzFile>(gz_), buf_.data(), static_cast<unsigned>(buf_.size()));
    if (n < 0) {
        int err = 0;
        const char* msg = gzerror(static_cast<gzFile>(gz_), &err);
        throw Error("cannot read " + path_ + ": " + (msg ? msg : "read error"));
    }
    int err = 0;
    gzerror(static_cast<gzFile>(gz_), &err);
    if (n == 0 && err == Z_BUF_ERROR) throw Error("cannot read " + path_ + ": truncated gzip data");
    pos_ = 0;
    len_ = static_cast<size_t>(n);
    return n > 0;
}

int FastaInput::get() {
    if (pos_ == len_ && !refill()) return -1;
    return buf_[pos_++];
}

bool FastaInput::next(FastaRecord& rec) {
    rec.name.clear();
    rec.seq.clear();
    int c = get();
    if (records_ == 0) {
        while (c == '\n' || c == '\r' || c == ' ' || c == '\t') c = get();
        if (c == -1) throw Error(path_ + ": empty file, or no FASTA records");
        if (c != '>') throw Error(path_ + ": not a FASTA file (it does not start with '>')");
    }
    if (c == -1) return false;
    // The header: everything after '>' up to the end of the line.
    for (c = get(); c != -1 && c != '\n' && c != '\r'; c = get()) rec.name.push_back(static_cast<char>(c));
    ++records_;
    const std::string where = path_ + ", record " + std::to_string(records_) + " (" + rec.name + ")";
    if (rec.name.empty()) throw Error(where + ": empty header");
    // The sequence: up to the next '>' at the start of a line, or the end.
    bool line_start = true;
    while (true) {
        if (pos_ == len_ && !refill()) break;
        const unsigned char b = buf_[pos_];
        if (b == '>' && line_start) break;
        ++pos_;
        if (b == '\n' || b == '\r') {
            line_start = true;
            continue;
        }
        line_start = false;
        if (b == ' ' || b == '\t') continue;
        const int8_t code = kLetterToCode[b];
        if (code < 0) {
            std::string shown = (b >= 33 && b < 127) ? std::string("'") + static_cast<char>(b) + "'"
                                                     : "byte " + std::to_string(b);
            throw Error(where + ": " + shown + " at base " + std::to_string(rec.seq.size() + 1) +
                        " is not an IUPAC nucleotide letter (AGC would store it wrongly)");
        }
        rec.seq.push_back(static_cast<uint8_t>(code));
    }
    if (rec.seq.empty()) throw Error(where + ": empty sequence (AGC would drop it)");
    names_.push_back(rec.name);
    return true;
}

std::vector<FastaRecord> read_fasta_file(const std::string& path) {
    FastaInput in(path);
    std::vector<FastaRecord> recs;
    FastaRecord r;
    std::unordered_set<std::string> seen;
    while (in.next(r)) {
        if (!seen.insert(r.name).second)
            throw Error(path + ": contig name '" + r.name + "' occurs twice (AGC would corrupt it)");
        recs.push_back(std::move(r));
    }
    return recs;
}

std::string sample_name_from_path(const std::string& path) {
    std::string name = std::filesystem::path(path).stem().string();
    bool changed = true;
    while (changed) {
        changed = false;
        for (const char* suffix : {".fna", ".gz", ".fa", ".fasta"}) {
            const size_t n = std::strlen(suffix);
            if (name.size() > n && name.compare(name.size() - n, n, suffix) == 0) {
                name.resize(name.size() - n);
                changed = true;
                break;
            }
        }
    }
    return name;
}

std::vector<std::string> dedup_input_names(const std::vector<std::string>& names) {
    std::vector<std::string> out;
    std::unordered_set<std::string> seen;
    for (auto& n : names)
        if (seen.insert(n).second) out.push_back(n);
    return out;
}

}  // namespace agcflow
