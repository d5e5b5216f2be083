// AGC 3.2.2's library interface (include/agcflow/agc-api.h) over agc-flow's catalog and
// segment decoder.
#pragma GCC visibility push(default)
#include "agcflow/agc-api.h"
#pragma GCC visibility pop

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <new>

#include "io/archive_catalog.h"
#include "io/thread_cache.h"
#include "stages/segment_decoder.h"

// The state behind a CAGCFile (the name AGC's header declares for it).
class CAGCDecompressorLibrary {
public:
    CAGCDecompressorLibrary(const std::string& path, bool prefetch) : catalog(path, prefetch), decoder(catalog) {}

    // AGC's library lookup: the first word of the name against the first words of the archive's
    // names; with a sample, its first such contig. -1: none; -2: several, and no sample.
    int find(const std::string& sample, const std::string& name, agcflow::ContigRef& out) const {
        const std::string_view word = agcflow::contig_first_word_view(name);
        if (sample.empty()) {
            const auto& refs = catalog.contigs_with_first_word(word);
            if (refs.empty()) return -1;
            if (refs.size() > 1) return -2;
            out = refs.front();
            return 0;
        }
        const auto si = catalog.sample_index(sample);
        if (!si) return -1;
        const auto& found = catalog.contigs_with_first_word(*si, word);
        if (found.empty()) return -1;
        out = {*si, found.front()};
        return 0;
    }

    agcflow::ArchiveCatalog catalog;
    agcflow::SegmentDecoder decoder;
};

namespace {

// Runs a query; any exception (a corrupt archive, no memory) is the error value -1.
template <typename F>
int answer(F&& f) noexcept {
    try {
        return f();
    } catch (...) {
        return -1;
    }
}

char* copy_string(const std::string& s) {
    char* p = static_cast<char*>(std::malloc(s.size() + 1));
    if (p) std::memcpy(p, s.c_str(), s.size() + 1);
    return p;
}

char** copy_list(const std::vector<std::string>& v) {
    char** list = static_cast<char**>(std::calloc(v.size() + 1, sizeof(char*)));
    if (!list) return nullptr;
    for (size_t i = 0; i < v.size(); ++i) {
        list[i] = copy_string(v[i]);
        if (!list[i]) {
            agc_list_destroy(list);
            return nullptr;
        }
    }
    return list;
}

}  // namespace

CAGCFile::CAGCFile() : is_opened(false) {}
CAGCFile::~CAGCFile() = default;

bool CAGCFile::Open(const std::string& file_name, bool prefetching) {
    if (is_opened) return false;
    try {
        agc = std::make_unique<CAGCDecompressorLibrary>(file_name, prefetching);
    } catch (...) {
        agc.reset();
        return false;
    }
    is_opened = true;
    return true;
}

bool CAGCFile::Close() {
    if (!is_opened) return false;
    agc.reset();
    is_opened = false;
    return true;
}

int CAGCFile::GetCtgLen(const std::string& sample, const std::string& name) const {
    if (!is_opened) return -1;
    return answer([&] {
        agcflow::ContigRef ref;
        if (int rc = agc->find(sample, name, ref); rc < 0) return rc;
        return static_cast<int>(agc->catalog.contig_length(ref));
    });
}

int CAGCFile::GetCtgSeq(const std::string& sample, const std::string& name, int start, int end,
                        std::string& buffer) const {
    if (!is_opened) return -1;
    return answer([&] {
        agcflow::ContigRef ref;
        if (int rc = agc->find(sample, name, ref); rc < 0) return rc;
        // AGC's normalisation: negative start -> 0, negative end -> the end, start > end -> all.
        int64_t from = start, to = end;
        if (from < 0) from = 0;
        if (to < 0) to = -1;
        if (to >= 0 && from > to) from = 0, to = -1;
        static agcflow::ThreadCache<agcflow::SegmentScratch> scratches;
        agcflow::SegmentScratch& scratch = scratches.get();
        agcflow::Codes codes;
        agcflow::assemble_contig(agc->catalog.contig(ref), agc->decoder, agc->catalog.params().k, {from, to}, codes,
                                 scratch);
        std::string seq(codes.size(), ' ');
        for (size_t i = 0; i < codes.size(); ++i) seq[i] = agcflow::code_to_letter(codes[i]);
        buffer = std::move(seq);
        return 0;
    });
}

