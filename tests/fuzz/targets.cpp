#include "tests/fuzz/targets.h"

#include <sys/mman.h>
#include <unistd.h>

#include <string_view>

#include "io/archive_catalog.h"
#include "io/collection.h"
#include "io/collection_legacy.h"
#include "io/error.h"
#include "io/fasta_input.h"
#include "pipeline/query.h"
#include "pipeline/regions.h"
#include "stages/group_parts.h"
#include "stages/lz_decoder.h"
#include "stages/segment_decoder.h"

namespace agcflow::fuzz {

namespace {

// The bytes as a file (an anonymous in-memory one), for the readers that take a path.
class MemoryFile {
public:
    MemoryFile(const uint8_t* data, size_t size) : fd_(::memfd_create("fuzz", MFD_CLOEXEC)) {
        for (size_t done = 0; fd_ >= 0 && done < size;) {
            const ssize_t n = ::write(fd_, data + done, size - done);
            if (n <= 0) break;
            done += static_cast<size_t>(n);
        }
    }
    ~MemoryFile() {
        if (fd_ >= 0) ::close(fd_);
    }
    std::string path() const { return "/proc/self/fd/" + std::to_string(fd_); }

private:
    int fd_;
};

// Sizes a fuzzed archive may claim are capped well below what would take the machine's memory.
constexpr uint64_t kLimit = 64u << 20;

template <typename F>
int expecting_errors(F&& f) {
    try {
        f();
    } catch (const Error&) {
    }
    return 0;
}

}  // namespace

int container(const uint8_t* data, size_t size) {
    MemoryFile file(data, size);
    return expecting_errors([&] {
        ArchiveCatalog c(file.path());
        for (uint32_t s = 0; s < c.sample_names().size(); ++s) {
            const SampleDesc& d = c.sample(s);
            for (uint32_t i = 0; i < d.contigs.size(); ++i) c.contig_length({s, i});
            if (!d.contigs.empty()) c.contigs_with_first_word(s, contig_first_word_view(d.contigs[0].name));
        }
        c.contigs_with_first_word("chr1");
        c.collection_order();
    });
}

int collection(const uint8_t* data, size_t size) {
    if (size < 2) return 0;
    const std::span<const uint8_t> raw(data + 2, size - 2);
    const uint32_t batch = 1 + data[1] % 8;
    return expecting_errors([&] {
        switch (data[0] % 5) {
            case 0:
                decode_sample_names(raw);
                break;
            case 1: {
                std::vector<SampleDesc> samples(batch);
                decode_contig_names(raw, samples);
                break;
            }
            case 2: {
                // names first (so that the contig counts agree), details from the same bytes
                std::vector<SampleDesc> samples(batch);
                for (auto& s : samples) s.contigs.resize(data[1] % 3);
                decode_segment_details(raw, samples, 60031);
                break;
            }
            case 3:
                decode_collection_v1(raw);
                break;
            default: {
                auto col = decode_collection_v2_main(raw);
                const size_t n = std::min<size_t>(col.samples.size(), col.details_batch);
                decode_collection_v2_details(raw, std::span(col.samples).first(n),
                                             std::span(col.segment_counts).first(n));
            }
        }
    });
}

int segments(const uint8_t* data, size_t size) {
    MemoryFile file(data, size);
    return expecting_errors([&] {
        ArchiveCatalog c(file.path());
        SegmentDecoder decoder(c, 16u << 20);
        decoder.set_part_limit(kLimit);
        SegmentScratch scratch;
        Codes out;
        uint64_t bases = 0;
        for (uint32_t s = 0; s < c.sample_names().size() && bases < kLimit; ++s)
            for (const ContigDesc& d : c.sample(s).contigs) {
                try {
                    assemble_contig(d, decoder, c.params().k, {}, out, scratch);
                    bases += out.size();
                    assemble_contig(d, decoder, c.params().k, {3, 70}, out, scratch);
                } catch (const Error&) {
                }
            }
    });
}

int group_parts(const uint8_t* data, size_t size) {
    if (size < 3) return 0;
    const uint8_t op = data[0], split = data[1];
    const std::span<const uint8_t> rest(data + 2, size - 2);
    return expecting_errors([&] {
        switch (op % 5) {
            case 0:
                pack_entry(decode_pack(rest.size() > 4 ? split * 97u : 0, rest, "pack", kLimit), split % 7, "pack");
                break;
            case 1:
                decode_reference_part(split * 131u, rest, "reference", kLimit);
                break;
            case 2:
                unpack_tuples(rest, "tuples");
                break;
            default: {
                // a reference and an entry
                const size_t cut = std::min<size_t>(split, rest.size());
                Codes reference(rest.begin(), rest.begin() + cut), out;
                for (auto& b : reference) b &= 15;
                lz_decode(reference, rest.subspan(cut), 15 + op % 18, out, "entry", op % 5 == 3 ? LzVersion::v1 : LzVersion::v2,
                          4u << 20);
            }
        }
    });
}

int fasta(const uint8_t* data, size_t size) {
    MemoryFile file(data, size);
    return expecting_errors([&] {
        FastaInput in(file.path());
        FastaRecord r;
        for (int i = 0; i < 10000 && in.next(r); ++i) {
        }
    });
}

int query(const uint8_t* data, size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    return expecting_errors([&] {
        const size_t at = text.find('\0');
        if (at != std::string_view::npos) unreachable_by_query(text.substr(0, at), text.substr(at + 1));
        parse_contig_query(text);
    });
}

int bed(const uint8_t* data, size_t size) {
    return expecting_errors([&] { parse_bed(std::string_view(reinterpret_cast<const char*>(data), size), "fuzz.bed"); });
}

const std::vector<NamedTarget>& all_targets() {
    static const std::vector<NamedTarget> targets = {
        {"container", container}, {"collection", collection}, {"segments", segments}, {"group_parts", group_parts},
        {"fasta", fasta},         {"query", query},           {"bed", bed},
    };
    return targets;
}

}  // namespace agcflow::fuzz
