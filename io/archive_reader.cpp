#include "io/archive_reader.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "io/error.h"
#include "io/input_file.h"
#include "io/part_checksums.h"
#include "io/varint.h"

namespace agcflow {

ArchiveReader::ArchiveReader(const std::filesystem::path& path, bool prefetch) : path_(path), name_(path.string()) {
    const std::string& name = name_;
    fd_ = ::open(name.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd_ < 0) throw Error::io("cannot open archive " + name + ": " + std::strerror(errno));
    try {
        struct stat st {};
        if (::fstat(fd_, &st) != 0) throw Error::io("cannot open archive " + name + ": " + std::strerror(errno));
        if (!S_ISREG(st.st_mode)) throw Error::io("cannot open archive " + name + ": not a regular file");
        size_ = static_cast<uint64_t>(st.st_size);
        if (size_ < 9) throw Error::corrupt(name + ": not an AGC archive (file too small)");
        if (prefetch) {
            std::shared_ptr<uint8_t[]> all(new uint8_t[size_]);
            read_into(0, size_, all.get());
            whole_ = std::move(all);
        }

        const auto tail = read(size_ - 8, 8);
        uint64_t footer_len = 0;
        for (int i = 7; i >= 0; --i) footer_len = (footer_len << 8) | tail[static_cast<size_t>(i)];
        if (footer_len == 0 || footer_len > size_ - 8)
            throw Error::corrupt(name + ": not an AGC archive, or truncated (bad footer length)");
        footer_start_ = size_ - 8 - footer_len;
        const auto footer = read(footer_start_, footer_len);
        ByteReader f(footer, name + ": footer");
        try {
            const uint64_t n = f.av();
            if (n > footer_len) throw Error::corrupt(name + ": not an AGC archive, or truncated (bad stream count)");
            streams_.reserve(n);
            for (uint64_t i = 0; i < n; ++i) {
                StreamInfo s;
                s.name = f.cstr();
                const uint64_t parts = f.av();
                if (parts > f.remaining()) f.fail("bad part count");
                s.raw_size = f.av();
                s.parts.resize(parts);
                for (auto& p : s.parts) {
                    p.offset = f.av();
                    p.size = f.av();
                    if (p.offset >= footer_start_ || p.size > footer_start_ - p.offset)
                        throw Error::corrupt(name + ": truncated or corrupt archive (stream " + s.name +
                                             " has a part past the end of the data)");
                }
                by_name_[s.name] = streams_.size();
                streams_.push_back(std::move(s));
            }
        } catch (const Error& e) {
            std::string msg = e.what();
            if (msg.rfind("corrupt archive: " + name, 0) == 0) msg = name + ": not an AGC archive, or truncated";
            throw Error(e.kind(), msg);
        }
        if (!f.at_end()) throw Error::corrupt(name + ": not an AGC archive (footer has trailing bytes)");
        checksums_ = PartChecksums::load(*this);
    } catch (...) {
        ::close(fd_);
        fd_ = -1;
        throw;
    }
}

ArchiveReader::~ArchiveReader() {
    if (fd_ >= 0) ::close(fd_);
}

void ArchiveReader::read_into(uint64_t offset, uint64_t n, uint8_t* to) const {
    if (whole_) {
        if (offset > size_ || n > size_ - offset) throw Error::corrupt("corrupt archive: " + name_ + ": read past its end");
        std::memcpy(to, whole_.get() + offset, n);
        return;
    }
    if (pread_up_to(fd_, offset, n, to, "archive ", name_) < n)
        throw Error::corrupt("corrupt archive: " + name_ + ": the file changed while being read (it is shorter now)");
}

std::vector<uint8_t> ArchiveReader::read(uint64_t offset, uint64_t n) const {
    if (offset > size_ || n > size_ - offset) throw Error::corrupt("corrupt archive: " + name_ + ": read past its end");
    std::vector<uint8_t> buf(n);
    read_into(offset, n, buf.data());
    return buf;
}

const StreamInfo* ArchiveReader::find(const std::string& name) const {
    auto it = by_name_.find(name);
    return it == by_name_.end() ? nullptr : &streams_[it->second];
}

const StreamInfo& ArchiveReader::stream(const std::string& name) const {
    const StreamInfo* s = find(name);
    if (!s) throw Error::corrupt("corrupt archive: " + name_ + ": missing stream " + name);
    return *s;
}

Part ArchiveReader::part(const StreamInfo& s, size_t index) const {
    if (index >= s.parts.size())
        throw Error::corrupt("corrupt archive: " + name_ + ": stream " + s.name + " has no part " + std::to_string(index));
    const PartLocation& loc = s.parts[index];
    Part p;
    if (loc.size == 0) {  // AGC never reads the metadata of an empty part
        if (checksums_) checksums_->check(s, index, {});
        return p;
    }
    // The record: the metadata varint (a length byte and up to 8 bytes), then the payload.
    const std::string what = "stream " + s.name + " part " + std::to_string(index);
    const uint64_t avail = footer_start_ - loc.offset;
    uint8_t av_len = 0;
    read_into(loc.offset, 1, &av_len);
    if (av_len > 8) throw Error::corrupt("corrupt archive: " + what + ": bad integer length " + std::to_string(av_len));
    const uint64_t record = 1 + uint64_t(av_len) + loc.size;
    if (record > avail) throw Error::corrupt("corrupt archive: " + what + ": unexpected end of data at byte 0");
    // (not zero-filled first: the read overwrites it all)
    std::shared_ptr<const uint8_t[]> bytes = whole_;
    if (!bytes) {
        std::shared_ptr<uint8_t[]> buf(new uint8_t[record]);
        read_into(loc.offset, record, buf.get());
        bytes = std::move(buf);
    }
    const uint8_t* rec = whole_ ? whole_.get() + loc.offset : bytes.get();
    if (checksums_) checksums_->check(s, index, {rec, record});
    for (uint8_t i = 0; i < av_len; ++i) p.metadata = (p.metadata << 8) | rec[1 + i];
    p.payload = {rec + 1 + av_len, loc.size};
    p.storage = std::move(bytes);
    return p;
}

}  // namespace agcflow
