#pragma once
// The compressed clusters of one qcow2 layer, seen as a file of their own: the k-th
// compressed cluster found is bytes [k * cluster, (k + 1) * cluster) of this file, so a
// layer's allocation can point at it with ordinary ImageSource extents, and runs of
// compressed clusters coalesce. Reads inflate the clusters they touch (deflate, or zstd
// when the header's compression type says so); nothing is decompressed at open time.

#include <cstdint>
#include <vector>

#include "merge/image_file.h"

namespace snapsim::merge {

enum class Qcow2Compression { kDeflate = 0, kZstd = 1 };

class Qcow2CompressedClusters : public ImageFile {
 public:
  Qcow2CompressedClusters(const ImageFile& host, uint64_t cluster_bytes, Qcow2Compression type);

  // Registers the compressed data at [host_offset, host_offset + host_bytes) of the host
  // file, read from the L2 entry at `entry_offset`; returns its offset in this file.
  uint64_t Add(uint64_t host_offset, uint64_t host_bytes, uint64_t entry_offset);

  Status ReadData(uint64_t offset, std::span<uint8_t> out) const override;
  const uint8_t* Mapping() const override { return nullptr; }
  bool compressed() const override { return true; }

  // Inflates one cluster's data into `out` (exactly one cluster); exposed for tests.
  static Status Decompress(Qcow2Compression type, std::span<const uint8_t> in,
                           std::span<uint8_t> out, std::string* error);

 private:
  struct Entry {
    uint64_t host_offset, host_bytes, entry_offset;
  };
  Status ReadCluster(size_t index, std::vector<uint8_t>* in, std::span<uint8_t> out) const;

  const ImageFile& host_;
  uint64_t cluster_bytes_;
  Qcow2Compression type_;
  std::vector<Entry> entries_;
};

}  // namespace snapsim::merge
