// Every reader against `qemu-img convert -O raw` of the same image.
#include "merge/image.h"

#include <fstream>

#include <gtest/gtest.h>

#include "merge/testing_images.h"

namespace snapsim::merge {
namespace {

using testing::QemuIo;
using testing::Shell;
using testing::TempDir;

// Reads `spec` through merge::Image and checks it byte for byte against qemu-img's
// conversion of the same image (`convert_source` defaults to the spec's path).
void ExpectMatchesQemu(const TempDir& dir, const std::string& spec,
                       const std::string& convert_args) {
  const std::string raw = dir / "expected.raw";
  Shell("qemu-img convert -O raw " + convert_args + " '" + raw + "'");
  const std::vector<uint8_t> expected = testing::ReadWholeFile(raw);
  auto image = Image::Open(spec);
  ASSERT_TRUE(image.ok()) << image.status().message();
  ASSERT_EQ(image.value()->size_bytes(), expected.size());
  std::vector<uint8_t> got(expected.size());
  ASSERT_TRUE(image.value()->Read(0, got).ok());
  for (size_t i = 0; i < got.size(); ++i) {
    ASSERT_EQ(got[i], expected[i]) << spec << " differs at offset " << i;
  }
  // Unaligned reads go through the same extents.
  std::vector<uint8_t> part(70000);
  const uint64_t at = std::min<uint64_t>(123457, expected.size() - part.size());
  ASSERT_TRUE(image.value()->Read(at, part).ok());
  EXPECT_TRUE(std::equal(part.begin(), part.end(), expected.begin() + static_cast<ptrdiff_t>(at)));
}

void ExpectMatchesQemu(const TempDir& dir, const std::string& path) {
  ExpectMatchesQemu(dir, path, "'" + path + "'");
}

TEST(ImageReader, Qcow2V3ChainWithZeroWritesAndDiscards) {
  TempDir dir;
  const std::string base = dir / "base.qcow2", mid = dir / "mid.qcow2", top = dir / "top.qcow2";
  Shell("qemu-img create -q -f qcow2 " + base + " 16M");
  QemuIo(base, {"write -P 0x11 0 4M", "write -P 0x12 8M 300k", "write -z 2M 64k"});
  Shell("qemu-img create -q -f qcow2 -b base.qcow2 -F qcow2 " + mid);
  QemuIo(mid, {"write -P 0x21 1M 1M", "write -z 3M 512k", "discard 0 64k"});
  Shell("qemu-img create -q -f qcow2 -b mid.qcow2 -F qcow2 " + top);
  QemuIo(top, {"write -P 0x31 1536k 4k", "write -P 0x32 15M 1M", "write -z -u 8M 64k"});
  ExpectMatchesQemu(dir, top);
  ExpectMatchesQemu(dir, mid);
  auto image = Image::Open(top);
  ASSERT_TRUE(image.ok());
  ASSERT_EQ(image.value()->layers().size(), 3u);
  EXPECT_EQ(image.value()->layers()[0].path, base);
}

TEST(ImageReader, Qcow2V2WithSmallClustersAndAbsoluteBacking) {
  TempDir dir;
  const std::string base = dir / "base.qcow2", top = dir / "top.qcow2";
  Shell("qemu-img create -q -f qcow2 -o compat=0.10,cluster_size=4096 " + base + " 5M");
  QemuIo(base, {"write -P 0x41 0 5M"});
  Shell("qemu-img create -q -f qcow2 -o compat=0.10 -b " + base + " -F qcow2 " + top + " 7M");
  QemuIo(top, {"write -P 0x42 4M 2M", "write -z 100k 8k"});
  ExpectMatchesQemu(dir, top);
}

TEST(ImageReader, BackingLargerThanOverlayIsClipped) {
  TempDir dir;
  Shell("mkdir " + dir / "sub");
  const std::string base = dir / "sub/base.qcow2", top = dir / "top.qcow2";
  Shell("qemu-img create -q -f qcow2 " + base + " 8M");
  QemuIo(base, {"write -P 0x51 0 8M"});
  Shell("qemu-img create -q -f qcow2 -b sub/base.qcow2 -F qcow2 " + top + " 3M");
  ExpectMatchesQemu(dir, top);
}

TEST(ImageReader, Qcow2InternalSnapshotsByNameAndId) {
  TempDir dir;
  const std::string img = dir / "snap.qcow2";
  Shell("qemu-img create -q -f qcow2 " + img + " 4M");
  QemuIo(img, {"write -P 0x61 0 1M"});
  Shell("qemu-img snapshot -c first " + img);
  QemuIo(img, {"write -P 0x62 512k 1M", "write -z 0 64k"});
  Shell("qemu-img snapshot -c second " + img);
  QemuIo(img, {"write -P 0x63 3M 1M"});
  ExpectMatchesQemu(dir, img + "@first", "-l snapshot.name=first '" + img + "'");
  ExpectMatchesQemu(dir, img + "@2", "-l snapshot.id=2 '" + img + "'");
  ExpectMatchesQemu(dir, img);
  auto missing = Image::Open(img + "@nope");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("nope"), std::string::npos);
}

TEST(ImageReader, Qcow2ExtendedL2Subclusters) {
  TempDir dir;
  const std::string base = dir / "base.qcow2", top = dir / "top.qcow2";
  Shell("qemu-img create -q -f qcow2 " + base + " 4M");
  QemuIo(base, {"write -P 0x71 0 4M"});
  Shell("qemu-img create -q -f qcow2 -o extended_l2=on,cluster_size=128k -b base.qcow2 -F qcow2 " +
        top);
  QemuIo(top, {"write -P 0x72 4k 4k", "write -z 64k 8k", "write -P 0x73 1M 20k"});
  ExpectMatchesQemu(dir, top);
}

TEST(ImageReader, Qcow2ExternalDataFile) {
  TempDir dir;
  const std::string img = dir / "ext.qcow2";
  Shell("qemu-img create -q -f qcow2 -o data_file=" + dir / "ext.data" + " " + img + " 4M");
  QemuIo(img, {"write -P 0x81 64k 1M", "write -z 2M 64k"});
  ExpectMatchesQemu(dir, img);
}

// What every cloud image is: `qemu-img convert -c`, with deflate (the default) or zstd.
TEST(ImageReader, Qcow2CompressedClustersDeflateAndZstd) {
  TempDir dir;
  const std::string plain = dir / "plain.qcow2";
  Shell("qemu-img create -q -f qcow2 " + plain + " 3M");
  QemuIo(plain, {"write -P 0x91 0 1M", "write -P 0x92 1100k 300k", "write -z 2M 64k",
                 "write -P 0x93 2500k 12k"});
  for (const std::string type : {"zlib", "zstd"}) {
    const std::string packed = dir / ("packed-" + type + ".qcow2");
    Shell("qemu-img convert -c -O qcow2 -o compression_type=" + type + " " + plain + " " + packed);
    ExpectMatchesQemu(dir, packed);
    // Compressed clusters under an overlay, and with small clusters.
    const std::string top = dir / ("top-" + type + ".qcow2");
    Shell("qemu-img create -q -f qcow2 -b " + packed + " -F qcow2 " + top);
    QemuIo(top, {"write -P 0x94 1M 64k"});
    ExpectMatchesQemu(dir, top);
    const std::string small = dir / ("small-" + type + ".qcow2");
    Shell("qemu-img convert -c -O qcow2 -o cluster_size=4k,compression_type=" + type + " " + plain +
          " " + small);
    ExpectMatchesQemu(dir, small);
  }
  const std::string v2 = dir / "v2.qcow2";
  Shell("qemu-img convert -c -O qcow2 -o compat=0.10 " + plain + " " + v2);
  ExpectMatchesQemu(dir, v2);
}

TEST(ImageReader, CorruptCompressedClusterIsAnErrorNamingTheOffset) {
  TempDir dir;
  const std::string plain = dir / "plain.qcow2", packed = dir / "packed.qcow2";
  Shell("qemu-img create -q -f qcow2 " + plain + " 1M");
  QemuIo(plain, {"write -P 0x91 0 64k"});
  Shell("qemu-img convert -c -O qcow2 " + plain + " " + packed);
  std::vector<uint8_t> bytes = testing::ReadWholeFile(packed);
  auto image = Image::Open(packed);
  ASSERT_TRUE(image.ok()) << image.status().message();
  // Overwrite the compressed bytes (the last data in the file) with garbage.
  const size_t end = bytes.size();
  size_t last = end;
  while (last > 0 && bytes[last - 1] == 0) --last;
  for (size_t i = last > 64 ? last - 64 : 0; i < last; ++i) bytes[i] = 0xff;
  {
    std::ofstream out(packed, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(end));
  }
  auto corrupt = Image::Open(packed);
  ASSERT_TRUE(corrupt.ok()) << corrupt.status().message();  // nothing is inflated at open
  std::vector<uint8_t> buffer(64 << 10);
  Status s = corrupt.value()->Read(0, buffer);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("packed.qcow2: offset 0x"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("compressed cluster"), std::string::npos) << s.message();
}

TEST(ImageReader, RawSkipsHoles) {
  TempDir dir;
  const std::string raw = dir / "disk.raw";
  Shell("qemu-img create -q -f raw " + raw + " 8M");
  QemuIo(raw, {"write -P 0xa1 1M 64k", "write -P 0xa2 6M 1M"}, "raw");
  ExpectMatchesQemu(dir, raw);
  auto image = Image::Open(raw);
  ASSERT_TRUE(image.ok());
  EXPECT_LT(image.value()->view().allocated_bytes(), 8u << 20);  // holes are not data
}

TEST(ImageReader, VmdkMonolithicSparseChain) {
  TempDir dir;
  const std::string base = dir / "base.vmdk", child = dir / "child.vmdk";
  Shell("qemu-img create -q -f vmdk " + base + " 8M");
  QemuIo(base, {"write -P 0xb1 0 2M", "write -P 0xb2 7M 1M"});
  Shell("qemu-img create -q -f vmdk -b base.vmdk -F vmdk " + child);
  QemuIo(child, {"write -P 0xb3 1M 2M", "write -P 0xb4 7936k 64k"});
  ExpectMatchesQemu(dir, child);
  auto image = Image::Open(child);
  ASSERT_TRUE(image.ok());
  EXPECT_EQ(image.value()->layers().size(), 2u);
}

TEST(ImageReader, VmdkTwoGbMaxExtentSparseAcrossExtents) {
  TempDir dir;
  const std::string img = dir / "split.vmdk";
  Shell("qemu-img create -q -f vmdk -o subformat=twoGbMaxExtentSparse " + img + " 4100M");
  QemuIo(img, {"write -P 0xc1 2047M 2M", "write -P 0xc2 4099M 1M"});
  const std::string raw = dir / "expected.raw";
  Shell("qemu-img convert -O raw '" + img + "' '" + raw + "'");
  auto image = Image::Open(img);
  ASSERT_TRUE(image.ok()) << image.status().message();
  ASSERT_EQ(image.value()->size_bytes(), uint64_t{4100} << 20);
  auto expected = Image::Open(raw);
  ASSERT_TRUE(expected.ok());
  for (uint64_t at :
       {uint64_t{2047} << 20, uint64_t{2048} << 20, uint64_t{4099} << 20, uint64_t{1} << 30}) {
    std::vector<uint8_t> a(1 << 20), b(1 << 20);
    ASSERT_TRUE(image.value()->Read(at, a).ok());
    ASSERT_TRUE(expected.value()->Read(at, b).ok());
    EXPECT_EQ(a, b) << "at " << at;
  }
}

TEST(ImageReader, VmdkMonolithicFlat) {
  TempDir dir;
  const std::string img = dir / "flat.vmdk";
  Shell("qemu-img create -q -f vmdk -o subformat=monolithicFlat " + img + " 4M");
  QemuIo(img, {"write -P 0xd1 1M 1M"});
  ExpectMatchesQemu(dir, img);
}

TEST(ImageReader, MissingAndCyclicBackingFilesAreErrors) {
  TempDir dir;
  const std::string a = dir / "a.qcow2", b = dir / "b.qcow2";
  Shell("qemu-img create -q -f qcow2 " + b + " 1M");
  Shell("qemu-img create -q -f qcow2 -b b.qcow2 -F qcow2 " + a);
  Shell("qemu-img rebase -u -b a.qcow2 -F qcow2 " + b);
  auto cyclic = Image::Open(a);
  ASSERT_FALSE(cyclic.ok());
  EXPECT_NE(cyclic.status().message().find("loops"), std::string::npos);
  Shell("qemu-img rebase -u -b gone.qcow2 -F qcow2 " + b);
  auto missing = Image::Open(a);
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("missing backing file"), std::string::npos);
}

}  // namespace
}  // namespace snapsim::merge
