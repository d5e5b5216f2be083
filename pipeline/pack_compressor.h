// The create graph's pack compressor: every part a group completes (a reference, a full pack,
// and after the last batch each group's last pack) compressed on its own task, outside any
// group (zstd is most of create's work: this is where the cores go). The storer hands a batch's
// parts over largest first, so that a long zstd call starts first rather than last.
#pragma once

#include <cstdint>

#include "io/compression_profile.h"
#include "stages/group_store.h"
#include "stages/task_trace.h"

namespace agcflow {

void compress_part(GroupPart& part, const CompressionProfile& profile, int64_t sample, int64_t group, Trace* trace);

}  // namespace agcflow
