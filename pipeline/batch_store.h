// The create graph's storer: the segments of a batch added to the groups they were routed to,
// one task per touched group (each in AGC's order), LZ-diff encoding them against the group's
// reference. Full packs come out with their content final and are compressed later by the pack
// compressor, outside the group. Serial across batches: a group gets batch i's segments before
// batch i+1's. After the last batch, the end of the input takes every group's last parts.
#pragma once

#include "pipeline/create_batch.h"
#include "pipeline/create_state.h"
#include "pipeline/operation.h"
#include "stages/task_trace.h"

namespace agcflow {

void store_batch(Batch& batch, const Operation& op, Trace* trace);

// The end batch: each group's open pack (and a reference not yet handed over) as parts, one
// GroupWork per group with parts, by ascending group.
void store_last_parts(Batch& end, CompressionState& state);

}  // namespace agcflow
