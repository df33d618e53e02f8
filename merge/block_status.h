#pragma once
// What `qemu-img map --output=json` shows for an image: for each range of the guest
// disk, the depth of the layer that supplies it (0 = the image opened, counting down
// the backing chain), and whether it is present (allocated somewhere in the chain),
// reads as zeros, holds data, and where. Adjacent ranges that agree (and whose file
// offsets continue) are one row, as qemu-img merges them.

#include <cstdint>
#include <optional>
#include <vector>

#include "merge/image.h"

namespace snapsim::merge {

struct BlockStatusRow {
  uint64_t start = 0, length = 0;
  size_t depth = 0;  // 0 = top; ranges allocated nowhere have the depth of the base
  bool present = false;
  bool zero = false;
  bool data = false;
  bool compressed = false;          // qcow2 compressed clusters: data, but no offset
  std::optional<uint64_t> offset;   // byte offset in `file_id`, when there is one
  std::optional<uint32_t> file_id;  // Image::files() index
  friend bool operator==(const BlockStatusRow&, const BlockStatusRow&) = default;
};

// The rows over [0, image.size_bytes()), in order, covering it without gaps. A raw
// layer's holes are present zeros (qemu reports them so); ranges no layer allocates
// are not present and read as zeros.
std::vector<BlockStatusRow> BlockStatus(const Image& image);

// "data", "compressed data", "zero" or "unallocated": what `qemu-img compare -s`
// compares at each offset (it tells compressed clusters apart: they have no offset).
const char* AllocationName(const BlockStatusRow& row);

// The first offset where `a` and `b` (rows of equally large images) differ in
// allocation (present, zero, data, compressed), as `qemu-img compare -s` checks; which layer of a
// chain supplies a range does not matter. nullopt when they agree everywhere.
struct AllocationMismatch {
  uint64_t offset = 0;
  const BlockStatusRow* a = nullptr;
  const BlockStatusRow* b = nullptr;
};
std::optional<AllocationMismatch> FirstAllocationMismatch(const std::vector<BlockStatusRow>& a,
                                                          const std::vector<BlockStatusRow>& b);

}  // namespace snapsim::merge
