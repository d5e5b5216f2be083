#include "pipeline/ordered_writer.h"

namespace agcflow {

const std::map<std::string, std::string> kFileTypeInfo = {
    {"comment", "AGC (Assembled Genomes Compressor) v. 3.2.2 [build 20260326.1]"},
    {"file_version_major", "3"},
    {"file_version_minor", "0"},
    {"producer", "agc"},
    {"producer_version_build", "20260326.1"},
    {"producer_version_major", "3"},
    {"producer_version_minor", "2"},
};

}  // namespace agcflow
