// The create graph's storer: the segments of a batch added to the groups they were routed to,
// one task per touched group (each in AGC's order), LZ-diff encoding them against the group's
// reference. Full packs come out with their content final and are compressed later by the pack
// compressor, outside the group. Serial across batches: a group gets batch i's segments before
// batch i+1's.
#pragma once

#include "pipeline/create_batch.h"
#include "stages/task_trace.h"
#include "pipeline/operation.h"

namespace agcflow {

void store_batch(Batch& batch, const Operation& op, Trace* trace);

}  // namespace agcflow