int CAGCFile::NSample() const {
    if (!is_opened) return -1;
    return static_cast<int>(agc->catalog.sample_names().size());
}

int CAGCFile::NCtg(const std::string& sample) const {
    if (!is_opened) return -1;
    return answer([&] {
        const auto si = agc->catalog.sample_index(sample);
        return si ? static_cast<int>(agc->catalog.sample(*si).contigs.size()) : -1;
    });
}

int CAGCFile::ListSample(std::vector<std::string>& samples) const {
    if (!is_opened) return -1;
    return answer([&] {
        std::vector<std::string> names = agc->catalog.sample_names();
        std::sort(names.begin(), names.end());
        samples = std::move(names);
        return 0;
    });
}

int CAGCFile::GetReferenceSample(std::string& sample) const {
    if (!is_opened) return -1;
    const auto& names = agc->catalog.sample_names();
    sample = names.empty() ? std::string() : names.front();
    return 0;
}

int CAGCFile::ListCtg(const std::string& sample, std::vector<std::string>& names) const {
    if (!is_opened) return -1;
    return answer([&] {
        const auto si = agc->catalog.sample_index(sample);
        if (!si) return -1;
        std::vector<std::string> v;
        for (const auto& c : agc->catalog.sample(*si).contigs) v.push_back(c.name);
        names = std::move(v);
        return 0;
    });
}

#pragma GCC visibility push(default)
extern "C" {

agc_t* agc_open(char* fn, int prefetching) {
    if (!fn) return nullptr;
    auto* agc = new (std::nothrow) CAGCFile;
    if (!agc) return nullptr;
    if (!agc->Open(fn, prefetching != 0)) {
        delete agc;
        return nullptr;
    }
    return agc;
}

int agc_close(agc_t* agc) {
    if (!agc) return -1;
    agc->Close();
    delete agc;
    return 0;
}

int agc_get_ctg_len(const agc_t* agc, const char* sample, const char* name) {
    if (!agc || !name) return -1;
    return agc->GetCtgLen(sample ? sample : "", name);
}

int agc_get_ctg_seq(const agc_t* agc, const char* sample, const char* name, int start, int end, char* buf) {
    if (!agc || !name || !buf) return -1;
    std::string seq;
    if (agc->GetCtgSeq(sample ? sample : "", name, start, end, seq) < 0) return -1;
    std::memcpy(buf, seq.c_str(), seq.size() + 1);
    return static_cast<int>(seq.size());
}

int agc_n_sample(const agc_t* agc) { return agc ? agc->NSample() : -1; }

int agc_n_ctg(const agc_t* agc, const char* sample) { return agc && sample ? agc->NCtg(sample) : -1; }

char* agc_reference_sample(const agc_t* agc) {
    if (!agc) return nullptr;
    std::string name;
    if (agc->GetReferenceSample(name) < 0) return nullptr;
    return copy_string(name);
}

char** agc_list_sample(const agc_t* agc, int* n_sample) {
    if (!agc) return nullptr;
    std::vector<std::string> names;
    if (agc->ListSample(names) < 0) return nullptr;
    if (n_sample) *n_sample = static_cast<int>(names.size());
    return copy_list(names);
}

char** agc_list_ctg(const agc_t* agc, const char* sample, int* n_ctg) {
    if (!agc) return nullptr;
    std::vector<std::string> names;
    if (agc->NSample() < 0) return nullptr;
    agc->ListCtg(sample ? sample : "", names);  // an unknown sample: an empty list, as AGC
    if (n_ctg) *n_ctg = static_cast<int>(names.size());
    return copy_list(names);
}

int agc_list_destroy(char** list) {
    if (!list) return 0;
    for (char** p = list; *p; ++p) std::free(*p);
    std::free(list);
    return 0;
}

int agc_string_destroy(char* sample) {
    std::free(sample);
    return 0;
}

}  // extern "C"
#pragma GCC visibility pop
