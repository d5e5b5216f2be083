// Plain files read at offsets (pread), and unnamed scratch files: what protect, verify and
// repair read FILE and its sidecar with, and where repair keeps the symbols it rebuilt.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

namespace agcflow {

// pread until `n` bytes are read or the file ends (returns the count: fewer only at its end),
// retrying interrupted calls. Error(io) "cannot read <kind><name>: <reason>" on a failed read.
uint64_t pread_up_to(int fd, uint64_t offset, uint64_t n, uint8_t* to, const char* kind, const std::string& name);

class InputFile {
public:
    // Error(io) when the file cannot be opened; a directory is refused.
    explicit InputFile(const std::filesystem::path& path);
    ~InputFile();
    InputFile(const InputFile&) = delete;
    InputFile& operator=(const InputFile&) = delete;

    // The size when opened.
    uint64_t size() const { return size_; }
    const std::string& name() const { return name_; }
    // Reads up to n bytes at `offset` into `to`; fewer only at the end of the file (the count).
    uint64_t read_at(uint64_t offset, uint64_t n, uint8_t* to) const;
    int fd() const { return fd_; }

private:
    std::string name_;
    int fd_ = -1;
    uint64_t size_ = 0;
};

// A file nobody else can see (O_TMPFILE, or a name removed at once) in a directory, gone when
// closed or when the process dies.
class ScratchFile {
public:
    explicit ScratchFile(const std::filesystem::path& directory);
    ~ScratchFile();
    ScratchFile(const ScratchFile&) = delete;
    ScratchFile& operator=(const ScratchFile&) = delete;

    void write_at(uint64_t offset, const uint8_t* p, uint64_t n);
    void read_at(uint64_t offset, uint64_t n, uint8_t* to) const;

private:
    std::string name_;
    int fd_ = -1;
};

}  // namespace agcflow
