// What the create graph's nodes share across batches: the splitters, the fallback index, the
// group map and the groups. Who may touch what, and when (the graph orders them):
//   cutter   reads the splitters; in adaptive mode adds to them (it is then the only one that does)
//   router   reads map, groups' references and fallback index while routing; then, serially,
//            adds new groups, keys and fallback records and sets new groups' references
//   storer   adds segments to the groups a batch touches (through GroupWork's pointers: `groups`
//            may grow meanwhile), while the router already works on the next batch
#pragma once

#include <memory>
#include <vector>

#include "io/archive_catalog.h"
#include "pipeline/create.h"
#include "pipeline/operation.h"
#include "stages/fallback_minimizers.h"
#include "stages/group_router.h"
#include "stages/group_store.h"
#include "stages/splitter_selection.h"

namespace agcflow {

struct CompressionState {
    // create: the reference's splitters (and adaptive mode's k-mer sets), the 16 raw groups.
    CompressionState(const CreateConfig& cfg, SplitterSelection selection);
    // append: splitters, group keys and groups as the input archive left them.
    CompressionState(const CreateConfig& cfg, const ArchiveCatalog& in, const Operation& op);

    const CreateConfig& cfg;
    SplitterSelection reference_kmers;  // adaptive mode: the reference's singleton and repeated k-mers
    SplitterSet splitters;
    FallbackIndex fallback;
    std::vector<FallbackRecord> reference_fallback;  // visible once the first batch is registered, as in AGC
    bool first_registered = false;
    GroupMap map;
    std::vector<std::unique_ptr<GroupStore>> groups;

private:
    void reference_kmers_for_adaptive_append(const ArchiveCatalog& in, const Operation& op);
};

}  // namespace agcflow
