// The create graph's pack compressor: every part a group completes (a reference, a full pack)
// compressed on its own task, outside any group (zstd is most of create's work: this is where
// the cores go). At close, every group's open pack at once, the largest first, so that the one
// long zstd call of a big group starts first rather than last.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include "pipeline/create_state.h"
#include "stages/task_trace.h"
#include "pipeline/operation.h"
#include "stages/group_store.h"

namespace agcflow {

void compress_part(GroupPart& part, const CompressionProfile& profile, int64_t sample, int64_t group, Trace* trace);

// Every group's last, open pack as a part, compressed: (group, parts) by ascending group id.
std::vector<std::pair<uint32_t, std::vector<GroupPart>>> finish_groups(CompressionState& state, const Operation& op,
                                                                       Trace* trace);

}  // namespace agcflow
