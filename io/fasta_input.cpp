#include "io/fasta_input.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <isa-l/igzip_lib.h>
#include <unistd.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <unordered_set>

#include "io/error.h"

namespace agcflow {

namespace {
constexpr size_t kBlock = 1 << 20;

// Codes of 16 letters at once when all are A, C, G or T in either case (nearly always): the
// codes 0..3 are bits 1-2 xor bits 2-3 of those letters' ASCII values. acgt16() returns false,
// having written nothing, when any of the 16 is another byte; the table path then takes them.
// acgt_prefix() asks that of the first m (< 16) letters only and then writes 16 codes (the last
// 16 - m of them junk, for the caller to leave behind); all 16 bytes at p must be readable.
#if defined(__SSE2__)
inline unsigned acgt_lanes(const unsigned char* p, __m128i& codes) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    const __m128i x = _mm_or_si128(v, _mm_set1_epi8(0x20));  // lower case; only A/a becomes 'a', ...
    const __m128i ok = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('a')), _mm_cmpeq_epi8(x, _mm_set1_epi8('c'))),
                                    _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('g')), _mm_cmpeq_epi8(x, _mm_set1_epi8('t'))));
    // (16-bit shifts: a byte's low two bits only ever receive bits of the same byte.)
    codes = _mm_and_si128(_mm_xor_si128(_mm_srli_epi16(v, 1), _mm_srli_epi16(v, 2)), _mm_set1_epi8(3));
    return static_cast<unsigned>(_mm_movemask_epi8(ok));
}
inline bool acgt16(const unsigned char* p, uint8_t* out) {
    __m128i codes;
    if (acgt_lanes(p, codes) != 0xFFFF) return false;
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out), codes);
    return true;
}
inline bool acgt_prefix(const unsigned char* p, uint8_t* out, unsigned m) {
    __m128i codes;
    const unsigned want = (1u << m) - 1;
    if ((acgt_lanes(p, codes) & want) != want) return false;
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out), codes);
    return true;
}
#else
inline bool acgt16(const unsigned char*, uint8_t*) { return false; }
inline bool acgt_prefix(const unsigned char*, uint8_t*, unsigned) { return false; }
#endif
}  // namespace

struct FastaInput::Inflater {
    inflate_state state;
    size_t in_pos = 0;   // consumed bytes of raw_
    bool member_done = false;
    Inflater() { reset(); }
    void reset() {
        isal_inflate_init(&state);
        state.crc_flag = ISAL_GZIP;
        member_done = false;
    }
};

FastaInput::FastaInput(const std::string& path)
    : path_(path), buf_(std::make_unique_for_overwrite<unsigned char[]>(kBlock)) {
    // One open and one fstat (not a stat for existence and another for a directory: with
    // thousands of small genomes, each system call shows).
    fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd_ < 0) throw Error::io("cannot open " + path + ": " + std::strerror(errno));
    struct stat st {};
    if (::fstat(fd_, &st) == 0 && S_ISDIR(st.st_mode)) {
        ::close(fd_);
        fd_ = -1;
        throw Error::io("cannot read " + path + ": is a directory");
    }
    // The first block: gzip magic 1f 8b means compressed, and the block is the first of raw_.
    ssize_t n = ::read(fd_, buf_.get(), kBlock);
    if (n < 0) throw Error::io("cannot read " + path + ": " + std::strerror(errno));
    if (n >= 2 && buf_[0] == 0x1f && buf_[1] == 0x8b) {
        gz_ = std::make_unique<Inflater>();
        raw_ = std::move(buf_);
        raw_len_ = static_cast<size_t>(n);
        buf_ = std::make_unique_for_overwrite<unsigned char[]>(kBlock);
    } else {
        len_ = static_cast<size_t>(n);
    }
}

FastaInput::~FastaInput() {
    if (fd_ >= 0) ::close(fd_);
}

bool FastaInput::refill() {
    pos_ = len_ = 0;
    if (!gz_) {
        ssize_t n = ::read(fd_, buf_.get(), kBlock);
        if (n < 0) throw Error::io("cannot read " + path_ + ": " + std::strerror(errno));
        len_ = static_cast<size_t>(n);
        return len_ > 0;
    }
    Inflater& z = *gz_;
    while (len_ == 0) {
        if (z.in_pos == raw_len_) {  // need more compressed input
            ssize_t n = ::read(fd_, raw_.get(), kBlock);
            if (n < 0) throw Error::io("cannot read " + path_ + ": " + std::strerror(errno));
            raw_len_ = static_cast<size_t>(n);
            z.in_pos = 0;
            if (n == 0) {
                if (!z.member_done) throw Error("cannot read " + path_ + ": truncated gzip data");
                return false;
            }
        }
        if (z.member_done) {  // another gzip member follows
            z.reset();
        }
        z.state.next_in = raw_.get() + z.in_pos;
        z.state.avail_in = static_cast<uint32_t>(raw_len_ - z.in_pos);
        z.state.next_out = buf_.get();
        z.state.avail_out = static_cast<uint32_t>(kBlock);
        int rc = isal_inflate(&z.state);
        if (rc != ISAL_DECOMP_OK) throw Error("cannot read " + path_ + ": corrupt gzip data");
        z.in_pos = raw_len_ - z.state.avail_in;
        len_ = kBlock - z.state.avail_out;
        if (z.state.block_state == ISAL_BLOCK_FINISH) z.member_done = true;
    }
    return true;
}

int FastaInput::get() {
    if (pos_ == len_ && !refill()) return -1;
    return buf_[pos_++];
}

