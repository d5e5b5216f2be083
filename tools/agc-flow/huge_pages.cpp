#include "tools/agc-flow/huge_pages.h"

#include <fstream>
#include <string>

namespace agcflow::cli {

bool huge_pages_pay(const std::filesystem::path& virtio_drivers) {
    constexpr size_t kFreePageReporting = 5;  // VIRTIO_BALLOON_F_REPORTING
    std::error_code ec;
    for (std::filesystem::directory_iterator it(virtio_drivers / "virtio_balloon", ec), end; !ec && it != end;
         it.increment(ec)) {
        if (it->path().filename().string().rfind("virtio", 0) != 0) continue;  // (bind, unbind, module...)
        // sysfs lists a device's negotiated features as one '0' or '1' per bit, bit 0 first.
        std::ifstream in(it->path() / "features");
        std::string bits;
        if (in >> bits && bits.size() > kFreePageReporting && bits[kFreePageReporting] == '1') return false;
    }
    return true;
}

}  // namespace agcflow::cli
