// Readers on corrupt images: valid images made by qemu-img, then bytes of their headers
// and tables overwritten, or the file cut short. Opening must give an image or an error
// naming the file, and reading an opened image must stay in bounds (run under
// -DSNAPSIM_SANITIZE=ON to have ASan check that).
#include <fstream>
#include <memory>

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "merge/image.h"
#include "merge/testing_images.h"

namespace snapsim::merge {
namespace {

using testing::QemuIo;
using testing::Shell;
using testing::TempDir;

struct Seeds {
  TempDir dir;
  std::vector<std::pair<std::string, std::vector<uint8_t>>> images;  // name, bytes
};

const Seeds& ValidImages() {
  // Destroyed at exit, which removes the folder.
  static const std::unique_ptr<Seeds> seeds = [] {
    auto s = std::make_unique<Seeds>();
    const std::string q3 = s->dir / "v3.qcow2", q2 = s->dir / "v2.qcow2",
                      xl2 = s->dir / "xl2.qcow2";
    const std::string vmdk = s->dir / "sparse.vmdk";
    Shell("qemu-img create -q -f qcow2 -o cluster_size=4k " + q3 + " 1M");
    QemuIo(q3, {"write -P 0x11 0 64k", "write -z 128k 8k"});
    Shell("qemu-img snapshot -c snap " + q3);
    QemuIo(q3, {"write -P 0x12 512k 8k"});
    Shell("qemu-img create -q -f qcow2 -o compat=0.10,cluster_size=4k " + q2 + " 1M");
    QemuIo(q2, {"write -P 0x21 4k 32k"});
    Shell("qemu-img create -q -f qcow2 -o extended_l2=on,cluster_size=16k " + xl2 + " 1M");
    QemuIo(xl2, {"write -P 0x31 1k 3k", "write -z 64k 2k"});
    Shell("qemu-img create -q -f vmdk " + vmdk + " 1M");
    QemuIo(vmdk, {"write -P 0x41 0 64k"});
    for (const std::string& path : {q3, q2, xl2, vmdk}) {
      s->images.emplace_back(path, testing::ReadWholeFile(path));
    }
    return s;
  }();
  return *seeds;
}

void WriteFile(const std::string& path, const std::vector<uint8_t>& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
}

// Opens `path` (and PATH@snap) and reads up to 4 MiB of its allocated extents.
void OpenAndRead(const std::string& path) {
  for (const std::string& spec : {path, path + "@snap"}) {
    auto image = Image::Open(spec);
    if (!image.ok()) {
      RC_ASSERT(image.status().message().find(path) != std::string::npos);
      continue;
    }
    uint64_t budget = 4 << 20;
    std::vector<uint8_t> buffer;
    for (const Extent& e : image.value()->view().extents()) {
      const uint64_t n = std::min<uint64_t>(e.length, budget);
      if (n == 0) break;
      buffer.resize(n);
      RC_ASSERT(image.value()->Read(e.offset, buffer).ok());
      budget -= n;
    }
  }
}

RC_GTEST_PROP(ImageFuzz, CorruptHeadersAndTablesNeverCrash, ()) {
  const Seeds& seeds = ValidImages();
  const auto& [name, original] = seeds.images[*rc::gen::inRange<size_t>(0, seeds.images.size())];
  std::vector<uint8_t> bytes = original;
  // Most metadata sits in the first clusters; hit it more often than the data.
  const size_t hot = std::min<size_t>(bytes.size(), 72 * 1024);
  const auto edits = *rc::gen::nonEmpty(rc::gen::container<std::vector<std::pair<size_t, uint8_t>>>(
      rc::gen::pair(rc::gen::inRange<size_t>(0, hot), rc::gen::arbitrary<uint8_t>())));
  for (const auto& [at, value] : edits) bytes[at] = value;
  if (*rc::gen::weightedElement<bool>({{1, true}, {4, false}})) {
    bytes.resize(*rc::gen::inRange<size_t>(0, bytes.size()));
  }
  TempDir dir;
  // Same base name: a vmdk's descriptor names its own file.
  const std::string path = dir / std::filesystem::path(name).filename().string();
  WriteFile(path, bytes);
  OpenAndRead(path);
}

TEST(ImageFuzz, TheSeedImagesOpen) {
  for (const auto& [name, bytes] : ValidImages().images) {
    auto image = Image::Open(name);
    EXPECT_TRUE(image.ok()) << image.status().message();
  }
}

TEST(ImageFuzz, TruncatedL1TableNamesTheOffset) {
  const auto& [name, bytes] = ValidImages().images[0];
  TempDir dir;
  std::vector<uint8_t> cut(bytes.begin(), bytes.begin() + 4096);  // header cluster only
  WriteFile(dir / "cut.qcow2", cut);
  auto image = Image::Open(dir / "cut.qcow2");
  ASSERT_FALSE(image.ok());
  EXPECT_NE(image.status().message().find("cut.qcow2: offset 0x"), std::string::npos)
      << image.status().message();
  EXPECT_NE(image.status().message().find("past the end"), std::string::npos);
}

}  // namespace
}  // namespace snapsim::merge
