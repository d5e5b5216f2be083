#include "pipeline/archive_check.h"

#include "io/archive_catalog.h"
#include "io/output_file.h"
#include "pipeline/extract.h"

namespace agcflow {

namespace {
class CountingSink : public ByteSink {
public:
    using ByteSink::write;
    void write(std::span<const uint8_t> bytes) override { bytes_ += bytes.size(); }
    uint64_t bytes() const { return bytes_; }

private:
    uint64_t bytes_ = 0;
};
}  // namespace

ArchiveCheck check_archive(const std::filesystem::path& path, uint32_t threads, uint64_t max_memory, Operation& op) {
    ArchiveCheck c;
    ArchiveCatalog catalog(path, false);
    const ArchiveReader& reader = catalog.reader();
    c.checksums = reader.checksums() != nullptr;
    for (const StreamInfo& s : reader.streams()) {
        ++c.streams;
        for (size_t i = 0; i < s.parts.size(); ++i, ++c.parts) (void)reader.part(s, i);
        op.check();
    }
    c.samples = static_cast<uint32_t>(catalog.sample_names().size());
    for (uint32_t i = 0; i < c.samples; ++i) c.contigs += catalog.sample(i).contigs.size();
    ExtractConfig cfg;
    cfg.threads = threads;
    cfg.max_memory = max_memory;
    Extractor extractor(catalog, cfg, op);
    CountingSink sink;
    extractor.write_collection(false, &sink, {});
    c.bases = sink.bytes();
    return c;
}

}  // namespace agcflow
