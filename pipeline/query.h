// Finding contigs: AGC's getctg query strings and lookups, exactly as AGC 3.2.2 reads them
// (agc-archive-format.md §13.2), but never a silent pick where a query could mean two contigs;
// the library's own lookup by sample and name; and the check create makes that every contig it
// stores can be queried afterwards.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "io/archive_catalog.h"

namespace agcflow {

// A getctg query: `contig`, `contig@sample`, `contig:from-to` or `contig@sample:from-to`.
struct ContigQuery {
    std::string contig;
    std::string sample;  // empty: the contig must be in exactly one sample
    bool has_range = false;
    int64_t from = -1;
    int64_t to = -1;
    bool operator==(const ContigQuery&) const = default;
};

// Parses a query as AGC's four regular expressions do, tried in this order with whole-string,
// greedy matches: (.+)@(.+):(.+)-(.+), (.+)@(.+), (.+):(.+)-(.+), (.+) — so a later '@', ':'
// or '-' wins where several would fit. A query with a CR or LF matches none (Error), and from
// and to must be integers (AGC reads anything else as 0: Error here). Linear time, no regex.
ContigQuery parse_contig_query(std::string_view text);

// AGC's getctg lookup for the archive's format version:
//  - without a sample, the contigs of all samples whose name's first word equals the query's
//    first word (format 2.x: the whole query);
//  - with a sample, that sample's contigs whose first word equals the whole query (format 1.x:
//    the query's first word).
// Error(not_found) for no match; Error(ambiguous), naming two of them, for several (AGC counts
// them as "samples" and gives up, or takes the first within a sample).
ContigRef resolve_query(const ArchiveCatalog& catalog, const ContigQuery& query);

// The library's lookup: `name` is a contig's full name or the first word of it; `sample` empty
// means any sample. A full-name match wins over first-word matches. Error(not_found) or
// Error(ambiguous) otherwise.
ContigRef find_contig(const ArchiveCatalog& catalog, std::string_view sample, std::string_view name);

// Why AGC's getctg could not reach contig `name` of sample `sample` (as "contig@sample", with or
// without a range), or nullopt when it can. (Two contigs of a sample sharing a first word are
// checked by the caller, which sees the whole sample.)
std::optional<std::string> unreachable_by_query(std::string_view sample, std::string_view name);

}  // namespace agcflow
