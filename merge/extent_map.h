#pragma once
// ExtentMap: the content of one disk layer as sorted, non-overlapping extents.
//
// Each extent maps [offset, offset + length) to a content source. Offsets not covered by
// any extent are holes: in a layer of a chain they fall through to the layer below; in a
// guest view they read as zeros. Memory is proportional to the number of extents, never
// to the number of bytes. Lookups are O(log n).
//
// Copies are O(1): the extent vector is shared copy-on-write, so the model can keep a view
// per snapshot cheaply; the first write to a shared copy clones it. A write costs
// O(log n) to find its place plus one move of the extents after it (no allocation when
// the vector has room).

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <variant>
#include <vector>

namespace snapsim::merge {

// Allocated, reads as zeros (qcow2 zero clusters, explicit zero writes).
struct ZeroSource {
  friend bool operator==(const ZeroSource&, const ZeroSource&) = default;
};
// Every byte is `byte`.
struct FillSource {
  uint8_t byte = 0;
  friend bool operator==(const FillSource&, const FillSource&) = default;
};
// The seeded stream of core/seeded_stream.h, at the same absolute offset.
struct SeedSource {
  uint64_t seed = 0;
  friend bool operator==(const SeedSource&, const SeedSource&) = default;
};
// Bytes of an image: byte at disk offset p is the image's byte at
// image_offset + (p - extent.offset). `image_id` indexes a table owned by the caller.
struct ImageSource {
  uint32_t image_id = 0;
  uint64_t image_offset = 0;
  friend bool operator==(const ImageSource&, const ImageSource&) = default;
};
using Source = std::variant<ZeroSource, FillSource, SeedSource, ImageSource>;

struct Extent {
  uint64_t offset = 0;
  uint64_t length = 0;
  Source source;
  uint64_t end() const { return offset + length; }
  friend bool operator==(const Extent&, const Extent&) = default;
};

// `source` as seen from `delta` bytes further into its extent (what splitting needs).
Source AdvanceSource(const Source& source, uint64_t delta);
// True when `next`, starting where `prev` ends, continues prev's content (they would
// coalesce into one extent).
bool Continues(const Extent& prev, const Extent& next);

class ExtentMap {
 public:
  ExtentMap() = default;
  explicit ExtentMap(uint64_t size_bytes) : size_bytes_(size_bytes) {}

  // A map over `extents`, which must already be sorted, non-overlapping and coalesced
  // (what merges and readers build); takes them over in O(1).
  static ExtentMap FromSortedExtents(uint64_t size_bytes, std::vector<Extent> extents);

  uint64_t size_bytes() const { return size_bytes_; }
  void set_size_bytes(uint64_t size_bytes) { size_bytes_ = size_bytes; }
  const std::vector<Extent>& extents() const;
  bool empty() const { return extents().empty(); }
  uint64_t allocated_bytes() const;

  // Overwrites [offset, offset + length) with `source`, splitting what it overlaps.
  // Adjacent extents whose sources continue each other are coalesced.
  void Write(uint64_t offset, uint64_t length, const Source& source);
  // Makes [offset, offset + length) a hole again.
  void Punch(uint64_t offset, uint64_t length);
  // Adds an extent at or after the end of the last one (what builders and merges do):
  // O(1) amortized, coalesced with the last extent when it continues it.
  // Precondition: offset >= the end of the last extent.
  void Append(uint64_t offset, uint64_t length, const Source& source);
  void Reserve(size_t extent_count);

  // The extent covering `offset`, or nullptr for a hole. O(log n).
  const Extent* Find(uint64_t offset) const;
  // Index of the first extent whose end is past `offset` (extents().size() if none).
  size_t LowerBound(uint64_t offset) const;

  // Structural equality: the same size and extents with the same sources.
  friend bool operator==(const ExtentMap& a, const ExtentMap& b) {
    return a.size_bytes_ == b.size_bytes_ && a.extents() == b.extents();
  }

  std::string DebugString() const;

 private:
  // The extents, cloned first if another map shares them.
  std::vector<Extent>& Mutable();
  // Replaces extents [first, last) with `pieces` in one move.
  void Splice(size_t first, size_t last, std::span<const Extent> pieces);

  uint64_t size_bytes_ = 0;
  std::shared_ptr<std::vector<Extent>> extents_;  // null means no extents
};

// Guest-visible content equality of two views (holes read as zeros; FillSource{0} equals
// ZeroSource; seeded bytes are compared by value). Image sources compare structurally.
bool SameContent(const ExtentMap& a, const ExtentMap& b);

// Fills `out` with the bytes of [offset, offset + out.size()) for maps without
// ImageSource extents (holes read as zeros). Returns false if an image extent was hit.
bool ReadSynthetic(const ExtentMap& map, uint64_t offset, std::span<uint8_t> out);

}  // namespace snapsim::merge
