#include "core/seeded_stream.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <vector>

namespace snapsim {
namespace {

// The generator must never change once released: these words pin the formula.
TEST(SeededStreamTest, GoldenWordsNeverChange) {
  EXPECT_EQ(SeededStream(0).Word(0), 0x10F21A26D03E8904ull);
  EXPECT_EQ(SeededStream(0).Word(1), 0xA54460271ACB5525ull);
  EXPECT_EQ(SeededStream(1).Word(1000000), 0x5F04F482FD3A3923ull);
  EXPECT_EQ(SeededStream(7).Word(0), 0x505DB7FE1BF1BFB7ull);
  EXPECT_EQ(SeededStream(~0ull).Word(1), 0x199FDFDB0153B304ull);
  // Byte 9 of seed 7's stream is byte 1 of word 1.
  EXPECT_EQ(SeededStream(7).ByteAt(9), 0x63);
}

TEST(SeededStreamTest, ByteAtIsLittleEndianWord) {
  SeededStream stream(7);
  uint64_t word = stream.Word(3);
  for (int b = 0; b < 8; ++b) {
    EXPECT_EQ(stream.ByteAt(24 + b), static_cast<uint8_t>(word >> (8 * b)));
  }
}

TEST(SeededStreamTest, DifferentSeedsDiffer) {
  EXPECT_NE(SeededStream(1).Word(0), SeededStream(2).Word(0));
  EXPECT_NE(SeededStream(1).Word(0), SeededStream(1).Word(1));
}

RC_GTEST_PROP(SeededStreamProp, FillAgreesWithByteAtAtAnyOffset,
              (uint64_t seed, uint32_t offset, uint16_t length)) {
  SeededStream stream(seed);
  std::vector<uint8_t> out(length);
  stream.Fill(offset, out);
  for (size_t i = 0; i < out.size(); ++i) RC_ASSERT(out[i] == stream.ByteAt(offset + i));
  RC_ASSERT(stream.FirstMismatch(offset, out) == out.size());
}

RC_GTEST_PROP(SeededStreamProp, FirstMismatchFindsAFlippedByte,
              (uint64_t seed, uint32_t offset, uint16_t length_minus_one, uint16_t where)) {
  const size_t length = static_cast<size_t>(length_minus_one) + 1;
  SeededStream stream(seed);
  std::vector<uint8_t> out(length);
  stream.Fill(offset, out);
  const size_t flipped = where % length;
  out[flipped] ^= 0x01;
  RC_ASSERT(stream.FirstMismatch(offset, out) == flipped);
}

}  // namespace
}  // namespace snapsim
