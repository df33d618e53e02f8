// VMDK layers from VMware's public "Virtual Disk Format 5.0" description: the text
// descriptor (extents, parentFileNameHint), hosted sparse extents (grain directory and
// grain tables, zeroed-grain entries) and flat extents. Covers monolithicSparse,
// twoGbMaxExtentSparse, monolithicFlat and twoGbMaxExtentFlat, with parent chains.
#include <map>
#include <optional>
#include <set>
#include <sstream>

#include <fmt/format.h>

#include "merge/checked_math.h"
#include "merge/image_format.h"
#include "merge/metadata_ranges.h"

namespace snapsim::merge {
namespace {

constexpr uint32_t kSparseMagic = 0x564d444b;  // "KDMV" little-endian
constexpr uint64_t kSector = 512;
constexpr uint32_t kFlagZeroedGrainEntries = 1u << 2;
constexpr uint32_t kFlagCompressedGrains = 1u << 16;
constexpr uint64_t kGdAtEnd = ~uint64_t{0};
constexpr uint64_t kMaxCapacitySectors = uint64_t{1} << 40;  // 512 TiB
constexpr uint64_t kMaxDescriptorBytes = 1u << 20;
constexpr uint64_t kMaxCapacityBytes = kMaxCapacitySectors * kSector;

struct ExtentLine {
  uint64_t sectors = 0;
  std::string type;  // SPARSE, FLAT, ZERO
  std::string file;
  uint64_t offset_sectors = 0;
};

struct Descriptor {
  std::vector<ExtentLine> extents;
  std::string parent_hint;
  bool has_parent = false;
};

// Parses the descriptor text. Unknown keys are ignored, as VMware does.
Result<Descriptor> ParseDescriptor(const std::string& path, uint64_t at, const std::string& text) {
  Descriptor d;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line[0] == '#') continue;
    if (line.starts_with("parentCID=")) {
      d.has_parent = line.substr(10) != "ffffffff";
    } else if (line.starts_with("parentFileNameHint=")) {
      std::string value = line.substr(19);
      if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
        value = value.substr(1, value.size() - 2);
      }
      d.parent_hint = value;
    } else if (line.starts_with("RW ") || line.starts_with("RDONLY ") ||
               line.starts_with("NOACCESS ")) {
      std::istringstream words(line);
      ExtentLine e;
      std::string access;
      words >> access >> e.sectors >> e.type;
      if (!words) return ImageError(path, at, fmt::format("bad extent line '{}'", line));
      std::string rest;
      std::getline(words, rest);
      const size_t open = rest.find('"'), close = rest.rfind('"');
      if (e.type != "ZERO") {
        if (open == std::string::npos || close == open) {
          return ImageError(path, at, fmt::format("extent line without a file name '{}'", line));
        }
        e.file = rest.substr(open + 1, close - open - 1);
        std::istringstream tail(rest.substr(close + 1));
        tail >> e.offset_sectors;
      }
      if (e.sectors > kMaxCapacitySectors) {
        return ImageError(path, at, fmt::format("absurd extent size in '{}'", line));
      }
      d.extents.push_back(std::move(e));
    }
  }
  if (!d.has_parent) d.parent_hint.clear();
  return d;
}

struct SparseHeader {
  uint32_t flags = 0;
  uint64_t capacity = 0, grain = 0, descriptor_offset = 0, descriptor_size = 0;
  uint32_t gtes_per_gt = 0;
  uint64_t gd_offset = 0;  // bytes, like descriptor_offset and descriptor_size
  uint16_t compression = 0;
};

Result<SparseHeader> ParseSparseHeader(const ImageFile& file) {
  uint8_t b[79];
  if (Status s = file.ReadExact(0, b, "vmdk sparse header"); !s.ok()) return s;
  if (LoadLe32(b) != kSparseMagic) return ImageError(file.path(), 0, "not a vmdk sparse extent");
  SparseHeader h;
  h.flags = LoadLe32(b + 8);
  h.capacity = LoadLe64(b + 12);
  h.grain = LoadLe64(b + 20);
  h.gtes_per_gt = LoadLe32(b + 44);
  h.compression = LoadLe16(b + 77);
  if ((h.flags & kFlagCompressedGrains) || h.compression != 0 || LoadLe64(b + 56) == kGdAtEnd) {
    return Unsupported(file.path(),
                       "compressed (streamOptimized) vmdk; convert it first: "
                       "qemu-img convert -O qcow2 IMAGE OUT.qcow2");
  }
  // Sector counts from the file, made byte offsets only where the product fits.
  const struct {
    uint64_t* out;
    int at;
    const char* what;
  } fields[] = {{&h.descriptor_offset, 28, "descriptor offset"},
                {&h.descriptor_size, 36, "descriptor size"},
                {&h.gd_offset, 56, "grain directory offset"}};
  for (const auto& f : fields) {
    auto bytes = CheckedMul(LoadLe64(b + f.at), kSector);
    if (!bytes) return ImageError(file.path(), f.at, fmt::format("absurd {}", f.what));
    *f.out = *bytes;
  }
  if (h.capacity > kMaxCapacitySectors) return ImageError(file.path(), 12, "absurd capacity");
  if (h.grain == 0 || h.grain > 2048 || (h.grain & (h.grain - 1))) {
    return ImageError(file.path(), 20, fmt::format("bad grain size {} sectors", h.grain));
  }
  if (h.gtes_per_gt == 0 || h.gtes_per_gt > 65536) {
    return ImageError(file.path(), 44, fmt::format("bad grain table size {}", h.gtes_per_gt));
  }
  return h;
}

