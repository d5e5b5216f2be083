// protect, verify and repair (pipeline/protect.h) on files of every shape and damage of every
// kind: the exact bytes come back, damage beyond the redundancy is refused with FILE untouched.
#include <gtest/gtest.h>

#include <filesystem>
#include <random>
#include <set>

#include "io/error.h"
#include "pipeline/damage_scan.h"
#include "pipeline/protect.h"
#include "pipeline/protect_memory.h"
#include "stages/raptorq_block.h"
#include "tests/test_support.h"

namespace agcflow {
namespace {

namespace fs = std::filesystem;
using test::read_file;
using test::write_file;

std::string random_text(size_t n, uint32_t seed) {
    std::mt19937_64 rng(seed);
    std::string s(n, '\0');
    for (auto& c : s) c = static_cast<char>(rng());
    return s;
}

std::set<std::string> listing(const fs::path& dir) {
    std::set<std::string> names;
    for (const auto& e : fs::directory_iterator(dir)) names.insert(e.path().filename().string());
    return names;
}

class Protect : public ::testing::Test {
protected:
    void SetUp() override {
        if (!raptorq_available()) GTEST_SKIP() << "built without liblcrq";
        cfg.threads = 2;
    }
    // A file of `n` random bytes, protected; returns its layout.
    SidecarLayout make(size_t n, uint32_t seed = 1) {
        original = random_text(n, seed);
        write_file(file, original);
        return protect_file(file, cfg);
    }
    void damage(uint64_t at, std::string_view bytes) {
        std::string s = read_file(file);
        s.replace(at, bytes.size(), bytes);
        write_file(file, s);
    }
    // Damages source symbol i of the file (every byte of it changed).
    void damage_symbol(const SidecarLayout& l, uint64_t i) {
        std::string s = read_file(file);
        for (uint64_t k = i * l.symbol_size; k < std::min<uint64_t>(s.size(), (i + 1) * l.symbol_size); ++k) s[k] ^= 0x5a;
        write_file(file, s);
    }
    void expect_repaired() {
        const RepairResult r = repair_file(file, {}, cfg);
        EXPECT_TRUE(r.refused.empty()) << r.refused;
        EXPECT_TRUE(read_file(file) == original) << "the repaired file differs";
        const DamageReport v = verify_file(file, cfg);
        EXPECT_TRUE(v.intact);
        EXPECT_FALSE(v.sidecar_damaged);
    }

