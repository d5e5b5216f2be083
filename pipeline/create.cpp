// The create flow graph:
//
//   prefetching reader (threads of its own, like AGC's reader: reads up to read_ahead - 1
//   samples ahead, so reading overlaps compression even at -t 1; on many cores several files
//   at once)
//     -> input_node (hands the samples over in input order)
//     -> limiter_node (one token: one sample in the graph at a time)
//     -> batch compressor (serial node: routes the sample's contigs in parallel against the
//        frozen group map, numbers new groups in AGC's order, then stores every touched group
//        in parallel — one task per group, packs compressed as they fill)
//     -> ordered writer (serial node: collection batches and group parts in stream-id order;
//        returns the token to the limiter)
//
// While the compressor works on sample i, the reader reads sample i+1 (the writer's share is a
// few milliseconds per sample). The order of everything written is fixed by the batch model
// (agc-compression-algorithm.md §6.4-6.5), never by thread timing.
#include "pipeline/create.h"

#include <oneapi/tbb/flow_graph.h>
#include <oneapi/tbb/parallel_for.h>
#include <oneapi/tbb/parallel_sort.h>
#include <oneapi/tbb/task_arena.h>

#include "pipeline/memory_budget.h"
#include "pipeline/threads.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <exception>
#include <mutex>
#include <thread>
#include <map>
#include <optional>
#include <unordered_set>

#include "io/archive_writer.h"
#include "io/archive_catalog.h"
#include "io/collection.h"
#include "io/error.h"
#include "io/fasta_input.h"
#include "io/output_file.h"
#include "io/stream_names.h"
#include "io/thread_cache.h"
#include "io/varint.h"
#include "io/zstd_codec.h"
#include "pipeline/query.h"
#include "stages/group_router.h"
#include "stages/group_store.h"
#include "stages/contig_cutter.h"
#include "stages/segment_decoder.h"
#include "stages/splitter_selection.h"

namespace agcflow {

namespace {

// file_type_info exactly as AGC 3.2.2 writes it (byte identity needs the same strings).
const std::map<std::string, std::string> kFileTypeInfo = {
    {"comment", "AGC (Assembled Genomes Compressor) v. 3.2.2 [build 20260326.1]"},
    {"file_version_major", "3"},
    {"file_version_minor", "0"},
    {"producer", "agc"},
    {"producer_version_build", "20260326.1"},
    {"producer_version_major", "3"},
    {"producer_version_minor", "2"},
};

struct InputContig {
    std::string name;
    Codes seq;
    uint32_t sample = 0;  // index of its sample in the archive
};

// One batch: the contigs routed against one frozen state. Normally one sample (file); with
// -c, P records (and a last, possibly empty, batch at the end), as AGC synchronises.
struct ContigBatch {
    size_t sequence = 0;  // position in input order, given by the serial reader
    std::vector<InputContig> contigs;
    std::vector<std::string> new_samples;  // samples first seen in this batch, in order
    uint32_t samples_registered = 0;       // samples known once this batch was read
    uint64_t bases = 0;
};
using ContigBatchPtr = std::shared_ptr<ContigBatch>;

// What the writer needs from one compressed batch.
struct BatchOutput {
    size_t sequence = 0;
    std::vector<std::string> new_samples;
    std::vector<std::pair<uint32_t, ContigDesc>> contigs;  // (sample, contig with descriptors), input order
    uint32_t samples_registered = 0;
    std::vector<uint32_t> new_groups;  // ascending: streams to register (r, d)
    std::vector<std::pair<uint32_t, std::vector<GroupPart>>> parts;  // by ascending group id
    uint64_t bases = 0;
};
using BatchOutputPtr = std::shared_ptr<BatchOutput>;

// Produces the batches in input order: reads the inputs, registers samples and contigs.
class BatchSource {
public:
    // `existing`: sample names already in the archive being appended to (numbered first).
    BatchSource(InputSet& inputs, const CreateConfig& cfg, const Operation& op,
                const std::vector<std::string>& existing = {})
        : inputs_(inputs), cfg_(cfg), op_(op), first_sample_(static_cast<uint32_t>(existing.size())),
          samples_(first_sample_), sample_names_(existing.begin(), existing.end()) {
        if (!cfg_.concatenated)
            for (auto& in : inputs_.known())
                if (sample_names_.count(in.name))
                    throw Error("sample " + in.name + " (" + in.path + ") is already in the archive");
    }

    // The reference's contigs, read once for splitter selection and kept for batch 0.
    std::vector<ContigView> reference_sequences() {
        auto in = inputs_.open(0, reference_name_);
        if (!in) throw Error(ErrorKind::argument, "no input: an archive needs a reference sample");
        cached_ = read_records(*in, reference_name_);
        reference_origin_ = in->origin();
        reference_read_ = true;
        std::vector<ContigView> seqs;
        for (auto& r : cached_) seqs.emplace_back(r.seq);
        return seqs;
    }

    // The next batch, or nullptr after the last.
    ContigBatchPtr next() {
        if (!cfg_.concatenated) return next_file();
        auto b = next_concatenated();
        if (b) b->sequence = produced_++;
        return b;
    }

private:
    ContigBatchPtr next_file() {
        auto f = claim_file();
        if (!f) return nullptr;
        ++produced_;
        return read_file(*f);
    }

