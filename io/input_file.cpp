#include "io/input_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "io/error.h"

namespace agcflow {

InputFile::InputFile(const std::filesystem::path& path) : name_(path.string()) {
    fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd_ < 0) throw Error::io("cannot open " + name_ + ": " + std::strerror(errno));
    struct stat st {};
    if (::fstat(fd_, &st) != 0 || S_ISDIR(st.st_mode)) {
        const int e = S_ISDIR(st.st_mode) ? EISDIR : errno;
        ::close(fd_);
        throw Error::io("cannot read " + name_ + ": " + std::strerror(e));
    }
    size_ = static_cast<uint64_t>(st.st_size);
}

InputFile::~InputFile() {
    if (fd_ >= 0) ::close(fd_);
}

uint64_t pread_up_to(int fd, uint64_t offset, uint64_t n, uint8_t* to, const char* kind, const std::string& name) {
    uint64_t done = 0;
    while (done < n) {
        const ssize_t got = ::pread(fd, to + done, static_cast<size_t>(std::min<uint64_t>(n - done, 1u << 30)),
                                    static_cast<off_t>(offset + done));
        if (got < 0) {
            if (errno == EINTR) continue;
            throw Error::io(std::string("cannot read ") + kind + name + ": " + std::strerror(errno));
        }
        if (got == 0) break;
        done += static_cast<uint64_t>(got);
    }
    return done;
}

uint64_t InputFile::read_at(uint64_t offset, uint64_t n, uint8_t* to) const {
    return pread_up_to(fd_, offset, n, to, "", name_);
}

ScratchFile::ScratchFile(const std::filesystem::path& directory) {
    const std::filesystem::path dir = directory.empty() ? std::filesystem::path(".") : directory;
    name_ = "a scratch file in " + dir.string();
    fd_ = ::open(dir.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
    if (fd_ < 0) {  // (no O_TMPFILE on this file system)
        std::string templ = (dir / ".agcflow-scratch-XXXXXX").string();
        fd_ = ::mkostemp(templ.data(), O_CLOEXEC);
        if (fd_ >= 0) ::unlink(templ.c_str());
    }
    if (fd_ < 0) throw Error::io("cannot create " + name_ + ": " + std::strerror(errno));
}

ScratchFile::~ScratchFile() {
    if (fd_ >= 0) ::close(fd_);
}

void ScratchFile::write_at(uint64_t offset, const uint8_t* p, uint64_t n) {
    while (n) {
        const ssize_t w = ::pwrite(fd_, p, static_cast<size_t>(std::min<uint64_t>(n, 1u << 30)), static_cast<off_t>(offset));
        if (w < 0) {
            if (errno == EINTR) continue;
            throw Error::io("cannot write " + name_ + ": " + std::strerror(errno));
        }
        p += w;
        n -= static_cast<uint64_t>(w);
        offset += static_cast<uint64_t>(w);
    }
}

void ScratchFile::read_at(uint64_t offset, uint64_t n, uint8_t* to) const {
    if (pread_up_to(fd_, offset, n, to, "", name_) < n) throw Error::io("cannot read " + name_);
}

}  // namespace agcflow