// Maps a sparse extent covering guest [base, base + capacity) into `out`. Its header,
// descriptor, grain directory and grain tables are claimed as metadata first: a grain
// table used twice or lying on other metadata, or a grain lying on metadata, is
// corruption, which bounds the work and the extents by the size of the file.
Status MapSparseExtent(const ImageFile& file, uint32_t file_id, const SparseHeader& h,
                       uint64_t base, uint64_t limit_sectors, ExtentMap* out) {
  const uint64_t grain_bytes = h.grain * kSector;
  const uint64_t capacity = std::min(h.capacity, limit_sectors);
  const uint64_t sectors_per_gt = h.grain * h.gtes_per_gt;
  const uint64_t gd_entries = (capacity + sectors_per_gt - 1) / sectors_per_gt;
  const uint64_t gt_bytes = uint64_t{h.gtes_per_gt} * 4;
  MetadataRanges metadata(file);
  if (Status s =
          metadata.Claim(0, std::min<uint64_t>(kSector, file.size_bytes()), "sparse header", 0);
      !s.ok()) {
    return s;
  }
  if (h.descriptor_size > 0) {
    if (Status s = metadata.Claim(h.descriptor_offset, h.descriptor_size, "descriptor", 28);
        !s.ok()) {
      return s;
    }
  }
  // Claimed (so bounded by the file) before the directory is allocated.
  if (Status s = metadata.Claim(h.gd_offset, gd_entries * 4, "grain directory", 56); !s.ok()) {
    return s;
  }
  std::vector<uint8_t> gd(gd_entries * 4), gt(gt_bytes);
  // Grains already mapped: VMware never maps one twice, and refusing that bounds the
  // data a reader or a comparison goes through by the file's size.
  // Slots are grain-sized, aligned like the first grain mapped (real images align every
  // grain alike); a grain aligned otherwise takes the two slots it touches.
  std::vector<bool> used(file.size_bytes() / grain_bytes + 3);
  std::optional<uint64_t> phase;
  if (Status s = file.ReadExact(h.gd_offset, gd, "grain directory"); !s.ok()) return s;
  for (uint64_t i = 0; i < gd_entries; ++i) {
    const uint64_t gt_sector = LoadLe32(&gd[i * 4]);
    if (gt_sector == 0) continue;
    if (Status s =
            metadata.Claim(gt_sector * kSector, gt_bytes, "grain table", h.gd_offset + i * 4);
        !s.ok()) {
      return s;
    }
  }
  for (uint64_t i = 0; i < gd_entries; ++i) {
    const uint64_t gt_sector = LoadLe32(&gd[i * 4]);
    if (gt_sector == 0) continue;
    if (Status s = file.ReadExact(gt_sector * kSector, gt, "grain table"); !s.ok()) return s;
    for (uint64_t j = 0; j < h.gtes_per_gt; ++j) {
      const uint64_t guest_sector = (i * h.gtes_per_gt + j) * h.grain;
      if (guest_sector >= capacity) break;
      const uint64_t entry = LoadLe32(&gt[j * 4]);
      const uint64_t length = std::min(grain_bytes, (capacity - guest_sector) * kSector);
      const uint64_t guest = base + guest_sector * kSector;
      const uint64_t entry_at = gt_sector * kSector + j * 4;
      if (entry == 0) continue;
      if (entry == 1 && (h.flags & kFlagZeroedGrainEntries)) {
        out->Append(guest, length, ZeroSource{});
        continue;
      }
      if (entry * kSector >= file.size_bytes()) {
        return ImageError(file.path(), entry_at,
                          fmt::format("grain at sector {} lies past the end of the file", entry));
      }
      if (Status s = metadata.CheckData(entry * kSector, grain_bytes, "grain", entry_at); !s.ok()) {
        return s;
      }
      const uint64_t at = entry * kSector;
      if (!phase) phase = at % grain_bytes;
      const uint64_t slot = (at + grain_bytes - *phase) / grain_bytes;
      const bool straddles = (at + grain_bytes - *phase) % grain_bytes != 0;
      if (used[slot] || (straddles && used[slot + 1])) {
        return ImageError(file.path(), entry_at,
                          fmt::format("grain at sector {} overlaps a grain mapped before", entry));
      }
      used[slot] = true;
      if (straddles) used[slot + 1] = true;
      out->Append(guest, length, ImageSource{file_id, entry * kSector});
    }
  }
  return Status::Ok();
}