    // Every record of an input (sample `sample`), checked as they come (the operation may be
    // cancelled meanwhile): names must be unique, and reachable by AGC's getctg afterwards.
    std::vector<FastaRecord> read_records(RecordSource& in, const std::string& sample) {
        std::vector<FastaRecord> recs;
        std::unordered_set<std::string> seen;
        std::unordered_map<std::string, std::string> first_words;  // first word -> full name
        FastaRecord r;
        while (in.next(r)) {
            op_.check();
            if (!seen.insert(r.name).second)
                throw Error(in.origin() + ": contig name '" + r.name + "' occurs twice (AGC would corrupt it)");
            // (-c: records become samples of their own, checked as they are numbered)
            if (!cfg_.concatenated) check_reachable(in.origin(), sample, r.name, first_words);
            recs.push_back(std::move(r));
        }
        if (recs.empty()) throw Error(in.origin() + ": no contigs");
        return recs;
    }

    // Refuses a contig that no getctg query could reach once it is stored: one whose first word
    // another contig of its sample has, or whose "name@sample" AGC would read otherwise.
    static void check_reachable(const std::string& origin, const std::string& sample, const std::string& name,
                                std::unordered_map<std::string, std::string>& first_words) {
        auto [it, added] = first_words.emplace(contig_first_word(name), name);
        if (!added)
            throw Error(origin + ": contigs '" + it->second + "' and '" + name + "' of sample " + sample +
                        " share the first word '" + it->first + "' (AGC's getctg finds contigs by it, and reaches only the first)");
        if (auto why = unreachable_by_query(sample, name))
            throw Error(origin + ": contig '" + name + "' of sample " + sample + " could not be queried: " + *why);
    }

    // Input i as a record stream: input 0 comes from the records already read for the splitters.
    std::unique_ptr<RecordSource> open_input(size_t i, std::string& name) {
        if (i == 0 && reference_read_) {
            name = reference_name_;
            return std::make_unique<ReplayedRecords>(std::move(cached_), reference_origin_);
        }
        return inputs_.open(i, name);
    }

    class ReplayedRecords : public RecordSource {
    public:
        ReplayedRecords(std::vector<FastaRecord> recs, std::string origin)
            : recs_(std::move(recs)), origin_(std::move(origin)) {}
        bool next(FastaRecord& rec) override {
            if (next_ == recs_.size()) return false;
            rec = std::move(recs_[next_++]);
            return true;
        }
        const std::string& origin() const override { return origin_; }

    private:
        std::vector<FastaRecord> recs_;
        size_t next_ = 0;
        std::string origin_;
    };

public:
    // Without -c, a batch is one input and inputs can be read in parallel: claim_file() hands out
    // the next index (callers serialise it), read_file() reads that input (thread-safe for
    // distinct inputs) or returns nullptr when there is none.
    bool files_in_parallel() const { return !cfg_.concatenated && inputs_.parallel(); }
    std::optional<size_t> claim_file() {
        if (inputs_.count() && file_ >= inputs_.count()) return std::nullopt;
        return file_++;
    }
    ContigBatchPtr read_file(size_t f) {
        std::vector<FastaRecord> recs;
        std::string name;
        if (f == 0 && reference_read_) {
            recs = std::move(cached_);
            name = reference_name_;
        } else {
            auto in = inputs_.open(f, name);
            if (!in) return nullptr;
            recs = read_records(*in, name);
        }
        auto b = std::make_shared<ContigBatch>();
        b->sequence = f;
        const uint32_t sample = first_sample_ + static_cast<uint32_t>(f);
        b->new_samples.push_back(name);
        for (auto& r : recs) {
            b->bases += r.seq.size();
            b->contigs.push_back({std::move(r.name), std::move(r.seq), sample});
        }
        b->samples_registered = sample + 1;
        return b;
    }

private:
    // -c: every record is a sample named by the first word of its header (consecutive records
    // with the same first word form one sample); a batch is P records.
    ContigBatchPtr next_concatenated() {
        if (finished_) return nullptr;
        auto b = std::make_shared<ContigBatch>();
        FastaRecord r;
        while (b->contigs.size() < cfg_.pack_cardinality) {
            if (!input_) {
                std::string ignored;
                input_ = open_input(file_, ignored);
                if (!input_) {
                    finished_ = true;  // AGC always ends with one more sync: a last, maybe empty, batch
                    break;
                }
            }
            if (!input_->next(r)) {
                input_.reset();
                ++file_;
                continue;
            }
            op_.check();
            const std::string& path = input_->origin();
            if (!full_names_.insert(r.name).second)
                throw Error(path + ": contig name '" + r.name + "' occurs twice (AGC would corrupt it)");
            std::string sample = contig_first_word(r.name);
            if (sample != current_) {
                if (!sample_names_.insert(sample).second)
                    throw Error(path + ": records of sample " + sample +
                                (sample_is_new(sample)
                                     ? " are not consecutive (AGC would drop the later ones)"
                                     : " are already in the archive"));
                current_ = sample;
                current_first_words_.clear();
                new_names_.insert(sample);
                b->new_samples.push_back(sample);
                ++samples_;
            }
            check_reachable(path, sample, r.name, current_first_words_);
            b->bases += r.seq.size();
            b->contigs.push_back({std::move(r.name), std::move(r.seq), samples_ - 1});
        }
        b->samples_registered = samples_;
        return b;
    }

