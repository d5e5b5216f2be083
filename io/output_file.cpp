#include "io/output_file.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <mutex>
#include <set>

#include "io/error.h"

namespace agcflow {

namespace {
constexpr size_t kBufferSize = 1 << 20;
constexpr const char* kTempMarker = ".agcflow-tmp-";

std::string errno_text(int e) { return std::strerror(e); }

void write_all(int fd, const uint8_t* p, size_t n, const std::string& name) {
    while (n) {
        ssize_t w = ::write(fd, p, n);
        if (w < 0) {
            if (errno == EINTR) continue;
            const int e = errno;
            throw Error::io("cannot write " + name + ": " + (e == EFBIG ? "file size limit exceeded" : errno_text(e)));
        }
        if (w == 0) throw Error::io("cannot write " + name + ": no progress");
        p += w;
        n -= static_cast<size_t>(w);
    }
}

// The file a path names once symbolic links are followed (also a dangling link's target,
// which is then created). Relative link targets count from the link's directory.
std::filesystem::path follow_links(const std::filesystem::path& path) {
    std::filesystem::path p = path;
    for (int hops = 0; hops < 40; ++hops) {
        struct stat st {};
        if (::lstat(p.c_str(), &st) != 0 || !S_ISLNK(st.st_mode)) return p;
        std::error_code ec;
        std::filesystem::path to = std::filesystem::read_symlink(p, ec);
        if (ec) throw Error::io("cannot create output file " + path.string() + ": " + ec.message());
        p = to.is_absolute() ? to : p.parent_path() / to;
    }
    throw Error::io("cannot create output file " + path.string() + ": too many levels of symbolic links");
}

// Removes temporaries "<name>.agcflow-tmp-<pid>-..." in `dir` left by processes that are gone
// (killed before they could clean up). Each directory is looked at once per process.
void remove_stale_temporaries(const std::filesystem::path& dir) {
    static std::mutex mutex;
    static std::set<std::string> done;
    {
        std::lock_guard lock(mutex);
        if (!done.insert(dir.string()).second) return;
    }
    DIR* d = ::opendir(dir.empty() ? "." : dir.c_str());
    if (!d) return;
    while (const dirent* e = ::readdir(d)) {
        const char* at = std::strstr(e->d_name, kTempMarker);
        if (!at) continue;
        char* end = nullptr;
        const long pid = std::strtol(at + std::strlen(kTempMarker), &end, 10);
        if (pid <= 0 || !end || *end != '-') continue;
        if (::kill(static_cast<pid_t>(pid), 0) == 0 || errno != ESRCH) continue;  // still running (or not ours to ask)
        ::unlinkat(::dirfd(d), e->d_name, 0);
    }
    ::closedir(d);
}

std::atomic<bool> g_named_temporaries{false};

std::filesystem::path temp_name_for(const std::filesystem::path& target) {
    static std::atomic<unsigned> counter{0};
    std::filesystem::path t = target;
    t += std::string(kTempMarker) + std::to_string(::getpid()) + "-" + std::to_string(counter++);
    return t;
}
}  // namespace

OutputFile::OutputFile(const std::filesystem::path& path) : path_(path) {
    buffer_.reserve(kBufferSize);
    if (path_.empty()) {
        fd_ = STDOUT_FILENO;
        name_ = "standard output";
        return;
    }
    open_path();
}

OutputFile::OutputFile(int fd, std::string name) : mode_(Mode::fd), name_(std::move(name)), fd_(fd) {
    if (fd < 0) throw Error(ErrorKind::argument, "bad file descriptor for " + name_);
    buffer_.reserve(kBufferSize);
}

OutputFile::OutputFile(Callback callback, std::string name)
    : mode_(Mode::callback), name_(std::move(name)), callback_(std::move(callback)) {
    if (!callback_) throw Error(ErrorKind::argument, "no write callback for " + name_);
    buffer_.reserve(kBufferSize);
}

void OutputFile::open_path() {
    const std::string shown = path_.string();
    target_ = follow_links(path_);
    struct stat st {};
    bool exists = ::stat(target_.c_str(), &st) == 0;
    if (exists && !S_ISREG(st.st_mode)) {
        if (S_ISDIR(st.st_mode)) throw Error::io("cannot create output file " + shown + ": is a directory");
        // A device, FIFO or socket: written as a stream, never replaced.
        fd_ = ::open(target_.c_str(), O_WRONLY | O_CLOEXEC | O_NOCTTY);
        if (fd_ < 0) throw Error::io("cannot open output " + shown + ": " + errno_text(errno));
        mode_ = Mode::fd;
        own_fd_ = true;
        name_ = shown;
        return;
    }
    if (exists && ::access(target_.c_str(), W_OK) != 0)
        throw Error::io("cannot replace " + shown + ": " + errno_text(errno) + " (it is not writable)");
    mode_ = Mode::file;
    std::filesystem::path dir = target_.parent_path();
    const char* dir_name = dir.empty() ? "." : dir.c_str();
    const mode_t mode = exists ? (st.st_mode & 07777) : 0666;
    fd_ = g_named_temporaries ? -1 : ::open(dir_name, O_TMPFILE | O_WRONLY | O_CLOEXEC, mode);
    if (g_named_temporaries) errno = EOPNOTSUPP;
    if (fd_ >= 0) {
        if (exists) ::fchmod(fd_, mode);  // a replaced file keeps its permissions
        return;
    }
    if (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL)
        throw Error::io("cannot create output file " + shown + ": " + errno_text(errno));
    // No unnamed files here: a named temporary beside the target.
    remove_stale_temporaries(dir);
    for (int attempt = 0; attempt < 16 && fd_ < 0; ++attempt) {
        temp_path_ = temp_name_for(target_);
        fd_ = ::open(temp_path_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
        if (fd_ < 0 && errno != EEXIST) break;
    }
    if (fd_ < 0) throw Error::io("cannot create output file " + shown + ": " + errno_text(errno));
    if (exists) ::fchmod(fd_, mode);
}

void OutputFile::use_named_temporaries(bool yes) { g_named_temporaries = yes; }

OutputFile::~OutputFile() {
    if (mode_ != Mode::file) {
        if (!committed_) {
            try {
                flush_buffer();
            } catch (...) {
            }
        }
        if (own_fd_ && fd_ >= 0) ::close(fd_);
        return;
    }
    if (fd_ >= 0) ::close(fd_);
    if (!committed_ && !temp_path_.empty()) ::unlink(temp_path_.c_str());
}

std::string OutputFile::display_name() const { return path_.empty() ? name_ : path_.string(); }

void OutputFile::emit(const uint8_t* p, size_t n) {
    if (mode_ == Mode::callback) {
        callback_({p, n});
        return;
    }
    write_all(fd_, p, n, display_name());
}

void OutputFile::flush_buffer() {
    if (buffer_.empty()) return;
    std::string pending;
    pending.swap(buffer_);
    buffer_.reserve(kBufferSize);
    emit(reinterpret_cast<const uint8_t*>(pending.data()), pending.size());
}

void OutputFile::write(std::span<const uint8_t> bytes) {
    written_ += bytes.size();
    if (buffer_.size() + bytes.size() > kBufferSize) flush_buffer();
    if (bytes.size() >= kBufferSize) {
        emit(bytes.data(), bytes.size());
        return;
    }
    buffer_.append(reinterpret_cast<const char*>(bytes.data()), bytes.size());
}

void OutputFile::commit() {
    flush_buffer();
    committed_ = true;
    if (mode_ != Mode::file) return;
    committed_ = false;
    const std::string shown = path_.string();
    if (::fsync(fd_) != 0 && errno != EINVAL) throw Error::io("cannot write " + shown + ": " + errno_text(errno));
    std::filesystem::path linked = temp_path_;
    if (linked.empty()) {
        // Give the unnamed file a name beside the target, then rename it over the target (a
        // link cannot replace an existing file).
        linked = temp_name_for(target_);
        const std::string proc = "/proc/self/fd/" + std::to_string(fd_);
        if (::linkat(AT_FDCWD, proc.c_str(), AT_FDCWD, linked.c_str(), AT_SYMLINK_FOLLOW) != 0 &&
            ::linkat(fd_, "", AT_FDCWD, linked.c_str(), AT_EMPTY_PATH) != 0)
            throw Error::io("cannot create output file " + shown + ": " + errno_text(errno));
    }
    const int fd = fd_;
    fd_ = -1;
    if (::close(fd) != 0) {
        ::unlink(linked.c_str());
        temp_path_.clear();
        throw Error::io("cannot write " + shown + ": " + errno_text(errno));
    }
    if (::rename(linked.c_str(), target_.c_str()) != 0) {
        const int e = errno;
        ::unlink(linked.c_str());
        temp_path_.clear();
        throw Error::io("cannot create output file " + shown + ": " + errno_text(e));
    }
    temp_path_.clear();
    committed_ = true;
}

void refuse_output_among_inputs(const std::filesystem::path& output, std::span<const std::string> inputs) {
    if (output.empty()) return;
    struct stat out {};
    if (::stat(output.c_str(), &out) != 0 || !S_ISREG(out.st_mode)) return;
    for (const std::string& in : inputs) {
        struct stat st {};
        if (::stat(in.c_str(), &st) == 0 && st.st_dev == out.st_dev && st.st_ino == out.st_ino)
            throw Error(ErrorKind::argument, "the output " + output.string() + " is one of the inputs (" + in + ")");
    }
}

}  // namespace agcflow
