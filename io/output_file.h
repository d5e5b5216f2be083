// Where output bytes go: a file that appears at its path only when the run succeeded, or a
// stream (standard output, a device, a FIFO, a caller's file descriptor or callback).
//
// A regular file is written where no later process can find it half-done: as an unnamed file
// (Linux O_TMPFILE) in the target's directory, linked in and renamed over the target on commit,
// so that nothing is left behind even after SIGKILL. Where the file system cannot make unnamed
// files, a named temporary "<target>.agcflow-tmp-<pid>-<n>" is used, and those left by processes
// that no longer run are removed when the next output goes to the same directory.
// Symbolic links are followed (the file they point to is replaced, the link stays, as `cp` and
// `sort -o` do); devices, FIFOs and sockets are written to as streams, never replaced; an
// existing file the user could not write is refused, never replaced.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <span>
#include <string>
#include <string_view>

namespace agcflow {

// Something that takes output bytes in order.
class ByteSink {
public:
    virtual ~ByteSink() = default;
    virtual void write(std::span<const uint8_t> bytes) = 0;
    void write(std::string_view s) { write({reinterpret_cast<const uint8_t*>(s.data()), s.size()}); }
};

class OutputFile : public ByteSink {
public:
    // Takes a chunk of bytes; throws Error to fail the run.
    using Callback = std::function<void(std::span<const uint8_t>)>;

    // An empty path means standard output.
    explicit OutputFile(const std::filesystem::path& path = {});
    // A stream to a file descriptor the caller owns (it is not closed); `name` for messages.
    OutputFile(int fd, std::string name);
    // A stream to a callback; `name` for messages.
    OutputFile(Callback callback, std::string name);
    ~OutputFile() override;  // discards an uncommitted file
    OutputFile(const OutputFile&) = delete;
    OutputFile& operator=(const OutputFile&) = delete;

    using ByteSink::write;
    void write(std::span<const uint8_t> bytes) override;
    uint64_t position() const { return written_; }

    // Flushes; a file is then moved into place (replacing what was there).
    void commit();
    // Whether the bytes go to a stream (standard output, a device, a descriptor, a callback),
    // where what was written cannot be taken back.
    bool is_stream() const { return mode_ != Mode::file; }
    bool is_stdout() const { return mode_ == Mode::fd && fd_ == 1 && path_.empty(); }
    const std::filesystem::path& path() const { return path_; }
    // The file that will be replaced (the path with symbolic links followed).
    const std::filesystem::path& target() const { return target_; }

    // Files are written as named temporaries even where the file system has O_TMPFILE (as on
    // file systems without it; for tests).
    static void use_named_temporaries(bool yes);

private:
    enum class Mode { file, fd, callback };
    void open_path();
    void flush_buffer();
    void emit(const uint8_t* p, size_t n);
    std::string display_name() const;

    Mode mode_ = Mode::fd;
    std::filesystem::path path_;       // as given
    std::filesystem::path target_;     // symbolic links followed
    std::filesystem::path temp_path_;  // named temporary (empty with O_TMPFILE)
    std::string name_;                 // for messages (streams without a path)
    int fd_ = -1;
    bool own_fd_ = false;
    bool committed_ = false;
    Callback callback_;
    uint64_t written_ = 0;
    std::string buffer_;
};

// Throws Error when `output` is the same file as one of `inputs` (a run must never replace
// its own input).
void refuse_output_among_inputs(const std::filesystem::path& output, std::span<const std::string> inputs);

}  // namespace agcflow
