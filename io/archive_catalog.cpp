#include "io/archive_catalog.h"

#include <algorithm>
#include <numeric>

#include "io/error.h"
#include "io/varint.h"
#include "io/zstd_codec.h"

namespace agcflow {

std::string_view contig_first_word_view(std::string_view name) {
    const size_t end = name.find_first_of(" \t\r\n");
    return end == std::string_view::npos ? name : name.substr(0, end);
}

std::string contig_first_word(const std::string& name) { return std::string(contig_first_word_view(name)); }

namespace {

uint32_t parse_version_number(const std::string& text, const std::string& key, const std::string& archive) {
    if (text.empty() || text.size() > 6 || text.find_first_not_of("0123456789") != std::string::npos)
        throw Error::corrupt(archive + ": not an AGC archive (bad " + key + " in file_type_info)");
    return static_cast<uint32_t>(std::stoul(text));
}

// A collection part of one zstd frame (no marker byte), metadata = its raw size.
std::vector<uint8_t> collection_part(const ArchiveReader& r, const std::string& stream, size_t index) {
    Part p = r.part(stream, index);
    std::vector<uint8_t> raw;
    zstd_decompress_frame(p.payload, p.metadata, raw, stream + " part " + std::to_string(index));
    return raw;
}

}  // namespace

// First-word indexes for contig lookups, built on first use.
struct ArchiveCatalog::Index {
    using PerSample = std::unordered_map<std::string_view, std::vector<uint32_t>>;
    std::vector<std::unique_ptr<std::once_flag>> sample_built;
    std::vector<PerSample> per_sample;
    std::once_flag global_built;
    std::unordered_map<std::string_view, std::vector<ContigRef>> global;
};

ArchiveCatalog::ArchiveCatalog(const std::filesystem::path& path, bool prefetch)
    : reader_(std::make_unique<ArchiveReader>(path, prefetch)), path_text_(path.string()),
      index_(std::make_unique<Index>()) {
    const std::string& name = path_text_;
    const StreamInfo* fti = reader_->find("file_type_info");
    if (!fti || fti->parts.empty()) throw Error::corrupt(name + ": not an AGC archive (no file_type_info stream)");
    {
        Part p = reader_->part(*fti, 0);
        ByteReader r(p.payload, "file_type_info");
        if (p.metadata > p.payload.size()) r.fail("more entries than the data holds");
        for (uint64_t i = 0; i < p.metadata; ++i) {
            std::string key = r.cstr();
            std::string value = r.cstr();
            file_type_info_.emplace(std::move(key), std::move(value));
        }
    }
    auto major = file_type_info_.find("file_version_major");
    auto minor = file_type_info_.find("file_version_minor");
    if (major == file_type_info_.end() || minor == file_type_info_.end())
        throw Error::corrupt(name + ": not an AGC archive (no file version in file_type_info)");
    version_ = parse_version_number(major->second, major->first, name) * 1000 +
               parse_version_number(minor->second, minor->first, name);
    if (version_ < 1000 || version_ >= 4000)
        throw Error(ErrorKind::unsupported, name + ": unsupported archive version " + major->second + "." +
                                                minor->second + " (agc-flow reads AGC formats 1.x to 3.x)");

    {
        Part p = reader_->part("params", 0);
        ByteReader r(p.payload, "params");
        params_.k = r.u32le();
        params_.min_match_len = r.u32le();
        params_.pack_cardinality = r.u32le();
        params_.segment_size = version_ >= 2000 ? r.u32le() : 0;  // not stored in format 1.x
        if (params_.k == 0 || params_.k > 32 || params_.pack_cardinality == 0)
            throw Error::corrupt("corrupt archive: " + name + ": bad parameters");
    }

    if (version_ >= 3000) {
        Part p = reader_->part("collection-samples", 0);
        std::vector<uint8_t> raw;
        zstd_decompress_frame(p.payload, p.metadata, raw, "collection-samples");
        sample_names_ = decode_sample_names(raw);
        samples_.resize(sample_names_.size());
        for (uint32_t i = 0; i < sample_names_.size(); ++i) samples_[i].name = sample_names_[i];
        batch_size_ = params_.pack_cardinality;
    } else {
        LegacyCollection col = version_ >= 2000 ? decode_collection_v2_main(collection_part(*reader_, "collection-main", 0))
                                                : decode_collection_v1(collection_part(*reader_, "collection-desc", 0));
        samples_ = std::move(col.samples);
        command_lines_ = std::move(col.command_lines);
        v2_segment_counts_ = std::move(col.segment_counts);
        for (const auto& s : samples_) sample_names_.push_back(s.name);
        // 2.x: descriptors in parts of details_batch samples, decoded on demand; 1.x: all here.
        batch_size_ = version_ >= 2000 ? col.details_batch : std::max<uint32_t>(1, static_cast<uint32_t>(samples_.size()));
    }
    for (uint32_t i = 0; i < sample_names_.size(); ++i) sample_index_.emplace(sample_names_[i], i);
    const size_t batches = (sample_names_.size() + batch_size_ - 1) / batch_size_;
    for (size_t b = 0; b < batches; ++b) batch_loaded_.push_back(std::make_unique<std::once_flag>());
    if (version_ < 2000)
        for (auto& f : batch_loaded_) std::call_once(*f, [] {});  // decoded above
    index_->per_sample.resize(sample_names_.size());
    for (size_t i = 0; i < sample_names_.size(); ++i) index_->sample_built.push_back(std::make_unique<std::once_flag>());
}

ArchiveCatalog::~ArchiveCatalog() = default;

std::optional<uint32_t> ArchiveCatalog::sample_index(const std::string& name) const {
    auto it = sample_index_.find(name);
    if (it == sample_index_.end()) return std::nullopt;
    return it->second;
}

std::vector<uint32_t> ArchiveCatalog::collection_order() const {
    std::vector<uint32_t> order(sample_names_.size());
    std::iota(order.begin(), order.end(), 0u);
    if (version_ < 3000)
        std::stable_sort(order.begin(), order.end(),
                         [&](uint32_t a, uint32_t b) { return sample_names_[a] < sample_names_[b]; });
    return order;
}

void ArchiveCatalog::load_batch(uint32_t batch) const {
    std::call_once(*batch_loaded_[batch], [&] {
        const uint32_t first = batch * batch_size_;
        const uint32_t count = std::min<uint32_t>(batch_size_, static_cast<uint32_t>(samples_.size()) - first);
        std::span<SampleDesc> span(samples_.data() + first, count);
        if (version_ < 3000) {
            decode_collection_v2_details(collection_part(*reader_, "collection-details", batch), span,
                                         std::span(v2_segment_counts_).subspan(first, count));
            return;
        }
        Part names = reader_->part("collection-contigs", batch);
        std::vector<uint8_t> raw;
        zstd_decompress_frame(names.payload, names.metadata, raw, "collection-contigs part " + std::to_string(batch));
        decode_contig_names(raw, span);
        Part details = reader_->part("collection-details", batch);
        decode_segment_details(details.payload, span, params_.segment_size + params_.k);
    });
}

const SampleDesc& ArchiveCatalog::sample(uint32_t index) const {
    load_batch(index / batch_size_);
    return samples_[index];
}

const SampleDesc& ArchiveCatalog::sample(const std::string& name) const {
    auto i = sample_index(name);
    if (!i) throw Error::not_found("no sample " + name + " in " + path_text_);
    return sample(*i);
}

uint64_t ArchiveCatalog::contig_length(const ContigRef& r) const {
    const ContigDesc& c = contig(r);
    uint64_t len = 0;
    for (const SegmentDesc& d : c.segments) len += d.raw_length;
    const uint64_t overlap = c.segments.empty() ? 0 : uint64_t(params_.k) * (c.segments.size() - 1);
    return len > overlap ? len - overlap : 0;
}

const std::vector<uint32_t>& ArchiveCatalog::contigs_with_first_word(uint32_t si, std::string_view word) const {
    static const std::vector<uint32_t> kNone;
    std::call_once(*index_->sample_built[si], [&] {
        const SampleDesc& s = sample(si);
        auto& idx = index_->per_sample[si];
        for (uint32_t ci = 0; ci < s.contigs.size(); ++ci) idx[contig_first_word_view(s.contigs[ci].name)].push_back(ci);
    });
    const auto& idx = index_->per_sample[si];
    auto it = idx.find(word);
    return it == idx.end() ? kNone : it->second;
}

const std::vector<ContigRef>& ArchiveCatalog::contigs_with_first_word(std::string_view word) const {
    static const std::vector<ContigRef> kNone;
    std::call_once(index_->global_built, [&] {
        for (uint32_t si = 0; si < samples_.size(); ++si) {
            const SampleDesc& s = sample(si);
            for (uint32_t ci = 0; ci < s.contigs.size(); ++ci)
                index_->global[contig_first_word_view(s.contigs[ci].name)].push_back({si, ci});
        }
    });
    auto it = index_->global.find(word);
    return it == index_->global.end() ? kNone : it->second;
}

}  // namespace agcflow
