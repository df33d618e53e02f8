#pragma once
// Bit-for-bit comparison of two disk contents: two images, or an image against a
// predicted ExtentMap (the model's view). Reports every differing range, coalesced.
//
// Only what may differ is read: ranges that are holes or zero extents on both sides are
// skipped outright, a range holding data on one side only is checked with a zero scan,
// and the rest is compared with memcmp. Work is cut into large aligned blocks spread over
// worker threads; inside a block, long runs of image data are compared in place through
// read-only mappings of the files (no copy out of the page cache), short ones (and all
// when mapping is off or impossible) are pread into per-thread buffers. The pages a block
// mapped are dropped from the process when it is done (the page cache keeps them), so
// resident memory stays at a few blocks whatever the size of the images.

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/status.h"
#include "merge/extent_map.h"
#include "merge/image.h"

namespace snapsim::merge {

// One side of a comparison.
class ContentSource {
 public:
  virtual ~ContentSource() = default;
  virtual std::string name() const = 0;
  virtual uint64_t size_bytes() const = 0;
  // Holes, ZeroSource and FillSource{0} extents are known zeros; the rest is read.
  virtual const ExtentMap& view() const = 0;
  virtual Status Read(uint64_t offset, std::span<uint8_t> out) const = 0;
  // The bytes of an ImageSource extent's file, mapped, or nullptr (then Read is used).
  virtual const ImageFile* File(uint32_t image_id) const { return nullptr; }
};

class ImageContent : public ContentSource {
 public:
  explicit ImageContent(const Image& image) : image_(image) {}
  std::string name() const override { return image_.name(); }
  uint64_t size_bytes() const override { return image_.size_bytes(); }
  const ExtentMap& view() const override { return image_.view(); }
  Status Read(uint64_t offset, std::span<uint8_t> out) const override {
    return image_.Read(offset, out);
  }
  const ImageFile* File(uint32_t image_id) const override { return &image_.files().file(image_id); }

 private:
  const Image& image_;
};

// A predicted view made of synthetic sources (fill, seed, zero); image extents in it are
// refused when read.
class PredictedContent : public ContentSource {
 public:
  PredictedContent(std::string name, ExtentMap map)
      : name_(std::move(name)), map_(std::move(map)) {}
  std::string name() const override { return name_; }
  uint64_t size_bytes() const override { return map_.size_bytes(); }
  const ExtentMap& view() const override { return map_; }
  Status Read(uint64_t offset, std::span<uint8_t> out) const override;

 private:
  std::string name_;
  ExtentMap map_;
};

struct DiffRange {
  uint64_t offset = 0;                  // first differing byte
  uint64_t length = 0;                  // through the last differing byte of the run
  uint64_t differing_bytes = 0;         // bytes inside the range that actually differ
  std::vector<uint8_t> head_a, head_b;  // up to kHeadBytes from `offset` on each side
};

struct CompareOptions {
  bool first_only = false;  // stop at the first differing range
  size_t block_bytes = size_t{4} << 20;
  int threads = 2;
  // Compare image data straight from the page cache through read-only mappings; off,
  // every byte is pread into per-thread buffers first.
  bool use_mmap = true;
  // With use_mmap, only segments (one extent on each side) at least this long are
  // compared in place; shorter ones are pread, as faulting their pages in and releasing
  // them costs more than the copy.
  size_t map_min_bytes = size_t{1} << 20;
};

struct CompareResult {
  uint64_t size_a = 0, size_b = 0;
  std::vector<DiffRange> diffs;  // in offset order
  uint64_t read_bytes = 0;       // bytes actually read from either side
  bool same() const { return diffs.empty(); }
};

inline constexpr size_t kHeadBytes = 16;
// Runs of differing 512-byte sectors make one range.
inline constexpr uint64_t kDiffGranuleBytes = 512;

// Compares over the larger of the two sizes (the shorter side reads as zeros past its
// end, as `qemu-img compare` does without -s).
Result<CompareResult> Compare(const ContentSource& a, const ContentSource& b,
                              const CompareOptions& options = {});

// True when every byte of `data` is zero.
bool AllZero(std::span<const uint8_t> data);

}  // namespace snapsim::merge
