// verify without a sidecar: an archive checked as deeply as reading it can: the container and
// the collection's structures, every part of every stream read (and checked against the
// archive's part checksums where it has them), every contig of every sample rebuilt.
#pragma once

#include <cstdint>
#include <filesystem>

#include "pipeline/operation.h"

namespace agcflow {

struct ArchiveCheck {
    uint32_t streams = 0;
    uint64_t parts = 0;
    uint32_t samples = 0;
    uint64_t contigs = 0;
    uint64_t bases = 0;        // FASTA bytes rebuilt
    bool checksums = false;    // the archive has part checksums (create --checksums)
};

// Error (corrupt, mostly) for the first inconsistency.
ArchiveCheck check_archive(const std::filesystem::path& path, uint32_t threads, uint64_t max_memory,
                           Operation& op = Operation::none());

}  // namespace agcflow
