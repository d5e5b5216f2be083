#include "pipeline/pack_compressor.h"

namespace agcflow {

void compress_part(GroupPart& part, const CompressionProfile& profile, int64_t sample, int64_t group, Trace* trace) {
    Trace::Span span(trace, part.is_reference ? "compress-ref" : "compress", sample, group, part.raw_bytes());
    part.compress(profile);
}

}  // namespace agcflow
