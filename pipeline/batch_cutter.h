// The create graph's cutter: every contig of a batch cut at the splitters, in pieces of
// cfg.cut_piece bases searched in parallel (a human chromosome 1 is 240 tasks, not one of a
// third of a second). Adaptive mode defers contigs without any splitter; long ones are searched
// for new splitters, which all deferred contigs of the batch then use, and which later batches
// see (the cutter is serial: batch i+1 is cut after batch i).
#pragma once

#include "pipeline/create_batch.h"
#include "pipeline/create_state.h"
#include "stages/task_trace.h"

namespace agcflow {

void cut_batch(Batch& batch, CompressionState& state, const Operation& op, Trace* trace);

}  // namespace agcflow