    test::TempDir dir;
    fs::path file = dir / "data.bin";
    fs::path sidecar = dir / "data.bin.rq";
    std::string original;
    ProtectConfig cfg;
};

TEST_F(Protect, LayoutFollowsTheFileAndTheBudget) {
    // Small files: ~100 symbols of at least 64 bytes; large ones: 32 KiB symbols, blocks of <= 100.
    EXPECT_EQ(plan_sidecar(0, cfg).symbols, 0u);
    EXPECT_EQ(plan_sidecar(1, cfg).symbol_size, 64u);
    EXPECT_EQ(plan_sidecar(1, cfg).blocks, 1u);
    EXPECT_EQ(plan_sidecar(100000, cfg).symbol_size, 1000u);
    const SidecarLayout big = plan_sidecar(200000000, cfg);
    EXPECT_EQ(big.symbol_size, 32768u);
    EXPECT_EQ(big.blocks, 62u);
    EXPECT_LE(big.block_symbols, 100u);
    EXPECT_EQ(big.repair, (big.block_symbols * 10 + 99) / 100 + 2);
    // A small budget: smaller blocks, and a plan that fits it.
    ProtectConfig small = cfg;
    small.max_memory = 16u << 20;
    const SidecarLayout lean = plan_sidecar(200000000, small);
    EXPECT_LT(uint64_t(lean.block_symbols) * lean.symbol_size, uint64_t(big.block_symbols) * big.symbol_size);
    EXPECT_LE(protect_memory(lean, 1), small.max_memory);
    small.max_memory = 1u << 20;
    try {
        plan_sidecar(200000000, small);
        ADD_FAILURE() << "no error";
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::no_memory);
        EXPECT_NE(std::string(e.what()).find("protecting 200.0 MB needs at least"), std::string::npos) << e.what();
    }
    cfg.redundancy = 0;
    EXPECT_THROW(plan_sidecar(10, cfg), Error);
}

TEST_F(Protect, RoundTripsFilesOfEveryShape) {
    // Empty, one byte, one symbol, odd sizes, several blocks.
    for (size_t n : {size_t(0), size_t(1), size_t(63), size_t(64), size_t(65), size_t(6401), size_t(100003),
                     size_t(3276800 + 17), size_t(7000001)}) {
        SCOPED_TRACE(n);
        const SidecarLayout l = make(n, static_cast<uint32_t>(n));
        EXPECT_EQ(fs::file_size(sidecar), l.sidecar_size());
        EXPECT_EQ(l.file_size, n);
        DamageReport v = verify_file(file, cfg);
        EXPECT_TRUE(v.intact);
        EXPECT_TRUE(v.damaged.empty());
        if (n == 0) continue;
        // The middle symbol damaged: found exactly, repaired.
        const uint64_t i = l.symbols / 2;
        damage_symbol(l, i);
        v = verify_file(file, cfg);
        EXPECT_FALSE(v.intact);
        ASSERT_EQ(v.damaged.size(), 1u);
        EXPECT_EQ(v.damaged[0].begin, i * l.symbol_size);
        EXPECT_EQ(v.damaged[0].end, std::min<uint64_t>(n, (i + 1) * l.symbol_size));
        EXPECT_TRUE(v.repairable);
        expect_repaired();
    }
    EXPECT_GT(make(7000001).blocks, 2u);
}

TEST_F(Protect, RepairsRandomBitFlips) {
    // A flip costs its whole symbol: 8 of 153 symbols here, where each block can lose 8 of its ~77.
    const SidecarLayout l = make(5000000);
    std::string s = original;
    std::mt19937 rng(7);
    for (int k = 0; k < 8; ++k) s[rng() % s.size()] ^= static_cast<char>(1u << (rng() % 8));
    write_file(file, s);
    const DamageReport v = verify_file(file, cfg);
    EXPECT_FALSE(v.intact);
    EXPECT_TRUE(v.repairable);
    EXPECT_GT(v.damaged_bytes, 0u);
    EXPECT_LE(v.damaged_bytes, 8u * l.symbol_size);
    expect_repaired();
}

TEST_F(Protect, RepairsAZeroedRunSpreadOverEveryBlock) {
    const SidecarLayout l = make(6000000);
    // 8% of the file in one run: interleaving gives each block a share it can rebuild.
    damage(1000000, std::string(480000, '\0'));
    const DamageReport v = verify_file(file, cfg);
    EXPECT_EQ(v.blocks_damaged, l.blocks);
    EXPECT_EQ(v.damaged.size(), 1u);
    EXPECT_TRUE(v.repairable);
    expect_repaired();
}

TEST_F(Protect, RepairsATruncatedTail) {
    const SidecarLayout l = make(4000000);
    fs::resize_file(file, 4000000 - 250000);
    const DamageReport v = verify_file(file, cfg);
    EXPECT_FALSE(v.intact);
    ASSERT_EQ(v.damaged.size(), 1u);
    EXPECT_EQ(v.damaged[0].end, 4000000u);
    EXPECT_LE(v.damaged[0].begin, 4000000u - 250000);
    EXPECT_GT(v.damaged[0].begin + l.symbol_size, 4000000u - 250000);
    expect_repaired();
    // Down to nothing left of it is beyond repair; the empty file stays as it is.
    fs::resize_file(file, 0);
    const RepairResult r = repair_file(file, {}, cfg);
    EXPECT_FALSE(r.refused.empty());
    EXPECT_EQ(fs::file_size(file), 0u);
}

TEST_F(Protect, RepairsAnAppendedTail) {
    make(1000000);
    write_file(file, original + "appended bytes");
    const DamageReport v = verify_file(file, cfg);
    EXPECT_FALSE(v.intact);
    EXPECT_EQ(v.appended_bytes, 14u);
    EXPECT_TRUE(v.damaged.empty());
    EXPECT_TRUE(v.repairable);
    expect_repaired();
    // Also an empty file that grew.
    make(0);
    write_file(file, "x");
    EXPECT_EQ(verify_file(file, cfg).appended_bytes, 1u);
    expect_repaired();
}

TEST_F(Protect, RepairsWithADamagedSidecarAndWritesItAgain) {
    const SidecarLayout l = make(5000000);
    std::string sc = read_file(sidecar);
    sc[3] ^= 1;                                       // the first header
    sc[l.table_a_offset() + 100] ^= 1;                // a chunk of table A
    for (uint32_t b = 0; b < l.blocks; ++b)           // a repair record of every block
        sc[l.record_offset(b, 0) + 20] ^= 1;
    write_file(sidecar, sc);
    damage_symbol(l, 3);
    damage_symbol(l, l.symbols - 1);
    const DamageReport v = verify_file(file, cfg);
    EXPECT_TRUE(v.sidecar_damaged);
    EXPECT_EQ(v.sidecar_bad_records, l.blocks);
    EXPECT_EQ(v.damaged.size(), 2u);
    EXPECT_TRUE(v.repairable);
    const RepairResult r = repair_file(file, {}, cfg);
    EXPECT_TRUE(r.file_repaired);
    EXPECT_TRUE(r.sidecar_rewritten);
    EXPECT_TRUE(read_file(file) == original);
    EXPECT_FALSE(verify_file(file, cfg).sidecar_damaged);
    // With FILE intact, a damaged sidecar alone is written again.
    sc = read_file(sidecar);
    sc[sc.size() - 5] ^= 1;  // the last header
    write_file(sidecar, sc);
    EXPECT_TRUE(verify_file(file, cfg).intact);
    EXPECT_TRUE(verify_file(file, cfg).sidecar_damaged);
    EXPECT_TRUE(repair_file(file, {}, cfg).sidecar_rewritten);
    EXPECT_FALSE(verify_file(file, cfg).sidecar_damaged);
}

TEST_F(Protect, ChecksumChunksLostInBothTablesAreErasures) {
    const SidecarLayout l = make(3000000);
    std::string sc = read_file(sidecar);
    sc[l.table_a_offset() + 8] ^= 1;
    sc[l.table_b_offset() + 8] ^= 1;
    write_file(sidecar, sc);
    // FILE intact: its SHA-256 says so, whatever the table.
    DamageReport v = verify_file(file, cfg);
    EXPECT_TRUE(v.intact);
    EXPECT_TRUE(v.sidecar_damaged);
    // FILE damaged: the symbols of the lost chunk (all of them here) cannot be trusted.
    damage_symbol(l, 5);
    v = verify_file(file, cfg);
    EXPECT_FALSE(v.intact);
    EXPECT_EQ(v.unchecked_bytes, l.file_size);
    EXPECT_FALSE(v.repairable);
}

TEST_F(Protect, BothHeadersDamagedIsAClearError) {
    make(200000);
    std::string sc = read_file(sidecar);
    sc[10] ^= 1;
    sc[sc.size() - 100] ^= 1;
    write_file(sidecar, sc);
    try {
        verify_file(file, cfg);
        ADD_FAILURE() << "no error";
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::corrupt);
        EXPECT_EQ(std::string(e.what()), sidecar.string() +
                                             " is not a sidecar written by agc-flow protect, or both copies of its "
                                             "header are damaged");
    }
    fs::remove(sidecar);
    try {
        verify_file(file, cfg);
        ADD_FAILURE() << "no error";
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::io);
        EXPECT_EQ(std::string(e.what()), "no sidecar " + sidecar.string() + " (agc-flow protect " + file.string() +
                                             " writes it)");
    }
}

