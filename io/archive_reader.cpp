#include "io/archive_reader.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "io/error.h"
#include "io/varint.h"

namespace agcflow {

ArchiveReader::ArchiveReader(const std::filesystem::path& path, bool prefetch) : path_(path) {
    const std::string name = path.string();
    int fd = ::open(name.c_str(), O_RDONLY);
    if (fd < 0) throw Error::io("cannot open archive " + name + ": " + std::strerror(errno));
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        ::close(fd);
        throw Error::io("cannot open archive " + name + ": not a regular file");
    }
    size_ = static_cast<uint64_t>(st.st_size);
    if (size_ < 9) {
        ::close(fd);
        throw Error::corrupt(name + ": not an AGC archive (file too small)");
    }
    void* m = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE | (prefetch ? MAP_POPULATE : 0), fd, 0);
    ::close(fd);
    if (m == MAP_FAILED) throw Error::io("cannot map archive " + name + ": " + std::strerror(errno));
    data_ = static_cast<const uint8_t*>(m);
    if (!prefetch) ::madvise(m, size_, MADV_RANDOM);

    try {
        ByteReader tail({data_ + size_ - 8, 8}, name);
        uint64_t footer_len = tail.u64le();
        if (footer_len == 0 || footer_len > size_ - 8)
            throw Error::corrupt(name + ": not an AGC archive, or truncated (bad footer length)");
        footer_start_ = size_ - 8 - footer_len;
        ByteReader f({data_ + footer_start_, footer_len}, name + ": footer");
        uint64_t n = f.av();
        if (n > footer_len) throw Error::corrupt(name + ": not an AGC archive, or truncated (bad stream count)");
        streams_.reserve(n);
        for (uint64_t i = 0; i < n; ++i) {
            StreamInfo s;
            s.name = f.cstr();
            uint64_t parts = f.av();
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
        if (!f.at_end()) throw Error::corrupt(name + ": not an AGC archive (footer has trailing bytes)");
    } catch (const Error& e) {
        ::munmap(const_cast<uint8_t*>(data_), size_);
        data_ = nullptr;
        std::string msg = e.what();
        if (msg.rfind("corrupt archive: " + name, 0) == 0) msg = name + ": not an AGC archive, or truncated";
        throw Error(e.kind(), msg);
    }
}

ArchiveReader::~ArchiveReader() {
    if (data_) ::munmap(const_cast<uint8_t*>(data_), size_);
}

const StreamInfo* ArchiveReader::find(const std::string& name) const {
    auto it = by_name_.find(name);
    return it == by_name_.end() ? nullptr : &streams_[it->second];
}

const StreamInfo& ArchiveReader::stream(const std::string& name) const {
    const StreamInfo* s = find(name);
    if (!s) throw Error::corrupt("corrupt archive: " + path_.string() + ": missing stream " + name);
    return *s;
}

Part ArchiveReader::part(const StreamInfo& s, size_t index) const {
    if (index >= s.parts.size())
        throw Error::corrupt("corrupt archive: " + path_.string() + ": stream " + s.name + " has no part " +
                    std::to_string(index));
    const PartLocation& loc = s.parts[index];
    Part p;
    if (loc.size == 0) return p;  // AGC never reads the metadata of an empty part
    std::string what = "stream " + s.name + " part " + std::to_string(index);
    ByteReader r({data_ + loc.offset, footer_start_ - loc.offset}, what);
    p.metadata = r.av();
    p.payload = r.take(loc.size);
    return p;
}

}  // namespace agcflow