    bool sample_is_new(const std::string& name) const { return new_names_.count(name) != 0; }

    InputSet& inputs_;
    const CreateConfig& cfg_;
    const Operation& op_;
    uint32_t first_sample_ = 0;
    size_t produced_ = 0;
    std::vector<FastaRecord> cached_;
    std::string reference_name_, reference_origin_;
    bool reference_read_ = false;
    size_t file_ = 0;
    // -c state
    std::unique_ptr<RecordSource> input_;
    bool finished_ = false;
    std::string current_;
    std::unordered_map<std::string, std::string> current_first_words_;
    uint32_t samples_ = 0;
    std::unordered_set<std::string> sample_names_, full_names_, new_names_;
};

// A routed segment waiting for the store phase, with its place in the collection.
struct Placed {
    uint32_t contig = 0;
    RoutedSegment seg;
};

// Group 0 spread over the raw groups exactly as AGC does: walking destinations 0,1,..,15,0,..
// once per element, each non-zero destination takes the current front of group 0.
void distribute_raw(std::vector<std::vector<Placed*>>& groups) {
    auto& g0 = groups[0];
    std::deque<Placed*> src(g0.begin(), g0.end());
    uint32_t dest = 0;
    for (size_t i = 0, n = src.size(); i < n; ++i) {
        if (dest != 0) {
            groups[dest].push_back(src.front());
            src.pop_front();
        }
        dest = (dest + 1) % kNumRawGroups;
    }
    g0.assign(src.begin(), src.end());
}

class ArchiveBuilder {
public:
    ArchiveBuilder(const CreateConfig& cfg, SplitterSelection selection, const Operation& op)
        : cfg_(cfg),
          op_(op),
          splitter_set_(selection.splitters, cfg.k),
          fallback_(FallbackFilter(cfg.fallback_fraction), cfg.k, cfg.segment_size, cfg.adaptive),
          pending_fallback_(std::move(selection.fallback)) {
        reference_kmers_.singletons = std::move(selection.singletons);
        reference_kmers_.duplicates = std::move(selection.duplicates);
        for (uint32_t g = 0; g < kNumRawGroups; ++g)
            groups_.push_back(std::make_unique<GroupStore>(g, cfg_.pack_cardinality, cfg_.min_match_len, cfg_.profile));
    }

    // Appending: splitters, group keys and groups as the input archive left them.
    ArchiveBuilder(const CreateConfig& cfg, const ArchiveCatalog& in, const Operation& op)
        : cfg_(cfg), op_(op), splitter_set_({}, cfg.k), fallback_(FallbackFilter(cfg.fallback_fraction), cfg.k, cfg.segment_size, cfg.adaptive) {
        const ArchiveReader& r = in.reader();
        {
            Part p = r.part("splitters", 0);
            ByteReader br(p.payload, "splitters");
            for (uint64_t i = 0; i < p.metadata; ++i) splitter_set_.insert(br.u64le());
        }
        {
            Part p = r.part("segment-splitters", 0);
            ByteReader br(p.payload, "segment-splitters");
            for (uint64_t i = 0; i < p.metadata; ++i) {
                GroupKey key;
                key.first = br.u64le();
                key.second = br.u64le();
                map_.add(key, br.u32le());
            }
        }
        const uint32_t P = cfg_.pack_cardinality;
        for (uint32_t g = 0;; ++g) {
            const StreamInfo* rs = r.find(reference_stream_name(g));
            const StreamInfo* ds = r.find(delta_stream_name(g));
            if (!rs && !ds) break;
            std::optional<Codes> ref;
            if (rs) {
                Part p = r.part(*rs, 0);
                ref = decode_reference_part(p.metadata, p.payload, "stream " + rs->name);
            }
            uint32_t full = 0;
            std::vector<std::vector<uint8_t>> last;
            if (ds && !ds->parts.empty()) {
                full = static_cast<uint32_t>(ds->parts.size() - 1) * P;
                Part p = r.part(*ds, ds->parts.size() - 1);
                auto pack = decode_pack(p.metadata, p.payload, "stream " + ds->name);
                size_t start = 0;
                for (size_t i = 0; i < pack.size(); ++i)
                    if (pack[i] == kPackSeparator && (P > 1 || i + 1 == pack.size())) {
                        last.emplace_back(pack.begin() + start, pack.begin() + i);
                        start = i + 1;
                    }
            }
            groups_.push_back(GroupStore::reopen(g, P, cfg_.min_match_len, std::move(ref), full, std::move(last), cfg_.profile));
        }
        if (groups_.size() < kNumRawGroups) throw Error(ErrorKind::unsupported, r.path().string() + ": archive has no raw groups; cannot append");
        if (cfg_.adaptive) reference_kmers_for_adaptive_append(in);
    }

    uint32_t group_count() const { return static_cast<uint32_t>(groups_.size()); }

