#include "merge/compare.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "merge/testing_images.h"
#include "merge/testing_reference.h"

namespace snapsim::merge {
namespace {

using testing::QemuIo;
using testing::Shell;
using testing::TempDir;

std::unique_ptr<Image> MustOpen(const std::string& spec) {
  auto image = Image::Open(spec);
  EXPECT_TRUE(image.ok()) << image.status().message();
  return image.ok() ? std::move(image.value()) : nullptr;
}

TEST(Compare, ChainEqualsItsConversionAndSkipsHoles) {
  TempDir dir;
  const std::string base = dir / "base.qcow2", top = dir / "top.qcow2", raw = dir / "top.raw";
  Shell("qemu-img create -q -f qcow2 " + base + " 64M");
  QemuIo(base, {"write -P 0x11 0 8M", "write -z 8M 8M"});
  Shell("qemu-img create -q -f qcow2 -b base.qcow2 -F qcow2 " + top);
  QemuIo(top, {"write -P 0x22 4M 8M", "write -P 0 40M 1M"});
  Shell("qemu-img convert -O raw " + top + " " + raw);
  auto a = MustOpen(top), b = MustOpen(raw);
  ASSERT_TRUE(a && b);
  auto result = Compare(ImageContent(*a), ImageContent(*b));
  ASSERT_TRUE(result.ok());
  EXPECT_TRUE(result->same());
  EXPECT_LT(result->read_bytes, uint64_t{2 * 64} << 20);  // the zero runs were not read twice
}

TEST(Compare, ReportsEveryDifferingRangeCoalesced) {
  TempDir dir;
  const std::string a_path = dir / "a.raw", b_path = dir / "b.qcow2";
  Shell("qemu-img create -q -f raw " + a_path + " 16M");
  QemuIo(a_path, {"write -P 0x31 0 16M"}, "raw");
  Shell("qemu-img convert -O qcow2 " + a_path + " " + b_path);
  // Three changes: 3 bytes; a 6000-byte run across a block boundary; the disk's last byte.
  QemuIo(b_path,
         {"write -P 0x32 100000 3", "write -P 0x33 4190000 6000", "write -P 0x34 16777215 1"});
  auto a = MustOpen(a_path), b = MustOpen(b_path);
  ASSERT_TRUE(a && b);
  CompareOptions options;
  options.block_bytes = 1 << 20;  // 4190000..4196000 crosses the 4 MiB block boundary
  auto result = Compare(ImageContent(*a), ImageContent(*b), options);
  ASSERT_TRUE(result.ok());
  ASSERT_EQ(result->diffs.size(), 3u);
  EXPECT_EQ(result->diffs[0].offset, 100000u);
  EXPECT_EQ(result->diffs[0].length, 3u);
  EXPECT_EQ(result->diffs[0].head_a[0], 0x31);
  EXPECT_EQ(result->diffs[0].head_b[0], 0x32);
  EXPECT_EQ(result->diffs[1].offset, 4190000u);
  EXPECT_EQ(result->diffs[1].length, 6000u);
  EXPECT_EQ(result->diffs[1].differing_bytes, 6000u);
  EXPECT_EQ(result->diffs[2].offset, 16777215u);
  options.first_only = true;
  auto first = Compare(ImageContent(*a), ImageContent(*b), options);
  ASSERT_TRUE(first.ok());
  ASSERT_EQ(first->diffs.size(), 1u);
  EXPECT_EQ(first->diffs[0].offset, 100000u);
}

TEST(Compare, ImageAgainstAPredictedView) {
  TempDir dir;
  const std::string img = dir / "disk.qcow2";
  Shell("qemu-img create -q -f qcow2 " + img + " 4M");
  QemuIo(img, {"write -P 0x5a 1M 1M", "write -z 2M 64k"});
  auto image = MustOpen(img);
  ASSERT_TRUE(image);
  ExtentMap predicted(4 << 20);
  predicted.Write(1 << 20, 1 << 20, FillSource{0x5a});
  predicted.Write(3 << 20, 4096, FillSource{0});
  auto same = Compare(ImageContent(*image), PredictedContent("model", predicted));
  ASSERT_TRUE(same.ok());
  EXPECT_TRUE(same->same());
  predicted.Write((1 << 20) + 512, 1024, SeedSource{7});
  auto differ = Compare(ImageContent(*image), PredictedContent("model", predicted));
  ASSERT_TRUE(differ.ok());
  ASSERT_EQ(differ->diffs.size(), 1u);
  EXPECT_GE(differ->diffs[0].offset, (1u << 20) + 512);
  EXPECT_LE(differ->diffs[0].offset + differ->diffs[0].length, (1u << 20) + 1536);
}

// Reference: maximal runs of differing granules, from the first to the last differing byte.
std::vector<DiffRange> ReferenceDiffs(const std::vector<uint8_t>& a,
                                      const std::vector<uint8_t>& b) {
  std::vector<DiffRange> out;
  uint64_t last_granule = UINT64_MAX;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i] == b[i]) continue;
    const uint64_t granule = i / kDiffGranuleBytes;
    if (!out.empty() && (granule == last_granule || granule == last_granule + 1)) {
      out.back().length = i + 1 - out.back().offset;
      ++out.back().differing_bytes;
    } else {
      out.push_back(DiffRange{i, 1, 1, {}, {}});
    }
    last_granule = granule;
  }
  return out;
}

