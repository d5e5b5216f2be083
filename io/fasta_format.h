// One FASTA record as bytes: ">header\n" and the sequence in lines of `line_length` letters,
// exactly as AGC prints them (every line, the last one too, ends with '\n'; codes >= 16 print
// as a space). With gzip_level > 0 the record is one gzip member.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace agcflow {

void format_fasta_record(const std::string& header, std::span<const uint8_t> codes, uint32_t line_length,
                         uint32_t gzip_level, std::vector<uint8_t>& out);

}  // namespace agcflow
