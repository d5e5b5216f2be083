// The create graph's ordered writer: collection batches and group parts in AGC's order
// (agc-compression-algorithm.md §6.5), batch after batch in input order, then at close the
// groups' last packs and the metadata streams.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "io/archive_catalog.h"
#include "io/archive_writer.h"
#include "io/collection.h"
#include "io/error.h"
#include "io/output_file.h"
#include "io/stream_names.h"
#include "io/varint.h"
#include "io/zstd_codec.h"
#include "pipeline/create.h"
#include "pipeline/create_batch.h"
#include "pipeline/create_state.h"

namespace agcflow {

// file_type_info exactly as AGC 3.2.2 writes it (byte identity needs the same strings).
extern const std::map<std::string, std::string> kFileTypeInfo;

// The ordered writer: streams, parts and collection batches in AGC's order.
class OrderedWriter {
public:
    OrderedWriter(OutputFile& out, const CreateConfig& cfg)
        : out_(out), writer_(out, cfg.profile.frame_checksums), cfg_(cfg), file_type_info_(kFileTypeInfo) {
        if (cfg.profile.preset != Preset::agc) file_type_info_[kPresetKey] = preset_name(cfg.profile.preset);
        samples_stream_ = writer_.register_stream("collection-samples");
        contigs_stream_ = writer_.register_stream("collection-contigs");
        details_stream_ = writer_.register_stream("collection-details");
        for (uint32_t g = 0; g < kNumRawGroups; ++g)
            group_streams_.push_back({kNoStream, writer_.register_stream(delta_stream_name(g))});
    }

    // Appending: AGC's output starts with the input's complete collection batches and every
    // group's reference and full packs, copied as they are; the last partial collection batch is
    // re-encoded with the new samples, and each group's last pack stays open.
    OrderedWriter(OutputFile& out, const CreateConfig& cfg, const ArchiveCatalog& in, uint32_t groups)
        : out_(out), writer_(out, cfg.profile.frame_checksums), cfg_(cfg), file_type_info_(in.file_type_info()) {
        const ArchiveReader& r = in.reader();
        samples_stream_ = writer_.register_stream("collection-samples");
        contigs_stream_ = writer_.register_stream("collection-contigs");
        details_stream_ = writer_.register_stream("collection-details");
        const uint32_t P = cfg_.pack_cardinality;
        const uint32_t n = static_cast<uint32_t>(in.sample_names().size());
        const StreamInfo& contigs = r.stream("collection-contigs");
        const StreamInfo& details = r.stream("collection-details");
        if (contigs.parts.empty()) throw Error(ErrorKind::unsupported, r.path().string() + ": archive has no collection batch; cannot append");
        const uint32_t full_batches = n / P;
        for (uint32_t b = 0; b < full_batches; ++b) {
            Part c = r.part(contigs, b), d = r.part(details, b);
            writer_.add_part(contigs_stream_, c.payload, c.metadata);
            writer_.add_part(details_stream_, d.payload, d.metadata);
        }
        for (uint32_t i = 0; i < n; ++i) {
            samples_.push_back({in.sample_names()[i], {}});
            if (i >= full_batches * P) samples_.back().contigs = in.sample(i).contigs;
        }
        processed_ = n;
        stored_ = full_batches * P;
        for (uint32_t g = 0; g < groups; ++g) {
            const StreamInfo* rs = r.find(reference_stream_name(g));
            const StreamInfo* ds = r.find(delta_stream_name(g));
            uint32_t rid = rs ? writer_.register_stream(rs->name) : kNoStream;
            uint32_t did = ds ? writer_.register_stream(ds->name) : kNoStream;
            if (rs) {
                Part p = r.part(*rs, 0);
                writer_.add_part(rid, p.payload, p.metadata);
            }
            if (ds)
                for (size_t i = 0; i + 1 < ds->parts.size(); ++i) {
                    Part p = r.part(*ds, i);
                    writer_.add_part(did, p.payload, p.metadata);
                }
            group_streams_.push_back({rid, did});
        }
    }

    void write_batch(Batch& b) {
        for (uint32_t g : b.new_groups) {
            uint32_t r = writer_.register_stream(reference_stream_name(g));
            uint32_t d = writer_.register_stream(delta_stream_name(g));
            if (group_streams_.size() != g) throw Error::internal("internal: group streams out of order");
            group_streams_.push_back({r, d});
        }
        for (auto& name : b.new_samples) samples_.push_back({name, {}});
        for (auto& [sample, contig] : b.described) {
            if (sample < stored_)
                throw Error("sample " + samples_[sample].name +
                            " has records on both sides of a collection batch boundary (AGC would lose them)");
            samples_[sample].contigs.push_back(std::move(contig));
        }
        // AGC's bookkeeping: a collection batch of P samples is cut when the count of processed
        // samples reaches a multiple of P. With -c the count jumps by P per batch, capped at the
        // samples registered so far, which can cut the same batch twice (the second time with
        // no contigs left, P21).
        if (cfg_.concatenated)
            processed_ = std::min(processed_ / cfg_.pack_cardinality * cfg_.pack_cardinality + cfg_.pack_cardinality,
                                  b.samples_registered);
        else
            ++processed_;
        if (processed_ % cfg_.pack_cardinality == 0)
            write_collection_batch(processed_ - cfg_.pack_cardinality, processed_);
        for (GroupWork& gw : b.work) write_parts(gw.group, gw.parts);
        std::vector<GroupWork>().swap(b.work);
        bases_ += b.bases;
    }

