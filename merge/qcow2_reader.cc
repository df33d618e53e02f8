// qcow2 v2 and v3 layers, read from QEMU's public format description (docs/interop/
// qcow2.txt): header, header extensions, L1/L2 tables (standard and extended), zero
// clusters, compressed clusters (deflate or zstd, decoded by qcow2_compressed.h), internal
// snapshots, backing file and external data file names.
#include <fmt/format.h>

#include "merge/checked_math.h"
#include "merge/image_format.h"
#include "merge/metadata_ranges.h"
#include "merge/qcow2_compressed.h"

namespace snapsim::merge {
namespace {

constexpr uint32_t kMagic = 0x514649fb;  // "QFI\xfb"
constexpr uint64_t kIncompatibleDataFile = 1u << 2;
constexpr uint64_t kIncompatibleCompressionType = 1u << 3;
constexpr uint64_t kIncompatibleExtendedL2 = 1u << 4;
constexpr uint64_t kIncompatibleKnown = 0x1f;  // dirty, corrupt, data file, compression, ext L2
constexpr uint64_t kOffsetMask = 0x00fffffffffffe00ull;  // bits 9-55
constexpr uint64_t kCompressed = 1ull << 62;
constexpr uint64_t kCopied = 1ull << 63;
constexpr uint32_t kExtensionBackingFormat = 0xe2792aca;
constexpr uint32_t kExtensionDataFile = 0x44415441;
constexpr uint64_t kMaxL1Bytes = 32u << 20;  // QEMU's own limit on L1 tables
constexpr uint64_t kMaxSizeBytes = 1ull << 56;

struct Header {
  uint32_t version = 0;
  uint64_t backing_offset = 0;
  uint32_t backing_size = 0;
  uint32_t cluster_bits = 0;
  uint64_t size_bytes = 0;
  uint32_t crypt_method = 0;
  uint32_t l1_size = 0;
  uint64_t l1_offset = 0;
  uint64_t refcount_table_offset = 0;
  uint32_t refcount_table_clusters = 0;
  uint32_t snapshot_count = 0;
  uint64_t snapshots_offset = 0;
  uint64_t incompatible = 0;
  uint32_t header_length = 72;
  uint8_t compression_type = 0;  // 0 deflate, 1 zstd (header byte 104, v3)
  uint64_t cluster_bytes() const { return uint64_t{1} << cluster_bits; }
};

Result<Header> ParseHeader(const ImageFile& file) {
  uint8_t b[104] = {};
  if (Status s = file.ReadExact(0, std::span(b, 72), "qcow2 header"); !s.ok()) return s;
  Header h;
  if (LoadBe32(b) != kMagic) return ImageError(file.path(), 0, "not a qcow2 image (bad magic)");
  h.version = LoadBe32(b + 4);
  if (h.version != 2 && h.version != 3) {
    return Unsupported(file.path(), fmt::format("qcow2 version {}", h.version));
  }
  h.backing_offset = LoadBe64(b + 8);
  h.backing_size = LoadBe32(b + 16);
  h.cluster_bits = LoadBe32(b + 20);
  h.size_bytes = LoadBe64(b + 24);
  h.crypt_method = LoadBe32(b + 32);
  h.l1_size = LoadBe32(b + 36);
  h.l1_offset = LoadBe64(b + 40);
  h.refcount_table_offset = LoadBe64(b + 48);
  h.refcount_table_clusters = LoadBe32(b + 56);
  h.snapshot_count = LoadBe32(b + 60);
  h.snapshots_offset = LoadBe64(b + 64);
  if (h.version == 3) {
    if (Status s = file.ReadExact(72, std::span(b + 72, 32), "qcow2 v3 header"); !s.ok()) return s;
    h.incompatible = LoadBe64(b + 72);
    h.header_length = LoadBe32(b + 100);
    if (h.header_length < 104 || h.header_length % 8 != 0) {
      return ImageError(file.path(), 100, fmt::format("bad header length {}", h.header_length));
    }
  }
  if (h.cluster_bits < 9 || h.cluster_bits > 21) {
    return ImageError(file.path(), 20,
                      fmt::format("cluster_bits {} out of range 9..21", h.cluster_bits));
  }
  if (h.header_length > h.cluster_bytes()) {
    return ImageError(file.path(), 100, "header longer than a cluster");
  }
  if (h.crypt_method != 0) return Unsupported(file.path(), "encrypted qcow2 image");
  if (h.header_length > 104) {
    if (Status s = file.ReadExact(104, std::span(&h.compression_type, 1), "compression type");
        !s.ok()) {
      return s;
    }
  }
  if (!(h.incompatible & kIncompatibleCompressionType) && h.compression_type != 0) {
    return ImageError(
        file.path(), 104,
        fmt::format("compression type {} without its feature bit", h.compression_type));
  }
  if (h.compression_type > 1) {
    return Unsupported(file.path(), fmt::format("compression type {}", h.compression_type));
  }
  if (uint64_t unknown = h.incompatible & ~kIncompatibleKnown) {
    return Unsupported(file.path(), fmt::format("incompatible feature bits {:#x}", unknown));
  }
  return h;
}

struct Extensions {
  std::string backing_format;
  std::string data_file;
};

Result<Extensions> ParseExtensions(const ImageFile& file, const Header& h) {
  Extensions out;
  uint64_t offset = h.header_length;
  const uint64_t limit = std::min(h.cluster_bytes(), file.size_bytes());
  while (offset + 8 <= limit) {
    uint8_t head[8];
    if (Status s = file.ReadExact(offset, head, "header extension"); !s.ok()) return s;
    const uint32_t type = LoadBe32(head), length = LoadBe32(head + 4);
    if (type == 0) break;
    if (length > limit - offset - 8) {
      return ImageError(file.path(), offset, "header extension runs past the first cluster");
    }
    if (type == kExtensionBackingFormat || type == kExtensionDataFile) {
      std::string text(length, '\0');
      if (Status s =
              file.ReadExact(offset + 8, std::span(reinterpret_cast<uint8_t*>(text.data()), length),
                             "header extension");
          !s.ok()) {
        return s;
      }
      text.resize(text.find('\0') == std::string::npos ? text.size() : text.find('\0'));
      (type == kExtensionBackingFormat ? out.backing_format : out.data_file) = text;
    }
    offset += 8 + ((uint64_t{length} + 7) & ~uint64_t{7});
  }
  return out;
}

// The L1 table and disk size of the internal snapshot whose id or name is `wanted`.
Status SelectSnapshot(const ImageFile& file, const std::string& wanted, Header* h,
                      MetadataRanges* metadata) {
  if (h->snapshot_count > 65536) return ImageError(file.path(), 60, "absurd snapshot count");
  uint64_t offset = h->snapshots_offset;
  std::optional<std::pair<uint64_t, uint32_t>> by_name;
  uint64_t name_size_bytes = h->size_bytes;
  for (uint32_t i = 0; i < h->snapshot_count; ++i) {
    uint8_t fixed[40];
    if (Status s = file.ReadExact(offset, fixed, "snapshot table entry"); !s.ok()) return s;
    const uint64_t l1_offset = LoadBe64(fixed);
    const uint32_t l1_size = LoadBe32(fixed + 8);
    const uint16_t id_size = LoadBe16(fixed + 12), name_size = LoadBe16(fixed + 14);
    const uint32_t extra_size = LoadBe32(fixed + 36);
    if (extra_size > 1024) return ImageError(file.path(), offset + 36, "absurd extra data size");
    std::vector<uint8_t> rest(extra_size + id_size + name_size);
    if (Status s = file.ReadExact(offset + 40, rest, "snapshot table entry"); !s.ok()) return s;
    if (Status s =
            metadata->Claim(offset, 40 + rest.size(), "snapshot table entry", i == 0 ? 64 : offset);
        !s.ok()) {
      return s;
    }
    uint64_t disk_size = h->size_bytes;
    if (extra_size >= 16) disk_size = LoadBe64(rest.data() + 8);
    const std::string id(rest.begin() + extra_size, rest.begin() + extra_size + id_size);
    const std::string name(rest.begin() + extra_size + id_size, rest.end());
    if (id == wanted) {
      h->l1_offset = l1_offset, h->l1_size = l1_size, h->size_bytes = disk_size;
      return Status::Ok();
    }
    if (name == wanted && !by_name) {
      by_name = {l1_offset, l1_size};
      name_size_bytes = disk_size;
    }
    offset += (40 + rest.size() + 7) & ~uint64_t{7};
  }
  if (!by_name) {
    return Status::Failure(
        Fault::kBadInput,
        fmt::format("{}: no internal snapshot with id or name '{}'", file.path(), wanted));
  }
  h->l1_offset = by_name->first, h->l1_size = by_name->second, h->size_bytes = name_size_bytes;
  return Status::Ok();
}

struct Walk {
  const ImageFile* file;     // the qcow2 file: where tables live
  MetadataRanges* metadata;  // of `file`
  const ImageFile* data;     // where data clusters live (the same file unless external)
  uint32_t data_id;
  bool external;
  bool extended;
  Header h;
  ExtentMap* out;
  FileTable* files;  // where the decoded compressed clusters are added, on first use
  size_t layer;
  Qcow2CompressedClusters* compressed = nullptr;
  uint32_t compressed_id = 0;
  // Host clusters already mapped: qemu never maps one twice within one L1 table, and
  // refusing that bounds the data a reader or a comparison goes through by the file's
  // size. Compressed data may share clusters, but not bytes.
  std::vector<bool> used = {};
  MetadataRanges* compressed_ranges = nullptr;
};

// A compressed L2 entry: the compressed bytes' offset and size in the file (qcow2.txt:
// the offset takes the low 62 - (cluster_bits - 8) bits, the rest counts extra sectors).
Status MapCompressed(Walk& w, uint64_t e, uint64_t entry_offset, uint64_t guest, uint64_t length) {
  if (w.external) {
    return ImageError(w.file->path(), entry_offset,
                      "compressed cluster in an image with an external data file");
  }
  const uint32_t shift = 62 - (w.h.cluster_bits - 8);
  const uint64_t host = e & ((uint64_t{1} << shift) - 1);
  const uint64_t sectors = ((e >> shift) & ((uint64_t{1} << (w.h.cluster_bits - 8)) - 1)) + 1;
  const uint64_t bytes = sectors * 512 - (host & 511);
  if (host >= w.file->size_bytes()) {
    return ImageError(
        w.file->path(), entry_offset,
        fmt::format("compressed cluster at {:#x} lies past the end of the file", host));
  }
  if (Status s = w.metadata->CheckData(host, bytes, "compressed cluster", entry_offset); !s.ok()) {
    return s;
  }
  // The stored size runs to the end of a sector, and qemu starts the next compressed
  // cluster inside that last sector: all but the last sector must be this cluster's own.
  const uint64_t own_end = std::max(host + 1, (host + bytes - 1) & ~uint64_t{511});
  if (Status s = w.compressed_ranges->Claim(host, own_end - host, "compressed cluster",
                                            entry_offset, /*must_fit=*/false);
      !s.ok()) {
    return s;
  }
  if (!w.compressed) {
    auto view = std::make_unique<Qcow2CompressedClusters>(
        *w.file, w.h.cluster_bytes(), static_cast<Qcow2Compression>(w.h.compression_type));
    w.compressed = view.get();
    w.compressed_id = w.files->AddVirtual(std::move(view), w.layer);
  }
  w.out->Append(guest, length,
                ImageSource{w.compressed_id, w.compressed->Add(host, bytes, entry_offset)});
  return Status::Ok();
}

// One L2 entry (standard or extended) for the guest cluster at `guest`.
Status MapEntry(Walk& w, const uint8_t* entry, uint64_t entry_offset, uint64_t guest) {
  const uint64_t e = LoadBe64(entry);
  const uint64_t cluster = w.h.cluster_bytes();
  const uint64_t length = std::min(cluster, w.h.size_bytes - guest);
  if (e & kCompressed) return MapCompressed(w, e, entry_offset, guest, length);
  const uint64_t host = e & kOffsetMask;
  const bool has_host = host != 0 || (w.external && (e & kCopied));
  if (has_host) {
    if (host % cluster != 0) {
      return ImageError(w.file->path(), entry_offset, "data cluster offset is not aligned");
    }
    if (host >= w.data->size_bytes()) {
      return ImageError(w.file->path(), entry_offset,
                        fmt::format("data cluster {:#x} lies past the end of {}", host,
                                    w.external ? w.data->path() : "the file"));
    }
    const bool zero_flagged = !w.extended && w.h.version >= 3 && (e & 1);
    if (!zero_flagged) {  // a zero cluster's host cluster is never read
      if (w.used.empty()) w.used.resize(w.data->size_bytes() / cluster + 1);
      if (w.used[host / cluster]) {
        return ImageError(w.file->path(), entry_offset,
                          fmt::format("data cluster {:#x} is mapped twice", host));
      }
      w.used[host / cluster] = true;
    }
    if (!w.external) {
      if (Status s = w.metadata->CheckData(host, cluster, "data cluster", entry_offset); !s.ok()) {
        return s;
      }
    }
  }
  if (!w.extended) {
    if (w.h.version >= 3 && (e & 1)) {
      w.out->Append(guest, length, ZeroSource{});
    } else if (has_host) {
      w.out->Append(guest, length, ImageSource{w.data_id, host});
    }
    return Status::Ok();
  }
  const uint64_t bitmap = LoadBe64(entry + 8);
  const uint32_t alloc = static_cast<uint32_t>(bitmap), zero = static_cast<uint32_t>(bitmap >> 32);
  if ((alloc & zero) || (alloc && !has_host)) {
    return ImageError(w.file->path(), entry_offset + 8, "inconsistent subcluster bitmap");
  }
  const uint64_t sub = cluster / 32;
  for (uint64_t s = 0; s < 32 && s * sub < length; ++s) {
    const uint64_t sub_length = std::min(sub, length - s * sub);
    if (alloc >> s & 1) {
      w.out->Append(guest + s * sub, sub_length, ImageSource{w.data_id, host + s * sub});
    } else if (zero >> s & 1) {
      w.out->Append(guest + s * sub, sub_length, ZeroSource{});
    }
  }
  return Status::Ok();
}

Status WalkTables(Walk& w) {
  const uint64_t cluster = w.h.cluster_bytes();
  const uint64_t entry_bytes = w.extended ? 16 : 8;
  const uint64_t l2_entries = cluster / entry_bytes;
  const uint64_t needed = (w.h.size_bytes + cluster * l2_entries - 1) / (cluster * l2_entries);
  if (needed > w.h.l1_size) {
    return ImageError(
        w.file->path(), 36,
        fmt::format("L1 table has {} entries, the disk needs {}", w.h.l1_size, needed));
  }
  if (w.h.l1_offset % cluster != 0) return ImageError(w.file->path(), 40, "L1 table not aligned");
  // Claimed (so bounded by the file) before it is allocated.
  if (Status s = w.metadata->Claim(w.h.l1_offset, uint64_t{w.h.l1_size} * 8, "L1 table", 40);
      !s.ok()) {
    return s;
  }
  std::vector<uint8_t> l1(needed * 8), l2(cluster);
  if (Status s = w.file->ReadExact(w.h.l1_offset, l1, "L1 table"); !s.ok()) return s;
  // Every L2 table is claimed before any is walked: one used twice, or one lying on the
  // header, the L1 table or another L2 table, is corruption. So the tables walked fit in
  // the file, and the extents they make are bounded by its size.
  std::vector<uint64_t> l2_offsets(needed);
  for (uint64_t i = 0; i < needed; ++i) {
    l2_offsets[i] = LoadBe64(&l1[i * 8]) & kOffsetMask;
    if (l2_offsets[i] == 0) continue;
    const uint64_t entry_at = w.h.l1_offset + i * 8;
    if (l2_offsets[i] % cluster != 0) {
      return ImageError(w.file->path(), entry_at, "L2 table not aligned");
    }
    if (Status s = w.metadata->Claim(l2_offsets[i], cluster, "L2 table", entry_at); !s.ok()) {
      return s;
    }
  }
  for (uint64_t i = 0; i < needed; ++i) {
    const uint64_t l2_offset = l2_offsets[i];
    if (l2_offset == 0) continue;
    if (Status s = w.file->ReadExact(l2_offset, l2, "L2 table"); !s.ok()) return s;
    for (uint64_t j = 0; j < l2_entries; ++j) {
      const uint64_t guest = (i * l2_entries + j) * cluster;
      if (guest >= w.h.size_bytes) break;
      if (Status s = MapEntry(w, &l2[j * entry_bytes], l2_offset + j * entry_bytes, guest);
          !s.ok()) {
        return s;
      }
    }
  }
  return Status::Ok();
}

// The header cluster and the refcount table are metadata too: no table or data cluster
// may lie on them.
Status ClaimFixedMetadata(const ImageFile& file, const Header& h, MetadataRanges* metadata) {
  const uint64_t cluster = h.cluster_bytes();
  if (Status s = metadata->Claim(0, std::min(cluster, file.size_bytes()), "header cluster", 0);
      !s.ok()) {
    return s;
  }
  if (h.refcount_table_clusters == 0) return Status::Ok();
  if (h.refcount_table_offset % cluster != 0) {
    return ImageError(file.path(), 48, "refcount table not aligned");
  }
  return metadata->Claim(h.refcount_table_offset, uint64_t{h.refcount_table_clusters} * cluster,
                         "refcount table", 48);
}

Result<std::string> ReadBackingName(const ImageFile& file, const Header& h) {
  if (h.backing_offset == 0) return std::string();
  if (h.backing_size == 0 || h.backing_size > 1023) {
    return ImageError(file.path(), 16, fmt::format("backing file name length {}", h.backing_size));
  }
  std::string name(h.backing_size, '\0');
  if (Status s = file.ReadExact(h.backing_offset,
                                std::span(reinterpret_cast<uint8_t*>(name.data()), name.size()),
                                "backing file name");
      !s.ok()) {
    return s;
  }
  if (name.find('\0') != std::string::npos) {
    return ImageError(file.path(), h.backing_offset, "backing file name contains NUL");
  }
  if (name.starts_with("json:") || name.find("://") != std::string::npos) {
    return Unsupported(file.path(), fmt::format("backing file '{}' is not a plain path", name));
  }
  return ResolveRelativeTo(file.path(), name);
}

}  // namespace

Result<LayerInfo> ReadQcow2Layer(FileTable& files, uint32_t file_id, size_t layer,
                                 const std::string& snapshot) {
  const ImageFile& file = files.file(file_id);
  auto header = ParseHeader(file);
  if (!header.ok()) return header.status();
  Header h = header.value();
  auto extensions = ParseExtensions(file, h);
  if (!extensions.ok()) return extensions.status();
  MetadataRanges metadata(file);
  if (Status s = ClaimFixedMetadata(file, h, &metadata); !s.ok()) return s;
  if (!snapshot.empty()) {
    if (Status s = SelectSnapshot(file, snapshot, &h, &metadata); !s.ok()) return s;
  }
  if (h.size_bytes > kMaxSizeBytes) {
    return ImageError(file.path(), 24, fmt::format("absurd virtual size {}", h.size_bytes));
  }
  if (uint64_t{h.l1_size} * 8 > kMaxL1Bytes) {
    return ImageError(file.path(), 36, fmt::format("absurd L1 size {}", h.l1_size));
  }
  LayerInfo info;
  info.path = file.path();
  info.format = "qcow2";
  info.snapshot = snapshot;
  info.size_bytes = h.size_bytes;
  info.allocation = ExtentMap(h.size_bytes);
  auto backing = ReadBackingName(file, h);
  if (!backing.ok()) return backing.status();
  info.backing_path = backing.value();
  info.backing_format = extensions->backing_format;

  MetadataRanges compressed_ranges(file);
  Walk walk{&file,  &metadata,
            &file,  file_id,
            false,  (h.incompatible & kIncompatibleExtendedL2) != 0,
            h,      &info.allocation,
            &files, layer};
  walk.compressed_ranges = &compressed_ranges;
  if (h.incompatible & kIncompatibleDataFile) {
    if (extensions->data_file.empty()) {
      return ImageError(file.path(), h.header_length, "external data file bit set but no name");
    }
    auto data_id = files.Add(ResolveRelativeTo(file.path(), extensions->data_file), layer);
    if (!data_id.ok()) return data_id.status();
    walk.data_id = data_id.value();
    walk.data = &files.file(walk.data_id);
    walk.external = true;
  }
  if (walk.extended && h.cluster_bits < 14) {
    return ImageError(file.path(), 20, "extended L2 entries need clusters of 16 KiB or more");
  }
  if (Status s = WalkTables(walk); !s.ok()) return s;
  return info;
}

}  // namespace snapsim::merge
