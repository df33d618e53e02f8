// Format detection from magic numbers. The formats the readers implement (qcow2, vmdk,
// raw) are recognised, and so are the other formats QEMU knows, which are refused by
// name with the command that converts them, rather than read as raw. A stated format
// (-f) must agree with the magic.
#include <cstring>
#include <string_view>

#include <fmt/format.h>

#include "merge/image_format.h"

namespace snapsim::merge {
namespace {

constexpr size_t kProbeBytes = 4096;

struct Magic {
  std::string_view name;      // "qcow2", "vmdk", or a foreign format's name
  std::string_view qemu_fmt;  // qemu-img's name for it, for the hint
  bool supported;
};

// Magics at offset 0, from each format's public description.
struct Prefix {
  std::string_view bytes;
  Magic magic;
};
constexpr Prefix kPrefixes[] = {
    {std::string_view("KDMV", 4), {"vmdk", "vmdk", true}},
    {"# Disk DescriptorFile", {"vmdk", "vmdk", true}},
    {"COWD", {"VMware ESX COWD sparse (vmdk)", "vmdk", false}},
    {"vhdxfile", {"VHDX", "vhdx", false}},
    {"conectix", {"VHD (vpc)", "vpc", false}},
    {std::string_view("QED\0", 4), {"QED", "qed", false}},
    {std::string_view("LUKS\xba\xbe", 6), {"LUKS", "luks", false}},
    {"WithoutFreeSpace", {"Parallels", "parallels", false}},
    {"WithouFreSpacExt", {"Parallels", "parallels", false}},
    {"Bochs Virtual HD Image", {"Bochs", "bochs", false}},
    {"#!/bin/sh\n#V2.0 Format\n", {"cloop", "cloop", false}},
};

struct Probe {
  const Magic* magic = nullptr;  // null: no magic known
  bool text = false;             // the first bytes look like a text file
  bool descriptor_like = false;  // ... and like a vmdk descriptor
};

// Printable ASCII with line breaks and words: a disk filled with one byte, or with
// spaces and newlines, is not taken for text.
bool LooksLikeText(std::span<const uint8_t> head) {
  if (head.size() < 8) return false;
  bool newline = false;
  size_t letters = 0;
  bool seen[128] = {};
  size_t distinct = 0;
  for (uint8_t c : head) {
    if (!(c == '\n' || c == '\r' || c == '\t' || (c >= 0x20 && c < 0x7f))) return false;
    if (c == '\n') newline = true;
    if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') ++letters;
    if (!seen[c]) seen[c] = true, ++distinct;
  }
  return newline && distinct >= 4 && letters * 4 >= head.size();
}

Result<Probe> Classify(const ImageFile& file) {
  static constexpr Magic kQcow2{"qcow2", "qcow2", true};
  static constexpr Magic kQcow1{"qcow (version 1)", "qcow", false};
  static constexpr Magic kVdi{"VDI (VirtualBox)", "vdi", false};
  static constexpr Magic kVhdFixed{"VHD (vpc, fixed)", "vpc", false};
  static constexpr Magic kDmg{"DMG", "dmg", false};
  uint8_t head[kProbeBytes] = {};
  const size_t n = static_cast<size_t>(std::min<uint64_t>(sizeof(head), file.size_bytes()));
  if (Status s = file.ReadExact(0, std::span(head, n), "format probe"); !s.ok()) return s;
  Probe probe;
  if (n >= 8 && LoadBe32(head) == 0x514649fb) {  // "QFI\xfb"
    probe.magic = LoadBe32(head + 4) == 1 ? &kQcow1 : &kQcow2;
    return probe;
  }
  for (const Prefix& p : kPrefixes) {
    if (n >= p.bytes.size() && std::memcmp(head, p.bytes.data(), p.bytes.size()) == 0) {
      probe.magic = &p.magic;
      return probe;
    }
  }
  if (n >= 0x44 && LoadLe32(head + 0x40) == 0xbeda107f) {  // VDI signature
    probe.magic = &kVdi;
    return probe;
  }
  // Formats whose magic is in a footer: fixed VHD ("conectix"), DMG ("koly").
  if (file.size_bytes() >= 512) {
    uint8_t tail[8];
    if (Status s = file.ReadExact(file.size_bytes() - 512, tail, "format probe"); !s.ok()) return s;
    if (std::memcmp(tail, "conectix", 8) == 0) probe.magic = &kVhdFixed;
    if (std::memcmp(tail, "koly", 4) == 0) probe.magic = &kDmg;
    if (probe.magic) return probe;
  }
  probe.text = LooksLikeText(std::span(head, n));
  if (probe.text) {
    const std::string_view text(reinterpret_cast<const char*>(head), n);
    probe.descriptor_like = text.find("createType") != std::string_view::npos ||
                            text.find("# Extent description") != std::string_view::npos;
  }
  return probe;
}

Status Refuse(const ImageFile& file, const Magic& magic) {
  return Unsupported(file.path(),
                     fmt::format("{} image; snapsim reads qcow2, vmdk and raw: convert it with "
                                 "`qemu-img convert -f {} -O qcow2 {} OUT.qcow2`",
                                 magic.name, magic.qemu_fmt, file.path()));
}

}  // namespace

Result<std::string> DetectFormat(const ImageFile& file, const std::string& stated) {
  auto probed = Classify(file);
  if (!probed.ok()) return probed.status();
  const Probe& p = probed.value();
  if (!stated.empty() && stated != "qcow2" && stated != "vmdk" && stated != "raw") {
    return Unsupported(file.path(),
                       fmt::format("format '{}' (snapsim reads qcow2, vmdk and raw)", stated));
  }
  if (p.magic) {
    if (!p.magic->supported) {
      if (stated.empty()) return Refuse(file, *p.magic);
      return ImageError(file.path(), 0,
                        fmt::format("stated format {} does not match the magic: "
                                    "this is a {} image",
                                    stated, p.magic->name));
    }
    if (!stated.empty() && stated != p.magic->name) {
      return ImageError(file.path(), 0,
                        fmt::format("stated format {} does not match the magic: "
                                    "this is a {} image",
                                    stated, p.magic->name));
    }
    return std::string(p.magic->name);
  }
  if (stated == "raw") return stated;
  if (stated == "vmdk" && p.text) return stated;  // a descriptor without its header line
  if (!stated.empty()) {
    return ImageError(file.path(), 0,
                      fmt::format("stated format {} does not match the file: it has no {} magic",
                                  stated, stated));
  }
  if (p.descriptor_like) {
    return ImageError(file.path(), 0,
                      "looks like a vmdk descriptor without its '# Disk DescriptorFile' line; "
                      "state -f vmdk to read it as one");
  }
  if (p.text) {
    return ImageError(file.path(), 0,
                      "looks like a text file, not a disk image; state -f raw "
                      "to read it as a raw image anyway");
  }
  return std::string("raw");
}

Result<std::string> ProbeFormat(const ImageFile& file) { return DetectFormat(file, ""); }

}  // namespace snapsim::merge