    // The last collection batch, every group's last pack (`leftovers`, by ascending group), then
    // the archive's metadata streams.
    void close(const CompressionState& state, std::vector<std::pair<uint32_t, std::vector<GroupPart>>>& leftovers) {
        const uint32_t total = static_cast<uint32_t>(samples_.size());
        if (total % cfg_.pack_cardinality != 0)
            write_collection_batch(total / cfg_.pack_cardinality * cfg_.pack_cardinality, total);
        for (auto& [g, list] : leftovers) write_parts(g, list);

        Bytes params;
        for (uint32_t v : {cfg_.k, cfg_.min_match_len, cfg_.pack_cardinality, cfg_.segment_size}) put_u32le(params, v);
        writer_.add_part(writer_.register_stream("params"), params, 0);

        Bytes splitters;
        const auto all_splitters = state.splitters.sorted();
        for (uint64_t s : all_splitters) put_u64le(splitters, s);
        writer_.add_part(writer_.register_stream("splitters"), splitters, all_splitters.size());

        Bytes keys;
        auto sorted = state.map.sorted();
        for (auto& [key, g] : sorted) {
            put_u64le(keys, key.first);
            put_u64le(keys, key.second);
            put_u32le(keys, g);
        }
        writer_.add_part(writer_.register_stream("segment-splitters"), keys, sorted.size());

        Bytes info;
        for (auto& [k, v] : file_type_info_) {
            put_cstr(info, k);
            put_cstr(info, v);
        }
        writer_.add_part(writer_.register_stream("file_type_info"), info, file_type_info_.size());

        std::vector<std::string> names;
        for (auto& smp : samples_) names.push_back(smp.name);
        auto raw = encode_sample_names(names);
        writer_.add_part(samples_stream_, zstd_compress(raw, cfg_.profile.samples_level, cfg_.profile.frame_checksums), raw.size());
        writer_.finish();
    }

    uint64_t bases() const { return bases_; }
    uint32_t samples() const { return static_cast<uint32_t>(samples_.size()); }

private:
    // Writes samples [from, to) and drops their contigs (they are written once and for all).
    void write_collection_batch(uint32_t from, uint32_t to) {
        std::span<const SampleDesc> batch(samples_.data() + from, to - from);
        auto names = encode_contig_names(batch);
        writer_.add_part(contigs_stream_, zstd_compress(names, cfg_.profile.contigs_level, cfg_.profile.frame_checksums), names.size());
        writer_.add_part(details_stream_, encode_segment_details(batch, cfg_.segment_size + cfg_.k, cfg_.profile), 0);
        for (uint32_t i = from; i < to; ++i) std::vector<ContigDesc>().swap(samples_[i].contigs);
        stored_ = std::max(stored_, to);
    }

    // A group's parts of one batch: its reference first, then its packs.
    void write_parts(uint32_t g, std::vector<GroupPart>& list) {
        for (int pass = 0; pass < 2; ++pass)
            for (auto& p : list) {
                if (p.is_reference != (pass == 0)) continue;
                if (!p.compressed) throw Error::internal("internal: a part of group " + std::to_string(g) + " is not compressed");
                const uint32_t id = p.is_reference ? group_streams_[g].first : group_streams_[g].second;
                if (id == kNoStream) throw Error::internal("internal: group " + std::to_string(g) + " has no such stream");
                writer_.add_part(id, p.part.payload, p.part.metadata);
            }
        std::vector<GroupPart>().swap(list);
    }

    OutputFile& out_;
    ArchiveWriter writer_;
    const CreateConfig& cfg_;
    uint32_t samples_stream_, contigs_stream_, details_stream_;
    static constexpr uint32_t kNoStream = UINT32_MAX;
    std::map<std::string, std::string> file_type_info_;
    std::vector<std::pair<uint32_t, uint32_t>> group_streams_;  // (r, d) stream ids per group
    std::vector<SampleDesc> samples_;  // names of all; contigs until their collection batch is written
    uint32_t processed_ = 0;           // AGC's processed_samples
    uint32_t stored_ = 0;              // samples before this have their collection batch written
    uint64_t bases_ = 0;
};

}  // namespace agcflow