    // append -a needs the reference's singleton and repeated k-mers (new splitters must be
    // absent from both). AGC rebuilds them from the archive's first sample, decoded to text
    // and read again: bases that are not IUPAC codes (AGC-made archives can hold them) are
    // dropped on the way, as AGC's text round trip drops them.
    void reference_kmers_for_adaptive_append(const ArchiveCatalog& in) {
        if (in.sample_names().empty()) return;
        SegmentDecoder decoder(in);
        const SampleDesc& reference = in.sample(0);
        std::vector<Codes> contigs(reference.contigs.size());
        tbb::parallel_for(size_t(0), contigs.size(), [&](size_t i) {
            op_.check();
            static ThreadCache<SegmentScratch> scratches;
            SegmentScratch& scratch = scratches.get();
            Codes& c = contigs[i];
            assemble_contig(reference.contigs[i], decoder, in.params().k, BaseRange{}, c, scratch);
            c.erase(std::remove_if(c.begin(), c.end(), [](uint8_t x) { return x >= kNumIupacCodes; }), c.end());
        });
        const std::vector<ContigView> views(contigs.begin(), contigs.end());
        reference_kmers_.singletons = reference_singletons(views, cfg_.k, &reference_kmers_.duplicates);
    }

    // Compressor stage: route, number new groups, store. Serial across batches.
    BatchOutputPtr compress(ContigBatch& batch) {
        auto out = std::make_shared<BatchOutput>();
        out->sequence = batch.sequence;
        out->new_samples = std::move(batch.new_samples);
        out->samples_registered = batch.samples_registered;
        out->bases = batch.bases;
        const size_t n = batch.contigs.size();
        out->contigs.resize(n);

        // 1. Cut every contig at the splitters, then route every cut of every contig in
        //    parallel against the frozen map. Splitters are searched in pieces of contigs in
        //    parallel (at 1 Mb, a human chromosome 1 is 240 tasks instead of one of a third of
        //    a second, which kept the other cores of a batch idle).
        const size_t piece = std::max<uint64_t>(1, cfg_.cut_piece);
        std::vector<std::pair<uint32_t, size_t>> pieces;  // (contig, start)
        std::vector<size_t> first_piece(n + 1);            // contig i has pieces [first_piece[i], first_piece[i + 1])
        for (size_t i = 0; i < n; ++i) {
            first_piece[i] = pieces.size();
            for (size_t from = 0; from < batch.contigs[i].seq.size(); from += piece)
                pieces.emplace_back(static_cast<uint32_t>(i), from);
        }
        first_piece[n] = pieces.size();
        std::vector<std::vector<SplitterHit>> piece_hits(pieces.size());
        tbb::parallel_for(size_t(0), pieces.size(), [&](size_t x) {
            op_.check();
            const auto [i, from] = pieces[x];
            const Codes& seq = batch.contigs[i].seq;
            find_splitter_hits(seq, from, std::min(seq.size(), from + piece), splitter_set_, cfg_.k, piece_hits[x]);
        });
        std::vector<std::vector<ContigCut>> cuts(n);
        // Adaptive mode defers contigs without any splitter; long ones are searched for new
        // splitters, which all deferred contigs of this batch then use.
        std::vector<char> deferred(n, 0);
        std::vector<std::vector<uint64_t>> found(n);
        std::vector<std::vector<FallbackRecord>> found_records(n);
        tbb::parallel_for(size_t(0), n, [&](size_t i) {
            const Codes& seq = batch.contigs[i].seq;
            std::vector<SplitterHit> hits;
            for (size_t x = first_piece[i]; x < first_piece[i + 1]; ++x)
                hits.insert(hits.end(), piece_hits[x].begin(), piece_hits[x].end());
            cuts[i] = cuts_from_hits(hits, seq.size(), cfg_.k);
            if (cfg_.adaptive && (cuts[i].empty() || !cuts[i].back().front.full)) {
                deferred[i] = 1;
                cuts[i].clear();
                if (seq.size() >= cfg_.segment_size)
                    found[i] = new_splitters_in_contig(seq, reference_kmers_, cfg_.k, cfg_.segment_size,
                                                       FallbackFilter(cfg_.fallback_fraction), found_records[i]);
            }
        });
        if (std::find(deferred.begin(), deferred.end(), 1) != deferred.end()) {
            for (size_t i = 0; i < n; ++i) {
                for (uint64_t s : found[i]) splitter_set_.insert(s);
                pending_fallback_.insert(pending_fallback_.end(), found_records[i].begin(), found_records[i].end());
            }
            tbb::parallel_for(size_t(0), n, [&](size_t i) {
                if (deferred[i]) cuts[i] = cut_contig(batch.contigs[i].seq, splitter_set_, cfg_.k);
            });
        }
        std::vector<std::pair<uint32_t, uint32_t>> all_cuts;  // (contig, cut)
        std::vector<std::atomic<uint32_t>> cuts_left(n);
        for (size_t i = 0; i < n; ++i) {
            cuts_left[i] = static_cast<uint32_t>(cuts[i].size());
            for (uint32_t j = 0; j < cuts[i].size(); ++j) all_cuts.emplace_back(static_cast<uint32_t>(i), j);
            if (cuts[i].empty()) Codes().swap(batch.contigs[i].seq);
        }
        std::vector<std::vector<RoutedSegment>> routed_cuts(all_cuts.size());
        GroupRouter router(map_, groups_, cfg_.k, cfg_.concatenated, &fallback_);
        tbb::parallel_for(size_t(0), all_cuts.size(), [&](size_t x) {
            op_.check();
            auto [i, j] = all_cuts[x];
            InputContig& c = batch.contigs[i];
            const ContigCut& cut = cuts[i][j];
            router.route(Codes(c.seq.begin() + cut.begin, c.seq.begin() + cut.end), to_end_kmer(cut.front),
                         to_end_kmer(cut.back), 0, routed_cuts[x]);
            if (--cuts_left[i] == 0) Codes().swap(c.seq);  // the contig's last cut is routed
        });
        // Each contig's parts in cut order, numbered 0, 1, ... (a split cut gives two).
        std::vector<std::vector<RoutedSegment>> routed(n);
        for (size_t x = 0; x < all_cuts.size(); ++x) {
            auto& parts = routed[all_cuts[x].first];
            for (auto& r : routed_cuts[x]) {
                r.part_no = static_cast<uint32_t>(parts.size());
                parts.push_back(std::move(r));
            }
        }

        // 2. Register: sort known entries per group, number new keys in sorted order.
        std::vector<Placed> placed;
        for (size_t i = 0; i < n; ++i) {
            out->contigs[i].first = batch.contigs[i].sample;
            out->contigs[i].second.name = batch.contigs[i].name;
            out->contigs[i].second.segments.resize(routed[i].size());
            for (auto& r : routed[i]) placed.push_back({static_cast<uint32_t>(i), std::move(r)});
        }
        // AGC's order: (sample name, contig name, part); within a batch the sample name is the
        // same for all (with -c it is empty), so the contig name decides.
        auto before = [&](const Placed* a, const Placed* b) {
            const std::string& an = batch.contigs[a->contig].name;
            const std::string& bn = batch.contigs[b->contig].name;
            if (an != bn) return an < bn;
            return a->seg.part_no < b->seg.part_no;
        };
        std::vector<std::vector<Placed*>> by_group(groups_.size());
        std::vector<Placed*> fresh;
        for (auto& p : placed) {
            if (p.seg.group)
                by_group[*p.seg.group].push_back(&p);
            else
                fresh.push_back(&p);
        }
        for (auto& v : by_group) std::sort(v.begin(), v.end(), before);
        std::sort(fresh.begin(), fresh.end(), before);
        std::map<GroupKey, uint32_t> new_ids;
        for (Placed* p : fresh) {
            auto [it, added] = new_ids.emplace(p->seg.key, static_cast<uint32_t>(groups_.size() + new_ids.size()));
            if (added) out->new_groups.push_back(it->second);
            p->seg.group = it->second;
        }
        by_group.resize(groups_.size() + new_ids.size());
        for (Placed* p : fresh) by_group[*p->seg.group].push_back(p);
        for (auto& [key, g] : new_ids) {
            groups_.push_back(nullptr);
            (void)key;
        }
        for (auto& [key, g] : new_ids) {
            groups_[g] = std::make_unique<GroupStore>(g, cfg_.pack_cardinality, cfg_.min_match_len, cfg_.profile);
            map_.add(key, g);
        }
        distribute_raw(by_group);
        // The reference's fallback records become visible after the first batch, as in AGC.
        for (const auto& r : pending_fallback_) fallback_.add(r);
        std::vector<FallbackRecord>().swap(pending_fallback_);

        // 3. Store: every touched group in parallel, each in its sorted order.
        std::vector<uint32_t> touched;
        for (uint32_t g = 0; g < by_group.size(); ++g)
            if (!by_group[g].empty()) touched.push_back(g);
        std::vector<std::vector<GroupPart>> parts(touched.size());
        tbb::parallel_for(size_t(0), touched.size(), [&](size_t t) {
            op_.check();
            const uint32_t g = touched[t];
            GroupStore& store = *groups_[g];
            for (Placed* p : by_group[g]) {
                const auto len = static_cast<uint32_t>(p->seg.data.size());
                const uint32_t id = store.add(std::move(p->seg.data), parts[t]);
                out->contigs[p->contig].second.segments[p->seg.part_no] = {g, id, len, p->seg.rev_comp};
            }
        });
        for (size_t t = 0; t < touched.size(); ++t)
            if (!parts[t].empty()) out->parts.emplace_back(touched[t], std::move(parts[t]));
        return out;
    }

