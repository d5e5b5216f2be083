// Whether the program's allocator should ask for 2 MiB pages (see main.cpp).
#pragma once

#include <filesystem>

namespace agcflow::cli {

// False in a virtual machine whose balloon device reports free pages to the host
// (virtio-balloon's VIRTIO_BALLOON_F_REPORTING, feature bit 5; Firecracker and cloud-hypervisor
// guests, for example): there the guest hands every freed 2 MiB block back to the host, and each
// 2 MiB page of the next run is faulted in anew at the host (measured on such a guest: ~7 ms a
// page, create 11-14% slower than with 4 KiB pages). True elsewhere. `virtio_drivers` is
// sysfs's virtio driver directory (a test's stand-in).
bool huge_pages_pay(const std::filesystem::path& virtio_drivers = "/sys/bus/virtio/drivers");

}  // namespace agcflow::cli