TEST_F(Protect, RepairsDamageInEveryBlockUpToTheRedundancy) {
    const SidecarLayout l = make(8000000);
    ASSERT_GE(l.blocks, 3u);
    // Each block loses as many source symbols as the redundancy asked for, and one of its
    // repair records on top.
    std::string s = original;
    for (uint32_t b = 0; b < l.blocks; ++b) {
        const uint32_t K = l.symbols_in_block(b);
        const uint32_t lose = (K * l.redundancy + 99) / 100;
        for (uint32_t j = 0; j < lose; ++j) {
            const uint64_t i = l.file_symbol(b, j * (K / lose));
            for (uint64_t k = i * l.symbol_size; k < std::min<uint64_t>(s.size(), (i + 1) * l.symbol_size); ++k) s[k] = 0;
        }
    }
    write_file(file, s);
    std::string sc = read_file(sidecar);
    for (uint32_t b = 0; b < l.blocks; ++b) sc[l.record_offset(b, 1) + 17] ^= 1;
    write_file(sidecar, sc);
    const DamageReport v = verify_file(file, cfg);
    EXPECT_EQ(v.blocks_damaged, l.blocks);
    EXPECT_EQ(v.blocks_beyond, 0u);
    EXPECT_TRUE(v.repairable);
    expect_repaired();
}