    // Leftover packs at close, by ascending group id.
    std::vector<std::pair<uint32_t, std::vector<GroupPart>>> finish_groups() {
        std::vector<std::vector<GroupPart>> parts(groups_.size());
        tbb::parallel_for(size_t(0), groups_.size(), [&](size_t g) {
            op_.check();
            groups_[g]->finish(parts[g]);
        });
        std::vector<std::pair<uint32_t, std::vector<GroupPart>>> out;
        for (uint32_t g = 0; g < groups_.size(); ++g)
            if (!parts[g].empty()) out.emplace_back(g, std::move(parts[g]));
        return out;
    }

    const GroupMap& map() const { return map_; }
    std::vector<uint64_t> splitters() const { return splitter_set_.sorted(); }

private:
    static EndKmer to_end_kmer(const CutKmer& k) { return {k.full, k.forward, k.reverse}; }

    const CreateConfig& cfg_;
    const Operation& op_;
    SplitterSelection reference_kmers_;  // adaptive mode: the reference's singleton and repeated k-mers
    SplitterSet splitter_set_;
    FallbackIndex fallback_;
    std::vector<FallbackRecord> pending_fallback_;
    GroupMap map_;
    std::vector<std::unique_ptr<GroupStore>> groups_;
};

// The ordered writer: streams, parts and collection batches in AGC's order.
class OrderedWriter {
public:
    OrderedWriter(OutputFile& out, const CreateConfig& cfg)
        : out_(out), writer_(out, cfg.profile.frame_checksums), cfg_(cfg), file_type_info_(kFileTypeInfo) {
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

    void write_batch(BatchOutput& b) {
        for (uint32_t g : b.new_groups) {
            uint32_t r = writer_.register_stream(reference_stream_name(g));
            uint32_t d = writer_.register_stream(delta_stream_name(g));
            if (group_streams_.size() != g) throw Error::internal("internal: group streams out of order");
            group_streams_.push_back({r, d});
        }
        for (auto& name : b.new_samples) samples_.push_back({name, {}});
        for (auto& [sample, contig] : b.contigs) {
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
        write_parts(b.parts);
        bases_ += b.bases;
    }

    void close(ArchiveBuilder& builder) {
        const uint32_t total = static_cast<uint32_t>(samples_.size());
        if (total % cfg_.pack_cardinality != 0)
            write_collection_batch(total / cfg_.pack_cardinality * cfg_.pack_cardinality, total);
        auto leftovers = builder.finish_groups();
        write_parts(leftovers);

        Bytes params;
        for (uint32_t v : {cfg_.k, cfg_.min_match_len, cfg_.pack_cardinality, cfg_.segment_size}) put_u32le(params, v);
        writer_.add_part(writer_.register_stream("params"), params, 0);

        Bytes splitters;
        const auto all_splitters = builder.splitters();
        for (uint64_t s : all_splitters) put_u64le(splitters, s);
        writer_.add_part(writer_.register_stream("splitters"), splitters, all_splitters.size());

        Bytes keys;
        auto sorted = builder.map().sorted();
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

    void write_parts(std::vector<std::pair<uint32_t, std::vector<GroupPart>>>& parts) {
        for (auto& [g, list] : parts) {
            for (int pass = 0; pass < 2; ++pass)
                for (auto& p : list) {
                    if (p.is_reference != (pass == 0)) continue;
                    const uint32_t id = p.is_reference ? group_streams_[g].first : group_streams_[g].second;
                    if (id == kNoStream) throw Error::internal("internal: group " + std::to_string(g) + " has no such stream");
                    writer_.add_part(id, p.part.payload, p.part.metadata);
                }
        }
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

// FASTA reader threads: the configured number, or one per 8 workers (at most 4); one with -c.
size_t reader_threads(const CreateConfig& cfg) {
    if (cfg.concatenated) return 1;
    if (cfg.readers) return cfg.readers;
    return std::clamp<uint32_t>(static_cast<uint32_t>(arena_threads(cfg.threads)) / 8, 1, 4);
}

// The budget's plan for this reference size; a warning when the budget is too small for it.
CreateMemoryPlan plan_memory(const CreateConfig& cfg, uint64_t reference_bases, const Operation& op) {
    const CreateMemoryPlan plan =
        plan_create_memory(cfg.max_memory, reference_bases, cfg.threads, static_cast<uint32_t>(reader_threads(cfg)));
    if (cfg.max_memory && cfg.max_memory < plan.needed)
        op.warn("warning: a reference of " + std::to_string(reference_bases) + " bases needs about " +
                std::to_string((plan.needed + kMiB - 1) / kMiB) + " MiB; --max-memory " +
                std::to_string(cfg.max_memory / kMiB) + " MiB will be exceeded");
    if (cfg.verbosity > 0)
        op.message(Severity::note, "memory plan: " + std::to_string(plan.kmer_budget / kMiB) +
                                           " MiB of k-mer entries per pass, " + std::to_string(plan.read_ahead) +
                                           " sample(s) in flight");
    return plan;
}

void check_inputs(const InputSet& inputs) {
    std::map<std::string, std::string> seen;
    for (const auto& in : inputs.known()) {
        auto [it, added] = seen.emplace(in.name, in.path);
        if (!added)
            throw Error("inputs " + it->second + " and " + in.path + " give the same sample name " + in.name);
    }
}

}  // namespace

namespace {

// reader -> limiter -> batch compressor -> ordered writer (see the top of this file).
// Reading and parsing FASTA is I/O plus one core's work per file: reader threads of their own
// (outside the -t workers, as AGC's reader) read up to `ahead` batches before the graph asks for
// them, so that even at -t 1 reading overlaps compression. Without -c, `readers` threads read
// different files at once (for many cores, where one parser would set the pace); batches are
// handed over strictly in input order, and a read error surfaces at its file's place, so the
// first bad file in input order is the one reported. With ahead = 0, batches are read on
// demand by the graph's own thread.
class PrefetchingSource {
public:
    // `first_in_memory`: batch 0 is already in memory (create's reference) and does not count
    // against the read-ahead.
    PrefetchingSource(BatchSource& source, size_t ahead, size_t readers, bool first_in_memory)
        : source_(source), ahead_(ahead), parallel_(source.files_in_parallel()), first_free_(first_in_memory) {
        if (ahead_ == 0) return;
        const size_t n = parallel_ ? std::max<size_t>(1, std::min(readers, ahead_)) : 1;
        threads_.reserve(n);
        try {
            for (size_t i = 0; i < n; ++i) threads_.emplace_back([this] { run(); });
        } catch (...) {  // a thread that could not be started: stop those that were
            stop();
            throw;
        }
    }
    ~PrefetchingSource() { stop(); }

    void stop() {
        {
            std::lock_guard lock(mutex_);
            cancelled_ = true;
        }
        changed_.notify_all();
        for (auto& t : threads_)
            if (t.joinable()) t.join();
    }

    // The next batch in input order, nullptr after the last; rethrows a reader's error.
    ContigBatchPtr next() {
        if (ahead_ == 0) return source_.next();
        std::unique_lock lock(mutex_);
        changed_.wait(lock, [&] {
            return ready_.count(next_) || errors_.count(next_) || stopped_ == threads_.size() || failed_;
        });
        if (auto e = errors_.find(next_); e != errors_.end()) std::rethrow_exception(e->second);
        if (failed_ && !ready_.count(next_)) std::rethrow_exception(failed_);
        auto r = ready_.find(next_);
        if (r == ready_.end()) return nullptr;
        auto b = std::move(r->second);
        ready_.erase(r);
        ++next_;
        changed_.notify_all();
        return b;
    }

private:
    // Batches read or being read, not yet taken.
    size_t held() const { return ready_.size() + reading_ - (first_free_ ? ready_.count(0) : 0); }

    // A reader thread. Whatever it fails with (running out of memory, too) is handed to next().
    void run() noexcept {
        try {
            read_batches();
        } catch (...) {
            std::lock_guard lock(mutex_);
            if (!failed_) failed_ = std::current_exception();
            exhausted_ = true;
        }
        std::lock_guard lock(mutex_);
        ++stopped_;
        changed_.notify_all();
    }

    void read_batches() {
        for (;;) {
            size_t slot = 0;
            {
                std::unique_lock lock(mutex_);
                changed_.wait(lock, [&] { return cancelled_ || exhausted_ || held() < ahead_; });
                if (cancelled_ || exhausted_) break;
                if (parallel_) {
                    auto f = source_.claim_file();
                    if (!f) {
                        exhausted_ = true;
                        break;
                    }
                    slot = *f;
                } else {
                    slot = serial_++;
                }
                ++reading_;
            }
            ContigBatchPtr b;
            std::exception_ptr error;
            try {
                // Outside the lock: the long part. (-c reads its one stream from one thread.)
                b = parallel_ ? source_.read_file(slot) : source_.next();
            } catch (...) {
                error = std::current_exception();
            }
            std::lock_guard lock(mutex_);
            --reading_;
            if (error) {
                errors_.emplace(slot, error);
                exhausted_ = true;
            } else if (!b) {
                exhausted_ = true;
            } else {
                ready_.emplace(slot, std::move(b));
            }
            changed_.notify_all();
        }
    }

    BatchSource& source_;
    size_t ahead_;
    bool parallel_, first_free_;
    std::vector<std::thread> threads_;
    std::mutex mutex_;
    std::condition_variable changed_;
    std::map<size_t, ContigBatchPtr> ready_;
    std::map<size_t, std::exception_ptr> errors_;
    size_t next_ = 0, reading_ = 0, serial_ = 0, stopped_ = 0;
    bool exhausted_ = false, cancelled_ = false;
    std::exception_ptr failed_;  // a reader thread's failure outside the reading of a batch
};

// Samples in memory at once: one in the graph, read_ahead - 1 read ahead of it.
size_t prefetch_depth(uint32_t read_ahead) { return read_ahead > 0 ? read_ahead - 1 : 0; }

void run_graph(PrefetchingSource& prefetch, ArchiveBuilder& builder, OrderedWriter& writer, Operation& op,
               size_t total_samples) {
    using namespace tbb::flow;
    graph g;
    input_node<ContigBatchPtr> reader(g, [&](tbb::flow_control& fc) -> ContigBatchPtr {
        auto b = prefetch.next();
        if (!b) fc.stop();
        return b;
    });
    limiter_node<ContigBatchPtr> limiter(g, 1);
    function_node<ContigBatchPtr, BatchOutputPtr> compressor(g, serial, [&](ContigBatchPtr b) {
        op.check();
        return builder.compress(*b);
    });
    function_node<BatchOutputPtr, continue_msg> ordered_writer(g, serial, [&](BatchOutputPtr b) {
        writer.write_batch(*b);
        op.progress({writer.samples(), total_samples, writer.bases()});
        return continue_msg();
    });
    // Sequencers restore input order wherever the graph may deliver out of order (seen under
    // load between the limiter and a serial node): batches are compressed and written strictly
    // in the order the reader numbered them.
    sequencer_node<ContigBatchPtr> in_order(g, [](const ContigBatchPtr& b) { return b->sequence; });
    sequencer_node<BatchOutputPtr> out_order(g, [](const BatchOutputPtr& b) { return b->sequence; });
    make_edge(reader, limiter);
    make_edge(limiter, in_order);
    make_edge(in_order, compressor);
    make_edge(compressor, out_order);
    make_edge(out_order, ordered_writer);
    make_edge(ordered_writer, limiter.decrementer());
    reader.activate();
    g.wait_for_all();

}

}  // namespace

void create_archive(InputSet& inputs, OutputFile& out, const CreateConfig& cfg, Operation& op) {
    if (!cfg.concatenated) check_inputs(inputs);
    tbb::task_arena arena(arena_threads(cfg.threads));
    arena.execute([&] {
        // Splitters come from the reference (the first input), which is also sample 0.
        BatchSource source(inputs, cfg, op);
        const std::vector<ContigView> reference = source.reference_sequences();
        uint64_t reference_bases = 0;
        for (auto& c : reference) reference_bases += c.size();
        const CreateMemoryPlan plan = plan_memory(cfg, reference_bases, op);
        // The reader thread starts now: the next sample is read during the splitter phase.
        PrefetchingSource prefetch(source, prefetch_depth(plan.read_ahead), reader_threads(cfg), true);
        SplitterSelection selection = select_splitters(reference, cfg.k, cfg.segment_size,
                                                       FallbackFilter(cfg.fallback_fraction), cfg.adaptive,
                                                       plan.kmer_budget, [&] { op.check(); });
        op.check();
        if (cfg.verbosity > 0 && !cfg.adaptive)
            op.message(Severity::note, "splitter phase: " + std::to_string(selection.kmer_passes) +
                                               " pass(es) over the reference, " +
                                               std::to_string(selection.splitters.size()) + " splitters");

        ArchiveBuilder builder(cfg, std::move(selection), op);
        OrderedWriter writer(out, cfg);

        run_graph(prefetch, builder, writer, op, cfg.concatenated ? 0 : inputs.count());
        writer.close(builder);
        op.check();
        out.commit();
    });
}

void append_archive(const std::filesystem::path& input, InputSet& samples, OutputFile& out, CreateConfig cfg,
                    Operation& op) {
    ArchiveCatalog in(input, false);
    if (in.version() < 3000)
        throw Error(ErrorKind::unsupported,
                    input.string() + ": appending to a format " + std::to_string(in.version() / 1000) + "." +
                        std::to_string(in.version() % 1000) + " archive (AGC " + std::to_string(in.version() / 1000) +
                        ".x) is not supported; write a format 3 archive from its samples with getcol and create");
    // Parameters always come from the archive; so do its checksums, when it has them.
    if (in.reader().checksums()) cfg.profile.frame_checksums = true;
    cfg.k = in.params().k;
    cfg.min_match_len = in.params().min_match_len;
    cfg.pack_cardinality = in.params().pack_cardinality;
    cfg.segment_size = in.params().segment_size;
    if (!cfg.concatenated) check_inputs(samples);
    tbb::task_arena arena(arena_threads(cfg.threads));
    arena.execute([&] {
        BatchSource source(samples, cfg, op, in.sample_names());
        ArchiveBuilder builder(cfg, in, op);
        OrderedWriter writer(out, cfg, in, builder.group_count());
        // No splitter phase; the archive's reference sample stands for the size of a sample.
        uint64_t reference_bases = 0;
        if (!in.sample_names().empty())
            for (const ContigDesc& c : in.sample(0).contigs)
                for (const SegmentDesc& d : c.segments) reference_bases += d.raw_length;
        PrefetchingSource prefetch(source, prefetch_depth(plan_memory(cfg, reference_bases, op).read_ahead),
                                   reader_threads(cfg), false);
        run_graph(prefetch, builder, writer, op, cfg.concatenated ? 0 : samples.count());
        writer.close(builder);
        op.check();
        out.commit();
    });
}

namespace {
std::vector<std::string> input_paths(const std::vector<SampleInput>& inputs) {
    std::vector<std::string> paths;
    for (const auto& in : inputs) paths.push_back(in.path);
    return paths;
}
}  // namespace

void create_archive(const std::vector<SampleInput>& inputs, const std::filesystem::path& output,
                    const CreateConfig& cfg, Operation& op) {
    if (inputs.empty()) throw Error(ErrorKind::argument, "no input files");
    refuse_output_among_inputs(output, input_paths(inputs));
    FileInputs files(inputs);
    OutputFile out(output);
    create_archive(files, out, cfg, op);
}

void append_archive(const std::filesystem::path& input, const std::vector<SampleInput>& samples,
                    const std::filesystem::path& output, const CreateConfig& cfg, Operation& op) {
    std::vector<std::string> protected_paths = input_paths(samples);
    protected_paths.push_back(input.string());
    if (!output.empty()) {
        std::error_code ec;
        if (std::filesystem::equivalent(input, output, ec))
            throw Error(ErrorKind::argument, "the output archive must not be the input archive " + input.string());
    }
    refuse_output_among_inputs(output, protected_paths);
    FileInputs files(samples);
    OutputFile out(output);
    append_archive(input, files, out, cfg, op);
}

}  // namespace agcflow
