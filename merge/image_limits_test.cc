// Regression tests for the structural limits of the readers, each built from the
// description of a failure that was reported: images crafted byte by byte that once
// made the readers allocate without bound, read outside a mapping, wrap a size, or hang.
// Each must now give an error naming the image and an offset, quickly.
#include <sys/stat.h>

#include <chrono>
#include <fstream>

#include <gtest/gtest.h>

#include "merge/compare.h"
#include "merge/image.h"
#include "merge/testing_images.h"

namespace snapsim::merge {
namespace {

using testing::Shell;
using testing::TempDir;

void PutBe32(std::vector<uint8_t>& b, size_t at, uint32_t v) {
  for (int i = 0; i < 4; ++i) b[at + i] = static_cast<uint8_t>(v >> (24 - 8 * i));
}
void PutBe64(std::vector<uint8_t>& b, size_t at, uint64_t v) {
  PutBe32(b, at, static_cast<uint32_t>(v >> 32));
  PutBe32(b, at + 4, static_cast<uint32_t>(v));
}
void PutLe32(std::vector<uint8_t>& b, size_t at, uint32_t v) {
  for (int i = 0; i < 4; ++i) b[at + i] = static_cast<uint8_t>(v >> (8 * i));
}
void PutLe64(std::vector<uint8_t>& b, size_t at, uint64_t v) {
  PutLe32(b, at, static_cast<uint32_t>(v));
  PutLe32(b, at + 4, static_cast<uint32_t>(v >> 32));
}
void WriteFile(const std::string& path, const std::vector<uint8_t>& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
}
void WriteText(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::trunc) << text;
}

// Opening must fail fast, naming the file (`named`, or the one opened) and an offset,
// with `needle` in the message.
void ExpectBadInput(const std::string& path, const std::string& needle,
                    const std::string& named = "") {
  const auto start = std::chrono::steady_clock::now();
  auto image = Image::Open(path);
  const auto took = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(image.ok()) << path << " opened";
  const std::string& message = image.status().message();
  EXPECT_EQ(image.status().fault(), Fault::kBadInput) << message;
  EXPECT_NE(message.find(named.empty() ? path : named), std::string::npos) << message;
  EXPECT_NE(message.find("offset 0x"), std::string::npos) << message;
  EXPECT_NE(message.find(needle), std::string::npos) << message;
  EXPECT_LT(took, std::chrono::seconds(2)) << message;
}

// "a small qcow2 whose one cluster serves as its L1 table, every L2 table and every data
// cluster makes `snapsim image map` allocate until std::bad_alloc from a 196 KiB file"
TEST(ImageLimits, Qcow2ClusterThatIsL1AndEveryL2AndEveryDataCluster) {
  TempDir dir;
  constexpr uint64_t kCluster = 64 << 10, kShared = 2 * kCluster;
  std::vector<uint8_t> b(3 * kCluster, 0);  // 196 KiB: header, refcount table, the one
  PutBe32(b, 0, 0x514649fb);
  PutBe32(b, 4, 3);
  PutBe32(b, 20, 16);                                // cluster_bits
  PutBe64(b, 24, uint64_t{8192} * 8192 * kCluster);  // every entry of every table used
  PutBe32(b, 36, 8192);                              // l1_size: one cluster of entries
  PutBe64(b, 40, kShared);                           // L1 table
  PutBe64(b, 48, kCluster);                          // refcount table
  PutBe32(b, 56, 1);
  PutBe32(b, 96, 4);     // refcount_order
  PutBe32(b, 100, 104);  // header_length
  for (uint64_t i = 0; i < kCluster / 8; ++i) PutBe64(b, kShared + i * 8, kShared | 1ull << 63);
  const std::string path = dir / "shared.qcow2";
  WriteFile(path, b);
  ExpectBadInput(path, "overlaps the L1 table");
}

// The same cluster as the L2 table of two L1 entries, but not the L1 table itself.
TEST(ImageLimits, Qcow2L2TableUsedTwice) {
  TempDir dir;
  const std::string path = dir / "twice.qcow2";
  Shell("qemu-img create -q -f qcow2 " + path + " 2G");
  Shell("qemu-io -c 'write 0 64k' -c 'write 1G 64k' " + path);
  std::vector<uint8_t> b = testing::ReadWholeFile(path);
  const uint64_t l1 = uint64_t{b[40]} << 56 | uint64_t{b[41]} << 48 | uint64_t{b[42]} << 40 |
                      uint64_t{b[43]} << 32 | uint64_t{b[44]} << 24 | uint64_t{b[45]} << 16 |
                      uint64_t{b[46]} << 8 | b[47];
  std::copy_n(b.begin() + static_cast<ptrdiff_t>(l1), 8,
              b.begin() + static_cast<ptrdiff_t>(l1 + 8 * 2));
  WriteFile(path, b);
  ExpectBadInput(path, "overlaps the L2 table");
}

// A hosted sparse vmdk: header, embedded descriptor, grain directory, one grain table.
std::vector<uint8_t> SparseVmdk(const std::string& name, uint64_t gd_entries) {
  constexpr uint64_t kGtes = 65536, kGrain = 1;  // one-sector grains, 256 KiB tables
  const uint64_t capacity = gd_entries * kGtes * kGrain;
  const uint64_t gd_sector = 8, gt_sector = gd_sector + (gd_entries * 4 + 511) / 512;
  const uint64_t grain_sector = gt_sector + kGtes * 4 / 512;
  std::vector<uint8_t> b((grain_sector + 1) * 512, 0);
  PutLe32(b, 0, 0x564d444b);
  PutLe32(b, 4, 1);
  PutLe32(b, 8, 3);
  PutLe64(b, 12, capacity);
  PutLe64(b, 20, kGrain);
  PutLe64(b, 28, 1);  // descriptor at sector 1
  PutLe64(b, 36, 7);
  PutLe32(b, 44, kGtes);
  PutLe64(b, 56, gd_sector);
  const std::string descriptor =
      "# Disk DescriptorFile\nversion=1\nCID=1\nparentCID=ffffffff\n"
      "createType=\"monolithicSparse\"\nRW " +
      std::to_string(capacity) + " SPARSE \"" + name + "\"\n";
  std::copy(descriptor.begin(), descriptor.end(), b.begin() + 512);
  for (uint64_t i = 0; i < gd_entries; ++i) PutLe32(b, gd_sector * 512 + i * 4, gt_sector);
  for (uint64_t j = 0; j < kGtes; ++j) PutLe32(b, gt_sector * 512 + j * 4, grain_sector);
  return b;
}

// "a vmdk whose grain tables all point at one grain does the same"
TEST(ImageLimits, VmdkGrainTablesAllPointingAtOneGrain) {
  TempDir dir;
  const std::string path = dir / "one-grain.vmdk";
  WriteFile(path, SparseVmdk("one-grain.vmdk", 16384));  // 2^30 grain entries, 320 KiB file
  ExpectBadInput(path, "overlaps the grain table");
}

// One grain table, each of its entries naming the same grain: bounded extents, but a
// comparison would read the grain 65536 times; a grain mapped twice is corruption.
TEST(ImageLimits, VmdkOneGrainTableWhoseEntriesAllNameOneGrain) {
  TempDir dir;
  const std::string path = dir / "one-table.vmdk";
  WriteFile(path, SparseVmdk("one-table.vmdk", 1));
  ExpectBadInput(path, "overlaps a grain mapped before");
}

// The qcow2 form: distinct L2 tables whose entries all name one data cluster.
TEST(ImageLimits, Qcow2DataClusterMappedTwice) {
  TempDir dir;
  const std::string path = dir / "dup.qcow2";
  Shell("qemu-img create -q -f qcow2 " + path + " 1M");
  Shell("qemu-io -c 'write 0 64k' -c 'write 64k 64k' " + path);
  std::vector<uint8_t> b = testing::ReadWholeFile(path);
  // The L2 table follows the L1 table; copy its first entry over its second.
  const uint64_t l1 = uint64_t{b[44]} << 24 | uint64_t{b[45]} << 16 | uint64_t{b[46]} << 8 | b[47];
  const uint64_t l2 = (uint64_t{b[l1 + 4]} << 24 | uint64_t{b[l1 + 5]} << 16 |
                       uint64_t{b[l1 + 6]} << 8 | b[l1 + 7]) &
                      ~uint64_t{0x1ff};
  std::copy_n(b.begin() + static_cast<ptrdiff_t>(l2), 8,
              b.begin() + static_cast<ptrdiff_t>(l2 + 8));
  WriteFile(path, b);
  ExpectBadInput(path, "is mapped twice");
}

// Compressed clusters may share a host cluster (qemu packs them), but not their bytes.
TEST(ImageLimits, Qcow2CompressedClusterMappedTwice) {
  TempDir dir;
  const std::string plain = dir / "plain.qcow2", path = dir / "dup.qcow2";
  Shell("qemu-img create -q -f qcow2 " + plain + " 1M");
  Shell("qemu-io -c 'write -P 1 0 64k' -c 'write -P 2 64k 64k' " + plain);
  Shell("qemu-img convert -c -O qcow2 " + plain + " " + path);
  ASSERT_TRUE(Image::Open(path).ok());  // two compressed clusters sharing a host cluster
  std::vector<uint8_t> b = testing::ReadWholeFile(path);
  const uint64_t l1 = uint64_t{b[44]} << 24 | uint64_t{b[45]} << 16 | uint64_t{b[46]} << 8 | b[47];
  const uint64_t l2 = (uint64_t{b[l1 + 4]} << 24 | uint64_t{b[l1 + 5]} << 16 |
                       uint64_t{b[l1 + 6]} << 8 | b[l1 + 7]) &
                      ~uint64_t{0x1ff};
  std::copy_n(b.begin() + static_cast<ptrdiff_t>(l2), 8,
              b.begin() + static_cast<ptrdiff_t>(l2 + 8));
  WriteFile(path, b);
  ExpectBadInput(path, "overlaps the compressed cluster");
}

// "a vmdk FLAT extent with an offset near 2^64 makes `image compare` read outside its
// mapping and segfault (the bounds check `at + n <= size` wraps)"
TEST(ImageLimits, VmdkFlatExtentOffsetNear2To64) {
  TempDir dir;
  WriteFile(dir / "flat.bin", std::vector<uint8_t>(1 << 20, 0x5a));
  const std::string path = dir / "far.vmdk";
  WriteText(path,
            "# Disk DescriptorFile\nversion=1\nCID=1\nparentCID=ffffffff\n"
            "createType=\"monolithicFlat\"\nRW 2048 FLAT \"flat.bin\" 36028797018963967\n");
  ExpectBadInput(path, "FLAT extent at sector 36028797018963967", dir / "flat.bin");
}

// The comparison itself, given such an extent by any source, stays inside the mapping.
class FarSource : public ContentSource {
 public:
  explicit FarSource(const Image& image) : image_(image), map_(4096) {
    map_.Append(0, 4096, ImageSource{0, UINT64_MAX - 100});
  }
  std::string name() const override { return "far"; }
  uint64_t size_bytes() const override { return 4096; }
  const ExtentMap& view() const override { return map_; }
  Status Read(uint64_t offset, std::span<uint8_t> out) const override {
    return image_.files().file(0).ReadData(UINT64_MAX - 100 + offset, out);
  }
  const ImageFile* File(uint32_t id) const override { return &image_.files().file(id); }

