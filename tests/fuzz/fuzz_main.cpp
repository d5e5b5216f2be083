// One libFuzzer program per target: AGCFLOW_FUZZ_TARGET names the function of targets.h.
#include "tests/fuzz/targets.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    return agcflow::fuzz::AGCFLOW_FUZZ_TARGET(data, size);
}
