#pragma once
// merge::Image: a disk image opened read-only with its whole backing chain (raw, qcow2 v2
// and v3, vmdk sparse/flat), seen as extent maps: one allocation map per layer (what
// `qemu-img map` shows) and the flattened guest view, plus range reads.
//
//   auto image = Image::Open("overlay.qcow2");          // or "disk.qcow2@snap1"
//   image->Read(offset, buffer);                         // guest bytes, holes as zeros
//
// ImageSource::image_id in every map indexes files(): the image files themselves and
// any external data files or extents. Bad input gives a Status naming the file and the
// offset, never a crash or an out-of-bounds read.

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "core/status.h"
#include "merge/extent_map.h"
#include "merge/image_file.h"

namespace snapsim::merge {

struct LayerInfo {
  std::string path;
  std::string format;    // "qcow2", "vmdk", "raw"
  std::string snapshot;  // internal snapshot selected, if any
  uint64_t size_bytes = 0;
  ExtentMap allocation;        // the layer's own extents (ImageSource or ZeroSource)
  std::string backing_path;    // resolved path of the layer below; empty for none
  std::string backing_format;  // from the image; empty means probe
  bool probed = false;         // the format came from probing, not from a header or -f
};

struct OpenOptions {
  // The top image's format ("qcow2", "vmdk", "raw"), as `qemu-img -f` states it; empty
  // probes. A stated format must agree with the file's magic. Backing files take the
  // format their overlay names, or are probed.
  std::string format;
};

class Image {
 public:
  // Backing chains have no depth limit of their own, as in QEMU's block layer (each
  // backing file is opened in turn with no counter): a chain is bounded by the open-file
  // limit (`ulimit -n`), and a cycle is caught by file identity.

  // `spec` is a path, or PATH@SNAPSHOT for a qcow2 internal snapshot (id or name) when
  // PATH@SNAPSHOT itself is not an existing file.
  static Result<std::unique_ptr<Image>> Open(const std::string& spec,
                                             const OpenOptions& options = {});

  const std::string& name() const { return name_; }
  uint64_t size_bytes() const { return size_bytes_; }
  // Bottom (base) first; the last one is the image that was opened.
  const std::vector<LayerInfo>& layers() const { return layers_; }
  const FileTable& files() const { return files_; }
  // The guest view: topmost allocated extent wins, clipped to size_bytes(). A layer shows
  // only below the size of every layer above it: past the end of a backing file, an
  // overlay reads zeros, whatever lies deeper.
  const ExtentMap& view() const { return view_; }
  // For each range, which layer supplies it: SeedSource{layer index} extents (used as a
  // tag: an index of any chain depth, constant along the extent).
  ExtentMap LayerAttribution() const;

  // Guest bytes of [offset, offset + out.size()); holes and zero extents read as zeros.
  Status Read(uint64_t offset, std::span<uint8_t> out) const;

 private:
  Image() = default;
  // Each layer's allocation, cut at the smallest size of the layers above it.
  std::vector<ExtentMap> VisibleLayers() const;
  Status OpenChain(const std::string& path, const std::string& snapshot, const std::string& format);

  std::string name_;
  uint64_t size_bytes_ = 0;
  std::vector<LayerInfo> layers_;
  FileTable files_;
  ExtentMap view_;
};

}  // namespace snapsim::merge
