#include "io/archive_catalog.h"

#include "io/error.h"
#include "io/varint.h"
#include "io/zstd_codec.h"

namespace agcflow {

std::string contig_first_word(const std::string& name) {
    size_t end = name.find_first_of(" \t\r\n");
    return end == std::string::npos ? name : name.substr(0, end);
}

namespace {

uint32_t parse_version_number(const std::string& text, const std::string& key, const std::string& archive) {
    if (text.empty() || text.size() > 6 || text.find_first_not_of("0123456789") != std::string::npos)
        throw Error::corrupt(archive + ": not an AGC archive (bad " + key + " in file_type_info)");
    return static_cast<uint32_t>(std::stoul(text));
}

}  // namespace

ArchiveCatalog::ArchiveCatalog(const std::filesystem::path& path, bool prefetch)
    : reader_(std::make_unique<ArchiveReader>(path, prefetch)) {
    const std::string name = path.string();
    const StreamInfo* fti = reader_->find("file_type_info");
    if (!fti || fti->parts.empty()) throw Error::corrupt(name + ": not an AGC archive (no file_type_info stream)");
    {
        Part p = reader_->part(*fti, 0);
        ByteReader r(p.payload, "file_type_info");
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
    if (version_ < 3000 || version_ >= 4000)
        throw Error(ErrorKind::unsupported, name + ": unsupported archive version " + major->second + "." + minor->second +
                    " (agc-flow reads AGC format 3.x)");

    {
        Part p = reader_->part("params", 0);
        ByteReader r(p.payload, "params");
        params_.k = r.u32le();
        params_.min_match_len = r.u32le();
        params_.pack_cardinality = r.u32le();
        params_.segment_size = r.u32le();
        if (params_.k == 0 || params_.k > 32 || params_.pack_cardinality == 0)
            throw Error::corrupt("corrupt archive: " + name + ": bad parameters");
    }

    {
        Part p = reader_->part("collection-samples", 0);
        std::vector<uint8_t> raw;
        zstd_decompress_frame(p.payload, p.metadata, raw, "collection-samples");
        sample_names_ = decode_sample_names(raw);
    }
    for (uint32_t i = 0; i < sample_names_.size(); ++i) sample_index_.emplace(sample_names_[i], i);
    samples_.resize(sample_names_.size());
    for (uint32_t i = 0; i < sample_names_.size(); ++i) samples_[i].name = sample_names_[i];
    size_t batches = (sample_names_.size() + params_.pack_cardinality - 1) / params_.pack_cardinality;
    for (size_t b = 0; b < batches; ++b) batch_loaded_.push_back(std::make_unique<std::once_flag>());
}

std::optional<uint32_t> ArchiveCatalog::sample_index(const std::string& name) const {
    auto it = sample_index_.find(name);
    if (it == sample_index_.end()) return std::nullopt;
    return it->second;
}

void ArchiveCatalog::load_batch(uint32_t batch) const {
    std::call_once(*batch_loaded_[batch], [&] {
        const uint32_t first = batch * params_.pack_cardinality;
        const uint32_t count =
            std::min<uint32_t>(params_.pack_cardinality, static_cast<uint32_t>(samples_.size()) - first);
        std::span<SampleDesc> span(samples_.data() + first, count);
        Part names = reader_->part("collection-contigs", batch);
        std::vector<uint8_t> raw;
        zstd_decompress_frame(names.payload, names.metadata, raw, "collection-contigs part " + std::to_string(batch));
        decode_contig_names(raw, span);
        Part details = reader_->part("collection-details", batch);
        decode_segment_details(details.payload, span, params_.segment_size + params_.k);
    });
}

const SampleDesc& ArchiveCatalog::sample(uint32_t index) const {
    load_batch(index / params_.pack_cardinality);
    return samples_[index];
}

const SampleDesc& ArchiveCatalog::sample(const std::string& name) const {
    auto i = sample_index(name);
    if (!i) throw Error::not_found("no sample " + name + " in " + reader_->path().string());
    return sample(*i);
}

std::vector<ContigRef> ArchiveCatalog::find_contigs(const std::string& contig, const std::string& sample_name) const {
    std::vector<ContigRef> found;
    const std::string key = contig_first_word(contig);
    auto scan = [&](uint32_t si) {
        const SampleDesc& s = sample(si);
        for (uint32_t ci = 0; ci < s.contigs.size(); ++ci)
            if (contig_first_word(s.contigs[ci].name) == key) found.push_back({si, ci});
    };
    if (!sample_name.empty()) {
        auto i = sample_index(sample_name);
        if (!i) throw Error::not_found("no sample " + sample_name + " in " + reader_->path().string());
        scan(*i);
    } else {
        for (uint32_t si = 0; si < samples_.size(); ++si) scan(si);
    }
    return found;
}

}  // namespace agcflow
