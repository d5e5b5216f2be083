// BED files of regions for getctg --regions: column 1 "contig" or "contig@sample", columns 2
// and 3 a 0-based start and an exclusive end, further columns ignored; "#", "track" and
// "browser" lines and empty lines skipped; CRLF accepted. Columns are separated by tabs (or,
// on a line without a tab, by spaces).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace agcflow {

struct BedRegion {
    uint64_t line = 0;     // 1-based line number in the file
    std::string name;      // column 1
    uint64_t start = 0;
    uint64_t end = 0;      // exclusive
};

// Every region of `text`; Error "<origin>:<line>: ..." for the first bad line.
std::vector<BedRegion> parse_bed(std::string_view text, const std::string& origin);

// The whole file ("-": standard input); Error when it cannot be read.
std::string read_bed_file(const std::string& path);

}  // namespace agcflow
