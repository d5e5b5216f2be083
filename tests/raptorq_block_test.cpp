// liblcrq's envelope (stages/raptorq_block.h): blocks coded and decoded from every mix of
// source and repair symbols at the edges of what we call it with, and calls outside it refused
// as errors of ours instead of reaching the library's asserts.
#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>
#include <random>
#include <vector>

#include "io/error.h"
#include "stages/raptorq_block.h"

namespace agcflow {
namespace {

std::vector<uint8_t> random_bytes(size_t n, uint32_t seed) {
    std::mt19937 rng(seed);
    std::vector<uint8_t> v(n);
    for (auto& b : v) b = static_cast<uint8_t>(rng());
    return v;
}

// Encodes a block of K symbols of T bytes, drops `lost` source symbols (spread over the block)
// and decodes it from the rest and `lost + extra` repair symbols.
bool round_trip(uint32_t K, uint32_t T, uint32_t lost, uint32_t extra, uint32_t seed) {
    const std::vector<uint8_t> source = random_bytes(uint64_t(K) * T, seed);
    const uint32_t repair = lost + extra;
    std::vector<uint8_t> repairs(uint64_t(repair) * T), decoded(source.size());
    bool ok = false;
    run_on_big_stacks(1, rq_encode_stack(K, T), 1, [&](size_t) {
        rq_encode_block(source, K, T, repair, repairs.data());
        std::vector<uint32_t> esis;
        std::vector<uint8_t> got;
        for (uint32_t j = 0; j < K; ++j) {
            if (lost && j % std::max(1u, K / lost) == 0 && j / std::max(1u, K / lost) < lost) continue;
            esis.push_back(j);
            got.insert(got.end(), source.begin() + uint64_t(j) * T, source.begin() + uint64_t(j + 1) * T);
        }
        for (uint32_t r = 0; r < repair && esis.size() < K + extra; ++r) {
            esis.push_back(K + r);
            got.insert(got.end(), repairs.begin() + uint64_t(r) * T, repairs.begin() + uint64_t(r + 1) * T);
        }
        ok = rq_decode_block(K, T, esis, got, decoded.data()) && decoded == source;
    });
    return ok;
}

class RaptorqBlock : public ::testing::Test {
protected:
    void SetUp() override {
        if (!raptorq_available()) GTEST_SKIP() << "built without liblcrq";
    }
};

TEST_F(RaptorqBlock, RoundTripsAtTheEdgesOfTheEnvelope) {
    // Symbol sizes from the smallest to the largest (which crashed on an 8 MiB stack), blocks
    // of one symbol to the largest we make.
    for (uint32_t T : {4u, 64u, 1000u, 12288u, 32768u, 65532u})
        for (uint32_t K : {1u, 2u, 10u, 100u}) {
            if (uint64_t(K) * T > (8u << 20)) continue;
            EXPECT_TRUE(round_trip(K, T, std::max(1u, K / 10), 2, K * 7 + T)) << "K " << K << " T " << T;
        }
}

TEST_F(RaptorqBlock, DecodesFromRepairSymbolsAlone) {
    EXPECT_TRUE(round_trip(50, 256, 50, 2, 1));
}

TEST_F(RaptorqBlock, LargerBlocksRoundTrip) {
    EXPECT_TRUE(round_trip(1000, 64, 100, 2, 2));
    EXPECT_TRUE(round_trip(200, 32768, 20, 2, 3));
}

TEST_F(RaptorqBlock, FewerThanKSymbolsAreRefusedNotRead) {
    const uint32_t K = 20, T = 64;
    std::vector<uint32_t> esis(K - 1);
    std::iota(esis.begin(), esis.end(), 0);
    std::vector<uint8_t> got(esis.size() * T), out(uint64_t(K) * T);
    EXPECT_FALSE(rq_decode_block(K, T, esis, got, out.data()));
}

TEST_F(RaptorqBlock, CallsOutsideTheEnvelopeAreErrorsNotAborts) {
    std::vector<uint8_t> src(64), out(64 * 4);
    auto kind = [](auto f) {
        try {
            f();
        } catch (const Error& e) {
            return e.kind();
        }
        return ErrorKind::input;
    };
    // T not a multiple of 4, too large, K 0 or too large, a source of the wrong size.
    EXPECT_EQ(kind([&] { rq_encode_block(src, 1, 62, 1, out.data()); }), ErrorKind::internal);
    EXPECT_EQ(kind([&] { rq_encode_block(std::vector<uint8_t>(65536), 1, 65536, 1, out.data()); }), ErrorKind::internal);
    EXPECT_EQ(kind([&] { rq_encode_block({}, 0, 64, 1, out.data()); }), ErrorKind::internal);
    EXPECT_EQ(kind([&] { rq_encode_block(src, kRqMaxBlockSymbols + 1, 4, 1, out.data()); }), ErrorKind::internal);
    EXPECT_EQ(kind([&] { rq_encode_block(src, 2, 64, 1, out.data()); }), ErrorKind::internal);
    const std::vector<uint32_t> esis{0, 0x1000000};
    EXPECT_EQ(kind([&] { rq_decode_block(1, 64, esis, std::vector<uint8_t>(128), out.data()); }), ErrorKind::internal);
}

TEST_F(RaptorqBlock, JobsRunOnTheirOwnStacksAndErrorsComeBack) {
    std::vector<int> done(37, 0);
    run_on_big_stacks(3, 64u << 20, done.size(), [&](size_t i) {
        volatile char big[32 << 20];  // more than a default 8 MiB stack holds
        big[0] = 1;
        big[sizeof big - 1] = 1;
        done[i] = big[0] + big[sizeof big - 1];
    });
    EXPECT_EQ(std::count(done.begin(), done.end(), 2), 37);
    EXPECT_THROW(run_on_big_stacks(2, 1u << 20, 10, [](size_t i) {
                     if (i == 3) throw Error::corrupt("job 3");
                 }),
                 Error);
}

}  // namespace
}  // namespace agcflow
