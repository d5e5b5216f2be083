// Where output bytes go: standard output, or a file that appears at its path only when the
// run succeeded (written to a temporary file beside it, renamed on commit, removed otherwise).
#pragma once

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>

namespace agcflow {

class OutputFile {
public:
    // An empty path means standard output.
    explicit OutputFile(const std::filesystem::path& path = {});
    ~OutputFile();  // removes the temporary file unless commit() ran
    OutputFile(const OutputFile&) = delete;
    OutputFile& operator=(const OutputFile&) = delete;

    // Makes SIGINT, SIGTERM and SIGHUP remove every temporary file still open, then end the
    // process as the signal would. For programs (the CLI); a library host keeps its handlers.
    static void remove_temporaries_on_signals();

    void write(std::span<const uint8_t> bytes);
    void write(const std::string& s) { write({reinterpret_cast<const uint8_t*>(s.data()), s.size()}); }
    uint64_t position() const { return written_; }

    // Flushes, and renames the temporary file to the final path.
    void commit();
    bool is_stdout() const { return path_.empty(); }
    const std::filesystem::path& path() const { return path_; }

private:
    void flush_buffer();

    std::filesystem::path path_;
    std::filesystem::path temp_path_;
    int fd_ = -1;
    int live_slot_ = -1;  // entry in the table the interrupt handler cleans up
    bool committed_ = false;
    uint64_t written_ = 0;
    std::string buffer_;
};

}  // namespace agcflow
