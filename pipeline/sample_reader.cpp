#include "pipeline/sample_reader.h"

#include <algorithm>

#include "pipeline/threads.h"

namespace agcflow {

size_t reader_threads(const CreateConfig& cfg) {
    if (cfg.concatenated) return 1;
    if (cfg.readers) return cfg.readers;
    return std::clamp<uint32_t>(static_cast<uint32_t>(arena_threads(cfg.threads)) / 8, 1, 4);
}

}  // namespace agcflow
