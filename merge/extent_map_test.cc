#include "merge/extent_map.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "merge/testing_reference.h"

namespace snapsim::merge {
namespace {

using testing::Bytes;
using testing::Expand;

constexpr uint64_t kDiskBytes = 96;

RC_GTEST_PROP(ExtentMapProperty, WritesAndPunchesMatchAByteArray, ()) {
  const auto ops = *rc::gen::container<std::vector<testing::Op>>(testing::GenOp(kDiskBytes));
  ExtentMap map(kDiskBytes);
  Bytes bytes(kDiskBytes);
  for (const auto& op : ops) {
    testing::Apply(op, &map, &bytes);
    RC_ASSERT(testing::WellFormed(map));
  }
  RC_ASSERT(Expand(map, kDiskBytes) == bytes);
  uint64_t allocated = 0;
  for (uint64_t offset = 0; offset < kDiskBytes; ++offset) {
    const Extent* e = map.Find(offset);
    RC_ASSERT((e != nullptr) == bytes[offset].has_value());
    if (e) RC_ASSERT(e->offset <= offset && offset < e->end());
    allocated += bytes[offset].has_value();
  }
  RC_ASSERT(map.allocated_bytes() == allocated);
}

RC_GTEST_PROP(ExtentMapProperty, CopiesAreIndependent, ()) {
  const auto before = *rc::gen::container<std::vector<testing::Op>>(testing::GenOp(kDiskBytes));
  const auto after = *rc::gen::container<std::vector<testing::Op>>(testing::GenOp(kDiskBytes));
  ExtentMap map(kDiskBytes);
  Bytes bytes(kDiskBytes);
  for (const auto& op : before) testing::Apply(op, &map, &bytes);
  ExtentMap copy = map;
  Bytes copy_bytes = bytes;
  for (const auto& op : after) testing::Apply(op, &copy, &copy_bytes);
  RC_ASSERT(Expand(map, kDiskBytes) == bytes);
  RC_ASSERT(Expand(copy, kDiskBytes) == copy_bytes);
}

RC_GTEST_PROP(ExtentMapProperty, SameContentAgreesWithTheBytes, ()) {
  // Synthetic sources only, so both maps can be read back.
  auto gen_op = rc::gen::suchThat(testing::GenOp(24), [](const testing::Op& op) {
    return !std::holds_alternative<ImageSource>(op.source);
  });
  ExtentMap a(24), b(24);
  Bytes ignored(24);
  for (const auto& op : *rc::gen::container<std::vector<testing::Op>>(gen_op)) {
    testing::Apply(op, &a, &ignored);
  }
  for (const auto& op : *rc::gen::container<std::vector<testing::Op>>(gen_op)) {
    testing::Apply(op, &b, &ignored);
  }
  std::vector<uint8_t> bytes_a(24), bytes_b(24);
  RC_ASSERT(ReadSynthetic(a, 0, bytes_a));
  RC_ASSERT(ReadSynthetic(b, 0, bytes_b));
  RC_ASSERT(SameContent(a, b) == (bytes_a == bytes_b));
}

TEST(ExtentMap, WriteSplitsAndCoalesces) {
  ExtentMap map(100);
  map.Write(0, 100, FillSource{7});
  map.Write(10, 20, FillSource{1});
  ASSERT_EQ(map.extents().size(), 3u);
  EXPECT_EQ(map.extents()[2], (Extent{30, 70, FillSource{7}}));
  map.Write(10, 20, FillSource{7});  // restoring the content coalesces back to one extent
  ASSERT_EQ(map.extents().size(), 1u);
  EXPECT_EQ(map.extents()[0], (Extent{0, 100, FillSource{7}}));
}

TEST(ExtentMap, ImageExtentsCoalesceOnlyWhenContiguousInTheImage) {
  ExtentMap map(1 << 20);
  map.Append(0, 4096, ImageSource{1, 8192});
  map.Append(4096, 4096, ImageSource{1, 12288});  // continues
  map.Append(8192, 4096, ImageSource{1, 0});      // jumps back in the file
  ASSERT_EQ(map.extents().size(), 2u);
  EXPECT_EQ(map.extents()[0].length, 8192u);
  map.Punch(1000, 1000);
  ASSERT_EQ(map.extents().size(), 3u);
  EXPECT_EQ(map.extents()[1], (Extent{2000, 6192, ImageSource{1, 10192}}));
}

TEST(ExtentMap, ReadSyntheticRefusesImageExtents) {
  ExtentMap map(16);
  map.Write(4, 4, FillSource{9});
  std::vector<uint8_t> out(16, 0xff);
  ASSERT_TRUE(ReadSynthetic(map, 0, out));
  EXPECT_EQ(out[3], 0);
  EXPECT_EQ(out[4], 9);
  map.Write(8, 1, ImageSource{0, 0});
  EXPECT_FALSE(ReadSynthetic(map, 0, out));
}

}  // namespace
}  // namespace snapsim::merge