Result<std::string> ReadText(const ImageFile& file, uint64_t offset, uint64_t size) {
  if (size > kMaxDescriptorBytes) return ImageError(file.path(), offset, "descriptor too large");
  std::string text(size, '\0');
  if (Status s = file.ReadExact(offset, std::span(reinterpret_cast<uint8_t*>(text.data()), size),
                                "vmdk descriptor");
      !s.ok()) {
    return s;
  }
  text.resize(std::min(text.size(), text.find('\0')));
  return text;
}

// Adds every extent of `d` (listed in a descriptor belonging to `file`) to `info`. Each
// extent file is opened once, however often it is listed, and a sparse extent may be
// listed only once (each would walk all its tables again).
Status MapExtents(FileTable& files, uint32_t file_id, size_t layer, const Descriptor& d,
                  LayerInfo* info) {
  const ImageFile& file = files.file(file_id);
  std::map<std::string, uint32_t> opened = {{file.path(), file_id}};
  std::set<uint32_t> sparse_seen;
  uint64_t base = 0;
  for (const ExtentLine& e : d.extents) {
    const uint64_t length = e.sectors * kSector;  // e.sectors <= 2^40: fits
    auto end = CheckedAdd(base, length);
    if (!end || *end > kMaxCapacityBytes) {
      return ImageError(
          file.path(), 0,
          fmt::format("vmdk extents add up to more than {} bytes", kMaxCapacityBytes));
    }
    if (e.type == "SPARSE" || e.type == "FLAT") {
      const std::string path = ResolveRelativeTo(file.path(), e.file);
      auto known = opened.find(path);
      if (known == opened.end()) {
        auto added = files.Add(path, layer);
        if (!added.ok()) {
          return Status::Failure(Fault::kBadInput, fmt::format("{}: extent: {}", file.path(),
                                                               added.status().message()));
        }
        known = opened.emplace(path, added.value()).first;
      }
      const uint32_t id = known->second;
      const ImageFile& extent = files.file(id);
      if (e.type == "FLAT") {
        auto offset = CheckedMul(e.offset_sectors, kSector);
        if (!offset || *offset > extent.size_bytes() || !CheckedAdd(*offset, length)) {
          return ImageError(extent.path(), offset.value_or(UINT64_MAX),
                            fmt::format("FLAT extent at sector {} lies past the end of the file "
                                        "({} bytes)",
                                        e.offset_sectors, extent.size_bytes()));
        }
        if (length > 0) info->allocation.Append(base, length, ImageSource{id, *offset});
        files.MarkFlat(id);
      } else {
        if (!sparse_seen.insert(id).second) {
          return ImageError(file.path(), 0,
                            fmt::format("sparse extent {} is listed twice", extent.path()));
        }
        auto h = ParseSparseHeader(extent);
        if (!h.ok()) return h.status();
        if (Status s = MapSparseExtent(extent, id, h.value(), base, e.sectors, &info->allocation);
            !s.ok()) {
          return s;
        }
      }
    } else if (e.type != "ZERO") {
      return Unsupported(file.path(), fmt::format("vmdk extent type {}", e.type));
    }
    base = *end;
  }
  info->size_bytes = base;
  info->allocation.set_size_bytes(base);
  return Status::Ok();
}

}  // namespace

Result<LayerInfo> ReadVmdkLayer(FileTable& files, uint32_t file_id, size_t layer) {
  const ImageFile& file = files.file(file_id);
  LayerInfo info;
  info.path = file.path();
  info.format = "vmdk";
  uint8_t magic[4] = {};
  if (Status s = file.ReadExact(0, magic, "vmdk magic"); !s.ok()) return s;
  Result<std::string> text = std::string();
  if (LoadLe32(magic) == kSparseMagic) {
    auto h = ParseSparseHeader(file);
    if (!h.ok()) return h.status();
    if (h->descriptor_offset == 0) {
      return Unsupported(file.path(), "a sparse extent without descriptor; open its descriptor");
    }
    text = ReadText(file, h->descriptor_offset, h->descriptor_size);
  } else {
    text = ReadText(file, 0, std::min<uint64_t>(file.size_bytes(), kMaxDescriptorBytes + 1));
  }
  if (!text.ok()) return text.status();
  auto descriptor = ParseDescriptor(file.path(), 0, text.value());
  if (!descriptor.ok()) return descriptor.status();
  if (descriptor->extents.empty()) return ImageError(file.path(), 0, "vmdk without extents");
  if (Status s = MapExtents(files, file_id, layer, descriptor.value(), &info); !s.ok()) return s;
  if (!descriptor->parent_hint.empty()) {
    info.backing_path = ResolveRelativeTo(file.path(), descriptor->parent_hint);
    info.backing_format = "vmdk";
  }
  return info;
}

}  // namespace snapsim::merge
