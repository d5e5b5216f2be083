#include "io/output_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <csignal>
#include <cerrno>
#include <cstring>
#include <mutex>
#include <random>

#include "io/error.h"

namespace agcflow {

namespace {
constexpr size_t kBufferSize = 1 << 20;

// Temporary files still open, removed by the signal handler if the run is interrupted
// (a fixed table of paths, so that the handler only calls async-signal-safe unlink).
constexpr int kMaxLive = 64;
char g_live[kMaxLive][4096];
volatile sig_atomic_t g_live_used[kMaxLive];
std::mutex g_live_mutex;

extern "C" void remove_live_files_and_exit(int sig) {
    for (int i = 0; i < kMaxLive; ++i)
        if (g_live_used[i]) ::unlink(g_live[i]);
    ::signal(sig, SIG_DFL);
    ::raise(sig);
}

int track(const std::filesystem::path& p) {
    std::lock_guard lock(g_live_mutex);
    const std::string s = p.string();
    for (int i = 0; i < kMaxLive; ++i)
        if (!g_live_used[i] && s.size() < sizeof g_live[i]) {
            std::memcpy(g_live[i], s.c_str(), s.size() + 1);
            g_live_used[i] = 1;
            return i;
        }
    return -1;
}

void untrack(int slot) {
    if (slot < 0) return;
    std::lock_guard lock(g_live_mutex);
    g_live_used[slot] = 0;
}

void write_all(int fd, const uint8_t* p, size_t n, const std::string& name) {
    while (n) {
        ssize_t w = ::write(fd, p, n);
        if (w < 0) {
            if (errno == EINTR) continue;
            throw Error("cannot write " + name + ": " + std::strerror(errno));
        }
        p += w;
        n -= static_cast<size_t>(w);
    }
}
}  // namespace

void OutputFile::remove_temporaries_on_signals() {
    static std::once_flag once;
    std::call_once(once, [] {
        for (int sig : {SIGINT, SIGTERM, SIGHUP}) ::signal(sig, remove_live_files_and_exit);
    });
}

OutputFile::OutputFile(const std::filesystem::path& path) : path_(path) {
    buffer_.reserve(kBufferSize);
    if (path_.empty()) {
        fd_ = STDOUT_FILENO;
        return;
    }
    std::random_device rd;
    for (int attempt = 0; attempt < 16 && fd_ < 0; ++attempt) {
        temp_path_ = path_;
        temp_path_ += ".agcflow-tmp-" + std::to_string(::getpid()) + "-" + std::to_string(rd() % 1000000);
        fd_ = ::open(temp_path_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
        if (fd_ < 0 && errno != EEXIST) break;
    }
    if (fd_ < 0) throw Error("cannot create output file " + path_.string() + ": " + std::strerror(errno));
    live_slot_ = track(temp_path_);
}

OutputFile::~OutputFile() {
    if (path_.empty()) {
        if (!committed_) {
            try {
                flush_buffer();
            } catch (...) {
            }
        }
        return;
    }
    if (fd_ >= 0) ::close(fd_);
    if (!committed_) {
        std::error_code ec;
        std::filesystem::remove(temp_path_, ec);
    }
    untrack(live_slot_);
}

void OutputFile::flush_buffer() {
    if (buffer_.empty()) return;
    write_all(fd_, reinterpret_cast<const uint8_t*>(buffer_.data()), buffer_.size(),
              path_.empty() ? std::string("standard output") : path_.string());
    buffer_.clear();
}

void OutputFile::write(std::span<const uint8_t> bytes) {
    written_ += bytes.size();
    if (buffer_.size() + bytes.size() > kBufferSize) flush_buffer();
    if (bytes.size() >= kBufferSize) {
        write_all(fd_, bytes.data(), bytes.size(), path_.empty() ? std::string("standard output") : path_.string());
        return;
    }
    buffer_.append(reinterpret_cast<const char*>(bytes.data()), bytes.size());
}

void OutputFile::commit() {
    flush_buffer();
    if (path_.empty()) {
        committed_ = true;
        return;
    }
    if (::fsync(fd_) != 0 && errno != EINVAL)
        throw Error("cannot write " + path_.string() + ": " + std::strerror(errno));
    if (::close(fd_) != 0) {
        fd_ = -1;
        throw Error("cannot write " + path_.string() + ": " + std::strerror(errno));
    }
    fd_ = -1;
    std::error_code ec;
    std::filesystem::rename(temp_path_, path_, ec);
    if (ec) {
        std::filesystem::remove(temp_path_, ec);
        throw Error("cannot create output file " + path_.string() + ": " + ec.message());
    }
    committed_ = true;
}

}  // namespace agcflow
