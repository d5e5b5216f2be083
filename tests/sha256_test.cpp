// SHA-256 (io/sha256.h), the whole-file hash in protect's sidecars: the test vectors of
// FIPS 180-2, fed whole and in uneven pieces.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "io/sha256.h"

namespace agcflow {
namespace {

std::string sha256_hex(const std::string& text, size_t piece) {
    Sha256 h;
    const auto* p = reinterpret_cast<const uint8_t*>(text.data());
    for (size_t i = 0; i < text.size(); i += piece) h.update({p + i, std::min(piece, text.size() - i)});
    const auto digest = h.finish();
    return to_hex(digest);
}

TEST(Sha256, MatchesTheStandardsTestVectors) {
    EXPECT_EQ(sha256_hex("", 1), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    EXPECT_EQ(sha256_hex("abc", 3), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    const std::string two_blocks = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    for (size_t piece : {1, 7, 55, 56, 64}) {
        SCOPED_TRACE(piece);
        EXPECT_EQ(sha256_hex(two_blocks, piece), "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    }
    const std::string million(1000000, 'a');
    for (size_t piece : {size_t(1000000), size_t(4093), size_t(65536)}) {
        SCOPED_TRACE(piece);
        EXPECT_EQ(sha256_hex(million, piece), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    }
}

TEST(Sha256, ToHexWritesTwoLowerCaseDigitsPerByte) {
    const uint8_t bytes[] = {0x00, 0x0f, 0xa5, 0xff};
    EXPECT_EQ(to_hex(bytes), "000fa5ff");
}

}  // namespace
}  // namespace agcflow
