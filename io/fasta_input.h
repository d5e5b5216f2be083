// Reading FASTA input for create: plain or gzipped (any number of gzip members; recognised by
// its magic bytes whatever the file name; inflated with isa-l's igzip), one record
// at a time, converted to nucleotide codes. Strict where AGC would lose data: every input
// problem is an Error naming the file and the record.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "stages/nucleotide.h"

namespace agcflow {

struct FastaRecord {
    std::string name;  // the header line after '>', description included
    Codes seq;
};

// Records one after another, from a file or from memory.
class RecordSource {
public:
    virtual ~RecordSource() = default;
    // The next record; false after the last.
    virtual bool next(FastaRecord& rec) = 0;
    // What the records come from, for messages (a path, or "sample <name>").
    virtual const std::string& origin() const = 0;
};

class FastaInput : public RecordSource {
public:
    explicit FastaInput(const std::string& path);
    ~FastaInput() override;
    FastaInput(const FastaInput&) = delete;
    FastaInput& operator=(const FastaInput&) = delete;

    // The next record; false at the end of the file. Throws Error for a file that is not
    // FASTA, a record with no sequence, a duplicate contig name, or a character that is not
    // an IUPAC nucleotide letter.
    bool next(FastaRecord& rec) override;
    const std::string& origin() const override { return path_; }

private:
    int get();  // next byte or -1
    bool refill();
    uint8_t* room_for(size_t n);  // room for n more codes of the current record

    struct Inflater;  // isa-l streaming gzip state (multi-member)

    std::string path_;
    int fd_ = -1;
    std::unique_ptr<Inflater> gz_;  // null for a plain file
    // Blocks read (raw_: gzip only, bytes not yet inflated) and to be parsed. Not vectors: their
    // zero-filling took 2% of create's instructions.
    std::unique_ptr<unsigned char[]> raw_, buf_;
    size_t raw_len_ = 0;
    size_t pos_ = 0, len_ = 0;
    size_t records_ = 0;
    // The current record's codes, kept from record to record. Not a vector: resizing one
    // zero-fills every line before it is written (measured: plain input 1.48 -> 1.10 GB/s).
    std::unique_ptr<uint8_t[]> seq_;
    size_t seq_len_ = 0, seq_cap_ = 0;
};

// Reads every record, in order; Error if there is none, or if a contig name occurs twice.
std::vector<FastaRecord> read_all_records(RecordSource& in);
// The same for a file.
std::vector<FastaRecord> read_fasta_file(const std::string& path);

// Letters (IUPAC nucleotide codes, either case; nothing else) to codes. Error naming `where`
// and the base for any other byte.
void letters_to_codes(std::string_view letters, Codes& out, const std::string& where);
std::string bad_letter_message(const std::string& where, unsigned char letter, uint64_t base);

// AGC's sample name: the file stem, then ".fna", ".gz", ".fa", ".fasta" removed repeatedly.
std::string sample_name_from_path(const std::string& path);

// AGC drops repeated file names (exact string match), keeping the first.
std::vector<std::string> dedup_input_names(const std::vector<std::string>& names);

}  // namespace agcflow
