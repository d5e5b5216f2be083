// The one message of the create graph: a batch (one sample; with -c, P records) and what each
// node adds to it on its way from the reader to the ordered writer:
//
//   reader     contigs, sample names            cutter    cuts per contig (adaptive: new fallback records)
//   router     segments placed in groups, the   storer    the touched groups' new parts (content final,
//              contigs' descriptors, new groups           compression pending)
//   compressor the parts compressed             writer    collection and parts in AGC's order
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "io/collection.h"
#include "stages/contig_cutter.h"
#include "stages/fallback_minimizers.h"
#include "stages/group_router.h"
#include "stages/group_store.h"
#include "stages/nucleotide.h"

namespace agcflow {

struct InputContig {
    std::string name;
    Codes seq;
    uint32_t sample = 0;  // index of its sample in the archive
};

// A routed segment waiting to be stored, with its place in the collection.
struct Placed {
    uint32_t contig = 0;
    RoutedSegment seg;
};

// A group a batch touches: its segments in AGC's order and the parts they complete.
struct GroupWork {
    uint32_t group = 0;
    GroupStore* store = nullptr;
    std::vector<Placed*> segments;
    size_t first_to_store = 0;  // segments before this were stored by the router (a new group's reference)
    std::vector<GroupPart> parts;
};

struct Batch {
    // reader
    size_t sequence = 0;  // position in input order, given by the serial reader
    // The end of the input (after the last batch): the storer puts every group's last parts in
    // `work`, so that they are compressed as soon as the last batch is stored.
    bool end = false;
    std::vector<InputContig> contigs;
    std::vector<std::string> new_samples;  // samples first seen in this batch, in order
    uint32_t samples_registered = 0;       // samples known once this batch was read
    uint64_t bases = 0;
    // cutter
    std::vector<std::vector<ContigCut>> cuts;
    std::vector<FallbackRecord> found_fallback;  // adaptive: records of the splitters it found
    // router
    std::vector<Placed> placed;
    std::vector<std::pair<uint32_t, ContigDesc>> described;  // (sample, contig with its segments), input order
    std::vector<uint32_t> new_groups;                        // ascending: streams to register (r, d)
    std::vector<GroupWork> work;                             // touched groups, ascending
    // compressor
    std::atomic<size_t> parts_left{0};
};
using BatchPtr = std::shared_ptr<Batch>;

}  // namespace agcflow
