// merge::BlockStatus against `qemu-img map --output=json` on the same images: the same
// rows (start, length, depth, present, zero, data, and the file offset of data), for
// every layout the readers know.
#include <algorithm>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "merge/block_status.h"
#include "merge/image.h"
#include "merge/testing_images.h"

namespace snapsim::merge {
namespace {

using testing::QemuIo;
using testing::Shell;
using testing::TempDir;

std::string Describe(const BlockStatusRow& r) {
  return "{start " + std::to_string(r.start) + ", length " + std::to_string(r.length) + ", depth " +
         std::to_string(r.depth) + ", present " + std::to_string(r.present) + ", zero " +
         std::to_string(r.zero) + ", data " + std::to_string(r.data) +
         (r.offset && r.data ? ", offset " + std::to_string(*r.offset) : "") + "}";
}

// Rows from qemu-img's JSON, offsets kept for data only (qemu also gives them for some
// zero ranges, which the readers do not keep).
std::vector<std::string> QemuRows(const std::string& path) {
  const auto rows = nlohmann::json::parse(Shell("qemu-img map --output=json '" + path + "'"));
  std::vector<std::string> out;
  for (const auto& j : rows) {
    BlockStatusRow r;
    r.start = j["start"];
    r.length = j["length"];
    r.depth = j["depth"];
    r.present = j.value("present", true);
    r.zero = j["zero"];
    r.data = j["data"];
    if (j.contains("offset")) r.offset = j["offset"].get<uint64_t>();
    out.push_back(Describe(r));
  }
  return out;
}

void ExpectSameMap(const std::string& path) {
  auto image = Image::Open(path);
  ASSERT_TRUE(image.ok()) << image.status().message();
  std::vector<std::string> ours;
  for (const BlockStatusRow& r : BlockStatus(*image.value())) ours.push_back(Describe(r));
  EXPECT_EQ(ours, QemuRows(path)) << path;
}

TEST(QemuAgreement, Qcow2ChainWithZerosDiscardsAndALargerTop) {
  TempDir dir;
  const std::string base = dir / "base.qcow2", mid = dir / "mid.qcow2", top = dir / "top.qcow2";
  Shell("qemu-img create -q -f qcow2 " + base + " 4M");
  QemuIo(base, {"write -P 0x11 0 1M", "write -z 2M 128k", "write -P 0x12 3M 64k"});
  Shell("qemu-img create -q -f qcow2 -b base.qcow2 -F qcow2 " + mid);
  QemuIo(mid, {"write -P 0x21 512k 256k", "write -z 3M 64k", "discard 0 64k"});
  Shell("qemu-img create -q -f qcow2 -b mid.qcow2 -F qcow2 " + top + " 6M");
  QemuIo(top, {"write -P 0x31 1M 64k", "write -P 0x32 5M 64k", "write -z -u 2M 64k"});
  ExpectSameMap(top);
  ExpectSameMap(mid);
  ExpectSameMap(base);
}

// Past the end of a backing file an overlay reads zeros, whatever lies deeper.
TEST(QemuAgreement, DataDeeperThanASmallerBackingFileIsHidden) {
  TempDir dir;
  const std::string base = dir / "base.qcow2", mid = dir / "mid.qcow2", top = dir / "top.qcow2";
  Shell("qemu-img create -q -f qcow2 " + base + " 8M");
  QemuIo(base, {"write -P 0x07 6M 64k", "write -P 0x08 1M 64k"});
  Shell("qemu-img create -q -f qcow2 -b base.qcow2 -F qcow2 " + mid + " 4M");
  Shell("qemu-img create -q -f qcow2 -b mid.qcow2 -F qcow2 " + top + " 8M");
  ExpectSameMap(top);
  auto image = Image::Open(top);
  ASSERT_TRUE(image.ok());
  std::vector<uint8_t> bytes(64 << 10);
  ASSERT_TRUE(image.value()->Read(6 << 20, bytes).ok());
  EXPECT_EQ(std::count(bytes.begin(), bytes.end(), 0), 64 << 10);
  ASSERT_TRUE(image.value()->Read(1 << 20, bytes).ok());
  EXPECT_EQ(bytes[0], 0x08);
}

TEST(QemuAgreement, Qcow2OverRawBase) {
  TempDir dir;
  const std::string raw = dir / "base.raw", top = dir / "top.qcow2";
  Shell("qemu-img create -q -f raw " + raw + " 2M");
  QemuIo(raw, {"write -P 0x41 64k 64k", "write -P 0x42 1M 4k"}, "raw");
  Shell("qemu-img create -q -f qcow2 -b base.raw -F raw " + top);
  QemuIo(top, {"write -P 0x43 1M 64k"});
  ExpectSameMap(top);
  ExpectSameMap(raw);
}

TEST(QemuAgreement, Qcow2V2SmallClustersExtendedL2AndDataFile) {
  TempDir dir;
  const std::string v2 = dir / "v2.qcow2", xl2 = dir / "xl2.qcow2", ext = dir / "ext.qcow2";
  Shell("qemu-img create -q -f qcow2 -o compat=0.10,cluster_size=4k " + v2 + " 1M");
  QemuIo(v2, {"write -P 0x51 4k 12k", "write -P 0x52 512k 4k"});
  ExpectSameMap(v2);
  Shell("qemu-img create -q -f qcow2 -o extended_l2=on,cluster_size=64k " + xl2 + " 1M");
  QemuIo(xl2, {"write -P 0x61 2k 2k", "write -z 64k 4k", "write -P 0x62 128k 64k"});
  ExpectSameMap(xl2);
  Shell("qemu-img create -q -f qcow2 -o data_file=" + dir / "ext.data" + " " + ext + " 2M");
  QemuIo(ext, {"write -P 0x71 64k 128k", "write -z 1M 64k"});
  ExpectSameMap(ext);
}

TEST(QemuAgreement, CompressedQcow2) {
  TempDir dir;
  const std::string plain = dir / "plain.qcow2";
  Shell("qemu-img create -q -f qcow2 " + plain + " 2M");
  QemuIo(plain, {"write -P 0xa1 0 256k", "write -z 512k 64k", "write -P 0xa2 1M 64k"});
  for (const std::string type : {"zlib", "zstd"}) {
    const std::string packed = dir / (type + ".qcow2"), top = dir / (type + "-top.qcow2");
    Shell("qemu-img convert -c -O qcow2 -o compression_type=" + type + " " + plain + " " + packed);
    ExpectSameMap(packed);
    Shell("qemu-img create -q -f qcow2 -b " + packed + " -F qcow2 " + top);
    QemuIo(top, {"write -P 0xa3 64k 64k"});
    ExpectSameMap(top);
  }
}

TEST(QemuAgreement, VmdkSubformats) {
  TempDir dir;
  for (const std::string sub :
       {"monolithicSparse", "monolithicFlat", "twoGbMaxExtentSparse", "twoGbMaxExtentFlat"}) {
    const std::string img = dir / (sub + ".vmdk");
    Shell("qemu-img create -q -f vmdk -o subformat=" + sub + " " + img + " 8M");
    QemuIo(img, {"write -P 0x81 0 64k", "write -P 0x82 4M 1M"});
    ExpectSameMap(img);
  }
  const std::string zeroed = dir / "zeroed.vmdk", child = dir / "child.vmdk";
  Shell("qemu-img create -q -f vmdk -o zeroed_grain=on " + zeroed + " 4M");
  QemuIo(zeroed, {"write -P 0x91 0 64k", "write -z 1M 128k"});
  ExpectSameMap(zeroed);
  Shell("qemu-img create -q -f vmdk -b zeroed.vmdk -F vmdk " + child);
  QemuIo(child, {"write -P 0x92 64k 64k"});
  ExpectSameMap(child);
}

}  // namespace
}  // namespace snapsim::merge
