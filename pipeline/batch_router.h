// The create graph's router: every cut of every contig of a batch routed in parallel against
// the state the previous batch left (group map, groups' references, fallback index), then, in
// one serial step, registered as AGC registers a batch (agc-compression-algorithm.md §6.4):
// segments sorted per group by (contig name, part), new keys numbered in sorted order, group 0
// dealt over the raw groups, new groups' first segments made their references. That is all
// the next batch's routing needs, so it can start while this batch is being stored.
#pragma once

#include "pipeline/create_batch.h"
#include "pipeline/create_state.h"
#include "stages/task_trace.h"

namespace agcflow {

void route_batch(Batch& batch, CompressionState& state, const Operation& op, Trace* trace);

}  // namespace agcflow
