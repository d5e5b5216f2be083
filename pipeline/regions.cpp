#include "pipeline/regions.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "io/error.h"

namespace agcflow {

namespace {

bool parse_position(std::string_view s, uint64_t& v) {
    if (s.empty() || s.size() > 18) return false;
    uint64_t x = 0;
    for (char c : s) {
        if (c < '0' || c > '9') return false;
        x = x * 10 + static_cast<uint64_t>(c - '0');
    }
    v = x;
    return true;
}

std::vector<std::string_view> columns(std::string_view line) {
    std::vector<std::string_view> cols;
    const char sep = line.find('\t') != std::string_view::npos ? '\t' : ' ';
    size_t pos = 0;
    while (pos <= line.size()) {
        size_t next = line.find(sep, pos);
        if (next == std::string_view::npos) next = line.size();
        if (sep == '\t' || next > pos) cols.push_back(line.substr(pos, next - pos));
        pos = next + 1;
    }
    return cols;
}

bool starts_with_word(std::string_view line, std::string_view word) {
    return line.substr(0, word.size()) == word &&
           (line.size() == word.size() || line[word.size()] == ' ' || line[word.size()] == '\t');
}

}  // namespace

std::vector<BedRegion> parse_bed(std::string_view text, const std::string& origin) {
    std::vector<BedRegion> regions;
    uint64_t line_no = 0;
    size_t pos = 0;
    while (pos < text.size()) {
        size_t eol = text.find('\n', pos);
        if (eol == std::string_view::npos) eol = text.size();
        std::string_view line = text.substr(pos, eol - pos);
        pos = eol + 1;
        ++line_no;
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (line.empty() || line[0] == '#' || starts_with_word(line, "track") || starts_with_word(line, "browser"))
            continue;
        const std::string where = origin + ":" + std::to_string(line_no) + ": ";
        const auto cols = columns(line);
        if (cols.size() < 3) throw Error(where + "a region needs 3 columns (contig, start, end), not " + std::to_string(cols.size()));
        BedRegion r;
        r.line = line_no;
        r.name = std::string(cols[0]);
        if (r.name.empty()) throw Error(where + "empty contig name");
        if (!parse_position(cols[1], r.start)) throw Error(where + "bad start '" + std::string(cols[1]) + "'");
        if (!parse_position(cols[2], r.end)) throw Error(where + "bad end '" + std::string(cols[2]) + "'");
        if (r.end < r.start)
            throw Error(where + "end " + std::to_string(r.end) + " is before start " + std::to_string(r.start));
        regions.push_back(std::move(r));
    }
    return regions;
}

std::string read_bed_file(const std::string& path) {
    const bool in = path == "-";
    const int fd = in ? STDIN_FILENO : ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    const std::string shown = in ? std::string("standard input") : path;
    if (fd < 0) throw Error::io("cannot open " + shown + ": " + std::strerror(errno));
    std::string text;
    char buf[1 << 16];
    while (true) {
        const ssize_t n = ::read(fd, buf, sizeof buf);
        if (n < 0) {
            if (errno == EINTR) continue;
            const int e = errno;
            if (!in) ::close(fd);
            throw Error::io("cannot read " + shown + ": " + std::strerror(e));
        }
        if (n == 0) break;
        text.append(buf, static_cast<size_t>(n));
    }
    if (!in) ::close(fd);
    return text;
}

}  // namespace agcflow
