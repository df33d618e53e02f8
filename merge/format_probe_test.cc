// Format detection: the formats read, the formats QEMU knows that are refused by name
// with a conversion hint, text files, and formats stated with -f that must agree with
// the magic. Images are made by qemu-img.
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "merge/image.h"
#include "merge/testing_images.h"

namespace snapsim::merge {
namespace {

using testing::Shell;
using testing::TempDir;

struct Foreign {
  const char* qemu_format;
  const char* options;
  const char* name;  // in the refusal
};

TEST(FormatProbe, KnownForeignFormatsAreRefusedByNameWithAHint) {
  TempDir dir;
  const Foreign formats[] = {
      {"vdi", "", "VDI"},
      {"vpc", "", "VHD"},
      {"vpc", "-o subformat=fixed", "VHD"},
      {"vhdx", "", "VHDX"},
      {"qed", "", "QED"},
      {"qcow", "", "qcow (version 1)"},
      {"parallels", "", "Parallels"},
      {"luks", "--object secret,id=k,data=x -o key-secret=k,iter-time=50", "LUKS"},
      {"vmdk", "-o subformat=streamOptimized", "streamOptimized"},
  };
  int n = 0;
  for (const Foreign& f : formats) {
    const std::string path = dir / ("image" + std::to_string(n++) + "." + f.qemu_format);
    const std::string create = std::string("qemu-img create -q -f ") + f.qemu_format + " " +
                               f.options + " " + path + " 1M";
    // LUKS times its key derivation; on a loaded machine qemu-img can fail to ("Unable to
    // get accurate CPU usage"). Try again a few times before failing.
    for (int attempt = 1; attempt < 4 && std::system((create + " 2>/dev/null").c_str()) != 0;
         ++attempt) {
    }
    if (!std::filesystem::exists(path)) Shell(create);
    auto image = Image::Open(path);
    ASSERT_FALSE(image.ok()) << path << " opened";
    const std::string& message = image.status().message();
    EXPECT_EQ(image.status().fault(), Fault::kUnsupported) << message;
    EXPECT_NE(message.find(path), std::string::npos) << message;
    EXPECT_NE(message.find(f.name), std::string::npos) << message;
    EXPECT_NE(message.find("qemu-img convert"), std::string::npos) << message;
    EXPECT_NE(message.find("-O qcow2"), std::string::npos) << message;
    // Stating a format does not make it readable.
    auto stated = Image::Open(path, OpenOptions{"raw"});
    ASSERT_FALSE(stated.ok());
    EXPECT_NE(stated.status().message().find("does not match"), std::string::npos)
        << stated.status().message();
  }
}

TEST(FormatProbe, TextFilesAreRefusedUnlessStatedRaw) {
  TempDir dir;
  const std::string text = dir / "notes.txt", descriptor = dir / "bare.vmdk";
  std::ofstream(text) << "this is not a disk image\nat all\n";
  auto image = Image::Open(text);
  ASSERT_FALSE(image.ok());
  EXPECT_NE(image.status().message().find("text file"), std::string::npos);
  EXPECT_NE(image.status().message().find(text), std::string::npos);
  auto raw = Image::Open(text, OpenOptions{"raw"});
  ASSERT_TRUE(raw.ok()) << raw.status().message();
  EXPECT_EQ(raw.value()->size_bytes(), 32u);
  EXPECT_FALSE(raw.value()->layers().back().probed);
  // A vmdk descriptor without its first line: the hint says -f vmdk.
  Shell("qemu-img create -q -f vmdk -o subformat=monolithicFlat " + descriptor + " 1M");
  Shell("sed -i 1d " + descriptor);
  auto bare = Image::Open(descriptor);
  ASSERT_FALSE(bare.ok());
  EXPECT_NE(bare.status().message().find("-f vmdk"), std::string::npos) << bare.status().message();
  auto stated = Image::Open(descriptor, OpenOptions{"vmdk"});
  ASSERT_TRUE(stated.ok()) << stated.status().message();
  EXPECT_EQ(stated.value()->size_bytes(), 1u << 20);
}

// Disks the scenarios write (a fill of 0x0a or 0x09 at offset 0) are not text files.
TEST(FormatProbe, OneByteFillsAndWhitespaceAreNotText) {
  TempDir dir;
  for (const char fill : {'\n', '\t', 'A', ' '}) {
    const std::string path = dir / "fill.raw";
    std::ofstream(path, std::ios::trunc) << std::string(4096, fill) << std::string(4096, '\n');
    auto image = Image::Open(path);
    ASSERT_TRUE(image.ok()) << int{fill} << ": " << image.status().message();
    EXPECT_EQ(image.value()->layers().back().format, "raw");
  }
}

TEST(FormatProbe, StatedFormatMustMatchTheMagic) {
  TempDir dir;
  const std::string q = dir / "a.qcow2", v = dir / "a.vmdk", r = dir / "a.raw";
  Shell("qemu-img create -q -f qcow2 " + q + " 1M");
  Shell("qemu-img create -q -f vmdk " + v + " 1M");
  Shell("qemu-img create -q -f raw " + r + " 1M");
  EXPECT_TRUE(Image::Open(q, OpenOptions{"qcow2"}).ok());
  EXPECT_TRUE(Image::Open(v, OpenOptions{"vmdk"}).ok());
  EXPECT_TRUE(Image::Open(r, OpenOptions{"raw"}).ok());
  for (const auto& [path, format] : std::vector<std::pair<std::string, std::string>>{
           {q, "raw"}, {q, "vmdk"}, {v, "qcow2"}, {r, "qcow2"}, {r, "vmdk"}}) {
    auto image = Image::Open(path, OpenOptions{format});
    ASSERT_FALSE(image.ok()) << path << " as " << format;
    EXPECT_EQ(image.status().fault(), Fault::kBadInput);
    EXPECT_NE(image.status().message().find("stated format " + format), std::string::npos)
        << image.status().message();
  }
  auto unknown = Image::Open(q, OpenOptions{"vdi"});
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.status().fault(), Fault::kUnsupported);
  auto probed = Image::Open(r);
  ASSERT_TRUE(probed.ok());
  EXPECT_TRUE(probed.value()->layers().back().probed);
}

TEST(FormatProbe, BackingFormatNamedByTheOverlayIsTrusted) {
  TempDir dir;
  const std::string base = dir / "base.vdi", top = dir / "top.qcow2";
  Shell("qemu-img create -q -f vdi " + base + " 1M");
  Shell("qemu-img create -q -f qcow2 -b base.vdi -F vdi " + top);
  auto image = Image::Open(top);
  ASSERT_FALSE(image.ok());
  EXPECT_NE(image.status().message().find("format 'vdi'"), std::string::npos)
      << image.status().message();
  EXPECT_NE(image.status().message().find("qemu-img convert"), std::string::npos);
}

}  // namespace
}  // namespace snapsim::merge
