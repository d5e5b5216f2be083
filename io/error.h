// The one error type of agc-flow: a one-line, user-facing message and what kind of problem it is.
#pragma once

#include <stdexcept>
#include <string>

namespace agcflow {

// What went wrong, as the library's API reports it (each kind is one status of the C API).
enum class ErrorKind {
    input,        // bad input data: FASTA, sequences, names, a query or BED line that is malformed
    argument,     // a bad argument or option value, a NULL pointer
    not_found,    // an unknown sample or contig
    ambiguous,    // a name that could mean several contigs
    range,        // coordinates outside a contig, or inverted
    io,           // a file that cannot be opened, read or written (full disk included)
    corrupt,      // not an AGC archive, or a damaged one
    unsupported,  // an archive version or feature this build does not handle
    no_memory,    // an allocation failed, or a size read from a file exceeds what may be allocated
    cancelled,    // the operation was cancelled
    busy,         // the session's limit on concurrent operations was reached
    internal,     // a bug of agc-flow's
};

// Thrown for every problem a user can cause: bad input, a corrupt archive, an unknown name.
// what() is a single line meant to be printed as "agc-flow: <what>".
class Error : public std::runtime_error {
public:
    explicit Error(const std::string& message) : Error(ErrorKind::input, message) {}
    Error(ErrorKind kind, const std::string& message) : std::runtime_error(message), kind_(kind) {}
    ErrorKind kind() const { return kind_; }

    static Error corrupt(const std::string& m) { return {ErrorKind::corrupt, m}; }
    static Error io(const std::string& m) { return {ErrorKind::io, m}; }
    static Error not_found(const std::string& m) { return {ErrorKind::not_found, m}; }
    static Error internal(const std::string& m) { return {ErrorKind::internal, m}; }

private:
    ErrorKind kind_;
};

}  // namespace agcflow