TEST_F(Protect, DamageBeyondTheRedundancyIsRefusedAndNothingIsWritten) {
    const SidecarLayout l = make(4000000);
    // Block 1 loses one symbol more than it has repair symbols; block 0 a few it can rebuild.
    std::string s = original;
    auto zero_symbol = [&](uint64_t i) {
        for (uint64_t k = i * l.symbol_size; k < std::min<uint64_t>(s.size(), (i + 1) * l.symbol_size); ++k) s[k] = 0;
    };
    for (uint32_t j = 0; j <= l.repair; ++j) zero_symbol(l.file_symbol(1, j));
    zero_symbol(l.file_symbol(0, 0));
    write_file(file, s);
    const auto before = listing(dir.path());
    const DamageReport v = verify_file(file, cfg);
    EXPECT_FALSE(v.repairable);
    EXPECT_EQ(v.blocks_damaged, 2u);
    EXPECT_EQ(v.blocks_beyond, 1u);
    EXPECT_EQ(v.recoverable_bytes, l.symbol_size);
    const RepairResult r = repair_file(file, {}, cfg);
    EXPECT_FALSE(r.file_repaired);
    EXPECT_EQ(r.refused, file.string() + " cannot be repaired: " + human_bytes(v.damaged_bytes) + " damaged in 2 of " +
                             std::to_string(l.blocks) + " blocks, 1 of them with more damage than the 10% redundancy "
                             "of the sidecar covers; " + human_bytes(l.symbol_size) + " could be recovered");
    EXPECT_TRUE(read_file(file) == s) << "FILE was changed";
    EXPECT_EQ(listing(dir.path()), before);
    // Also into another file: nothing appears.
    EXPECT_FALSE(repair_file(file, dir / "out.bin", cfg).refused.empty());
    EXPECT_FALSE(fs::exists(dir / "out.bin"));
}

TEST_F(Protect, RepairsIntoAnotherFile) {
    const SidecarLayout l = make(2000000);
    damage_symbol(l, 7);
    const std::string damaged = read_file(file);
    const RepairResult r = repair_file(file, dir / "out.bin", cfg);
    EXPECT_TRUE(r.file_repaired);
    EXPECT_FALSE(r.sidecar_rewritten);
    EXPECT_TRUE(read_file(dir / "out.bin") == original);
    EXPECT_TRUE(read_file(file) == damaged);
    // The sidecar and FILE are refused as outputs.
    EXPECT_THROW(repair_file(file, sidecar, cfg), Error);
}

TEST_F(Protect, ProgressAndCancellation) {
    make(3000000);
    uint64_t last = 0;
    int calls = 0;
    Operation watched("protect", [&](const ProgressInfo& p) {
        EXPECT_GE(p.done, last);
        last = p.done;
        ++calls;
        return true;
    });
    protect_file(file, cfg, watched);
    EXPECT_GT(calls, 1);
    EXPECT_EQ(last, 2 * original.size());
    fs::remove(sidecar);
    Operation cancelled("protect", [&](const ProgressInfo&) { return false; });
    EXPECT_THROW(protect_file(file, cfg, cancelled), Error);
    EXPECT_FALSE(fs::exists(sidecar));
}

TEST_F(Protect, AFileThatChangesWhileProtectedIsAnError) {
    // (simulated: the checksum pass and the block reads see different bytes)
    make(3000000);
    fs::remove(sidecar);
    std::string s = original;
    Operation flip("protect", [&](const ProgressInfo& p) {
        if (p.done >= s.size() && p.done < 2 * s.size() && s[0] == original[0]) {
            s[0] ^= 1;
            write_file(file, s);
        }
        return true;
    });
    try {
        protect_file(file, cfg, flip);
        ADD_FAILURE() << "no error";
    } catch (const Error& e) {
        EXPECT_EQ(std::string(e.what()), file.string() + " changed while it was being protected");
    }
    EXPECT_FALSE(fs::exists(sidecar));
}

}  // namespace
}  // namespace agcflow