 private:
  const Image& image_;
  ExtentMap map_;
};

TEST(ImageLimits, CompareBoundsCheckDoesNotWrap) {
  TempDir dir;
  WriteFile(dir / "data.raw", std::vector<uint8_t>(1 << 20, 0x5a));
  auto image = Image::Open(dir / "data.raw");
  ASSERT_TRUE(image.ok());
  auto result = Compare(FarSource(*image.value()), PredictedContent("zeros", ExtentMap(4096)));
  ASSERT_TRUE(result.ok()) << result.status().message();
  EXPECT_TRUE(result->same());  // past the end of the file: zeros, not process memory
}

// "vmdk extent sizes that add up past 2^64 wrap the virtual size, and `image compare`
// then calls two different images identical"
TEST(ImageLimits, VmdkExtentSizesAddingUpPast2To64) {
  TempDir dir;
  std::string text =
      "# Disk DescriptorFile\nversion=1\nCID=1\nparentCID=ffffffff\n"
      "createType=\"monolithicFlat\"\n";
  for (int i = 0; i < 32768; ++i) text += "RW 1099511627776 ZERO\n";  // 2^15 x 2^49 bytes
  text += "RW 2048 FLAT \"data.bin\" 0\n";
  WriteFile(dir / "data.bin", std::vector<uint8_t>(1 << 20, 0x5a));
  const std::string path = dir / "wrap.vmdk";
  WriteText(path, text);
  ExpectBadInput(path, "extents add up to more than");
}

// "A FIFO as an image or as a backing file makes `image map` hang forever in open()."
TEST(ImageLimits, FifoAsImageOrBackingFileIsRefusedWithoutBlocking) {
  TempDir dir;
  const std::string fifo = dir / "pipe";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  auto image = Image::Open(fifo);
  ASSERT_FALSE(image.ok());
  EXPECT_NE(image.status().message().find("a FIFO"), std::string::npos) << image.status().message();
  const std::string top = dir / "top.qcow2";
  Shell("qemu-img create -q -f qcow2 -u -b pipe -F raw " + top + " 1M");
  auto overlay = Image::Open(top);
  ASSERT_FALSE(overlay.ok());
  EXPECT_NE(overlay.status().message().find("a FIFO"), std::string::npos)
      << overlay.status().message();
  EXPECT_NE(overlay.status().message().find(top), std::string::npos);
}

}  // namespace
}  // namespace snapsim::merge