RC_GTEST_PROP(CompareProperty, RangesMatchAByteByByteReference, ()) {
  constexpr uint64_t kBytes = 20000;
  auto synthetic = rc::gen::suchThat(testing::GenOp(kBytes), [](const testing::Op& op) {
    return !std::holds_alternative<ImageSource>(op.source);
  });
  ExtentMap a(kBytes), b(kBytes);
  testing::Bytes ignored(kBytes);
  for (const auto& op : *rc::gen::container<std::vector<testing::Op>>(synthetic)) {
    testing::Apply(op, &a, &ignored);
  }
  b = a;  // mostly equal, then a few changes
  for (const auto& op :
       *rc::gen::resize(8, rc::gen::container<std::vector<testing::Op>>(synthetic))) {
    testing::Apply(op, &b, &ignored);
  }
  std::vector<uint8_t> bytes_a(kBytes), bytes_b(kBytes);
  ReadSynthetic(a, 0, bytes_a);
  ReadSynthetic(b, 0, bytes_b);
  CompareOptions options;
  options.block_bytes = *rc::gen::element<size_t>(512, 1536, 4096, 65536);
  options.threads = *rc::gen::inRange(1, 4);
  auto result = Compare(PredictedContent("a", a), PredictedContent("b", b), options);
  RC_ASSERT(result.ok());
  const auto expected = ReferenceDiffs(bytes_a, bytes_b);
  RC_ASSERT(result->diffs.size() == expected.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    RC_ASSERT(result->diffs[i].offset == expected[i].offset);
    RC_ASSERT(result->diffs[i].length == expected[i].length);
    RC_ASSERT(result->diffs[i].differing_bytes == expected[i].differing_bytes);
    RC_ASSERT(result->diffs[i].head_a[0] == bytes_a[expected[i].offset]);
    RC_ASSERT(result->diffs[i].head_b[0] == bytes_b[expected[i].offset]);
  }
}

TEST(Compare, AllZeroFindsALoneByte) {
  std::vector<uint8_t> data(10000, 0);
  EXPECT_TRUE(AllZero(data));
  for (size_t at : {size_t{0}, size_t{255}, size_t{256}, size_t{9999}}) {
    data[at] = 1;
    EXPECT_FALSE(AllZero(data)) << at;
    data[at] = 0;
  }
}

}  // namespace
}  // namespace snapsim::merge