uint8_t* FastaInput::room_for(size_t n) {
    if (seq_len_ + n > seq_cap_) {
        const size_t cap = std::max(seq_len_ + n, 2 * seq_cap_ + (1 << 16));
        std::unique_ptr<uint8_t[]> grown(new uint8_t[cap]);  // (not zero-filled)
        if (seq_len_) std::memcpy(grown.get(), seq_.get(), seq_len_);
        seq_ = std::move(grown);
        seq_cap_ = cap;
    }
    return seq_.get() + seq_len_;
}

bool FastaInput::next(FastaRecord& rec) {
    rec.name.clear();
    rec.seq.clear();
    seq_len_ = 0;
    int c = get();
    if (records_ == 0) {
        while (c == '\n' || c == '\r' || c == ' ' || c == '\t') c = get();
        if (c == -1) throw Error(path_ + ": empty file, or no FASTA records");
        if (c != '>') throw Error(path_ + ": not a FASTA file (it does not start with '>')");
    }
    if (c == -1) return false;
    // The header: everything after '>' up to the end of the line (LF, or CR LF). A CR anywhere
    // else would end the header and make the rest of it sequence: refused.
    for (c = get(); c != -1 && c != '\n' && c != '\r'; c = get()) rec.name.push_back(static_cast<char>(c));
    ++records_;
    const std::string where = path_ + ", record " + std::to_string(records_) + " (" + rec.name + ")";
    if (c == '\r' && (c = get()) != '\n' && c != -1)
        throw Error(where + ": a carriage return inside the header (only CR LF may end a line)");
    if (rec.name.empty()) throw Error(where + ": empty header");
    // The sequence: up to the next '>' at the start of a line, or the end. Taken a line (or
    // what the buffer holds of it) at a time: codes are written through a table into room made
    // in advance; spaces, tabs and a CR are skipped, and a CR also ends the line. They go to a
    // buffer kept from record to record, then once into the record at its exact size: growing
    // the record itself copied each contig about twice and faulted in twice its memory.
    bool line_start = true;
    while (true) {
        if (pos_ == len_ && !refill()) break;
        const unsigned char* p = buf_.get() + pos_;
        if (line_start && *p == '>') break;
        const size_t avail = len_ - pos_;
        const auto* nl = static_cast<const unsigned char*>(std::memchr(p, '\n', avail));
        const size_t n = nl ? static_cast<size_t>(nl - p) : avail;
        uint8_t* out = room_for(n + 16);  // (16 more: the line's tail is written 16 codes at once)
        size_t w = 0, i = 0;
        bool cr = false;
        size_t try_at = 0;  // after 16 letters that were not all ACGT, the next 16 go through the table
        for (; i < n; ++i) {
            if (i >= try_at) {
                if (i + 16 <= n) {
                    if (acgt16(p + i, out + w)) {
                        i += 15;
                        w += 16;
                        continue;
                    }
                    try_at = i + 16;
                } else if (i + 16 <= avail) {  // the line's last letters, with the newline and more after them
                    if (acgt_prefix(p + i, out + w, static_cast<unsigned>(n - i))) {
                        w += n - i;
                        i = n;
                        break;
                    }
                    try_at = n;
                }
            }
            const int8_t code = kLetterToCode[p[i]];
            if (code >= 0) {
                out[w++] = static_cast<uint8_t>(code);
                continue;
            }
            const unsigned char b = p[i];
            if (b == ' ' || b == '\t') continue;
            if (b == '\r') {
                cr = true;
                break;
            }
            seq_len_ += w;
            throw Error(bad_letter_message(where, b, seq_len_ + 1));
        }
        seq_len_ += w;
        if (cr) {
            pos_ += i + 1;  // through the CR
            line_start = true;
        } else if (nl) {
            pos_ += n + 1;  // through the newline
            line_start = true;
        } else {
            pos_ += n;  // the line goes on in the next buffer
            line_start = n == 0 && line_start;
        }
    }
    if (seq_len_ == 0) throw Error(where + ": empty sequence (AGC would drop it)");
    rec.seq.assign(seq_.get(), seq_.get() + seq_len_);
    return true;
}

std::string bad_letter_message(const std::string& where, unsigned char b, uint64_t base) {
    std::string shown = (b >= 33 && b < 127) ? std::string("'") + static_cast<char>(b) + "'" : "byte " + std::to_string(b);
    return where + ": " + shown + " at base " + std::to_string(base) +
           " is not an IUPAC nucleotide letter (AGC would store it wrongly)";
}

void letters_to_codes(std::string_view letters, Codes& out, const std::string& where) {
    out.resize(letters.size());
    const auto* p = reinterpret_cast<const unsigned char*>(letters.data());
    const size_t n = letters.size();
    size_t i = 0, try_at = 0;
    while (i < n) {
        if (i >= try_at && i + 16 <= n) {
            if (acgt16(p + i, out.data() + i)) {
                i += 16;
                continue;
            }
            try_at = i + 16;
        }
        const int8_t code = kLetterToCode[p[i]];
        if (code < 0) throw Error(bad_letter_message(where, p[i], i + 1));
        out[i++] = static_cast<uint8_t>(code);
    }
}

std::vector<FastaRecord> read_all_records(RecordSource& in) {
    std::vector<FastaRecord> recs;
    FastaRecord r;
    std::unordered_set<std::string> seen;
    while (in.next(r)) {
        if (!seen.insert(r.name).second)
            throw Error(in.origin() + ": contig name '" + r.name + "' occurs twice (AGC would corrupt it)");
        recs.push_back(std::move(r));
    }
    if (recs.empty()) throw Error(in.origin() + ": no contigs");
    return recs;
}

std::vector<FastaRecord> read_fasta_file(const std::string& path) {
    FastaInput in(path);
    return read_all_records(in);
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
