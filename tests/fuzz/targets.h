// Fuzz targets: each takes arbitrary bytes and must return (any agc-flow Error is an expected
// outcome), never crash, hang or allocate without bound. Built as libFuzzer programs with clang
// (CMake option AGCFLOW_FUZZ; tools/fuzz runs them) and replayed over tests/fuzz/corpus/<name>/
// by the default test suite (tests/fuzz_regression_test.cpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace agcflow::fuzz {

using Target = int (*)(const uint8_t* data, size_t size);

int container(const uint8_t* data, size_t size);         // the container and catalog of an archive
int collection(const uint8_t* data, size_t size);        // v3 and v1/v2 collection decoders
int segments(const uint8_t* data, size_t size);          // whole archives: every segment and contig
int group_parts(const uint8_t* data, size_t size);       // packs, references, tuples, LZ-diff V1/V2
int fasta(const uint8_t* data, size_t size);             // the FASTA/gzip reader
int query(const uint8_t* data, size_t size);             // getctg queries
int bed(const uint8_t* data, size_t size);               // BED region files

struct NamedTarget {
    const char* name;
    Target run;
};
const std::vector<NamedTarget>& all_targets();

}  // namespace agcflow::fuzz
