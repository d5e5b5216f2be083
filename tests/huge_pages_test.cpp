// The program's choice of 2 MiB pages (tools/agc-flow/huge_pages.h), on stand-ins for sysfs's
// virtio driver directory.
#include <gtest/gtest.h>

#include "tests/test_support.h"
#include "tools/agc-flow/huge_pages.h"

namespace agcflow {
namespace {

using test::TempDir;

// A virtio-balloon device as sysfs shows it: its negotiated feature bits, bit 0 first.
void balloon(const TempDir& dir, const std::string& device, const std::string& features) {
    std::filesystem::create_directories(dir / "virtio_balloon" / device);
    test::write_file(dir / "virtio_balloon" / device / "features", features + "\n");
}

TEST(HugePages, NotWhereTheBalloonReportsFreePages) {
    TempDir dir;
    EXPECT_TRUE(cli::huge_pages_pay(dir.path()));  // no virtio at all: bare metal
    std::filesystem::create_directories(dir / "virtio_balloon");
    test::write_file(dir / "virtio_balloon" / "bind", "");
    EXPECT_TRUE(cli::huge_pages_pay(dir.path()));  // the driver, no device
    // Statistics and deflate-on-OOM (bits 1, 2), as a balloon without free page reporting.
    balloon(dir, "virtio0", "0110000000000000000000000000000010000000");
    EXPECT_TRUE(cli::huge_pages_pay(dir.path()));
    // This machine's balloon (Firecracker): bit 5, free page reporting.
    balloon(dir, "virtio3", "0110010100000000000000000000000010000000");
    EXPECT_FALSE(cli::huge_pages_pay(dir.path()));
}

}  // namespace
}  // namespace agcflow
