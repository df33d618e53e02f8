#include "merge/compare.h"

#include <algorithm>
#include <atomic>
#include <cstring>
#include <thread>

#include <fmt/format.h>

#include "merge/checked_math.h"

namespace snapsim::merge {
namespace {

using Range = std::pair<uint64_t, uint64_t>;  // [first, second)

bool IsKnownZero(const Source& source) {
  if (std::holds_alternative<ZeroSource>(source)) return true;
  const auto* fill = std::get_if<FillSource>(&source);
  return fill && fill->byte == 0;
}

// The ranges of `side` that must be read (not holes, not known zeros), coalesced.
std::vector<Range> DataRanges(const ContentSource& side) {
  std::vector<Range> out;
  const uint64_t size = side.size_bytes();
  for (const Extent& e : side.view().extents()) {
    if (e.offset >= size) break;
    if (IsKnownZero(e.source)) continue;
    const uint64_t end = std::min(e.end(), size);
    if (!out.empty() && out.back().second == e.offset) {
      out.back().second = end;
    } else {
      out.emplace_back(e.offset, end);
    }
  }
  return out;
}

// Appends the differing ranges of a and b (b == nullptr: zeros) over `n` bytes at `base`.
void ScanDiffs(const uint8_t* a, const uint8_t* b, uint64_t base, size_t n,
               std::vector<DiffRange>* out) {
  static const std::vector<uint8_t> kZeros(kDiffGranuleBytes, 0);
  size_t pos = 0;
  uint64_t previous_granule = UINT64_MAX;
  while (pos < n) {
    const uint64_t absolute = base + pos;
    const size_t len = static_cast<size_t>(
        std::min<uint64_t>(n - pos, kDiffGranuleBytes - absolute % kDiffGranuleBytes));
    const uint8_t* pb = b ? b + pos : kZeros.data();
    if (std::memcmp(a + pos, pb, len) != 0) {
      size_t first = len, last = 0, count = 0;
      for (size_t i = 0; i < len; ++i) {
        if (a[pos + i] != pb[i]) {
          first = std::min(first, i), last = i, ++count;
        }
      }
      const uint64_t granule = absolute / kDiffGranuleBytes;
      if (!out->empty() && previous_granule + 1 == granule) {
        DiffRange& r = out->back();
        r.length = absolute + last + 1 - r.offset;
        r.differing_bytes += count;
      } else {
        DiffRange r;
        r.offset = absolute + first;
        r.length = last + 1 - first;
        r.differing_bytes = count;
        const size_t head = std::min(kHeadBytes, n - (pos + first));
        r.head_a.assign(a + pos + first, a + pos + first + head);
        if (b) {
          r.head_b.assign(b + pos + first, b + pos + first + head);
        } else {
          r.head_b.assign(head, 0);
        }
        out->push_back(std::move(r));
      }
      previous_granule = granule;
    }
    pos += len;
  }
}

struct Job {
  const ContentSource& a;
  const ContentSource& b;
  std::vector<Range> data_a = {}, data_b = {};
  std::vector<uint64_t> blocks = {};  // indices of blocks holding data on either side
  uint64_t size = 0;
  size_t block_bytes = 0;
  bool first_only = false;
  size_t map_min_bytes = 0;                        // SIZE_MAX: never map
  std::vector<std::vector<DiffRange>> diffs = {};  // per block
  std::vector<Status> errors = {};                 // per block
  std::atomic<size_t> next{0};
  std::atomic<size_t> first_bad{SIZE_MAX};
  std::atomic<uint64_t> read_bytes{0};
};

// The ranges of file mappings one block went through, coalesced, released (dropped from
// the process, not from the page cache) when the block is done: resident memory stays at
// about a block per thread and side, whatever the size of the images.
class MappedRanges {
 public:
  void Add(const ImageFile* file, uint64_t at, uint64_t n) {
    if (!ranges_.empty() && ranges_.back().file == file && ranges_.back().end == at) {
      ranges_.back().end += n;
    } else {
      ranges_.push_back({file, at, at + n});
    }
  }
  void Release() {
    for (const Range& r : ranges_) r.file->ReleaseMapped(r.begin, r.end - r.begin);
    ranges_.clear();
  }

 private:
  struct Range {
    const ImageFile* file;
    uint64_t begin, end;
  };
  std::vector<Range> ranges_;
};

// The bytes of `side` over [offset, offset + n) where `e` (or a hole, if null) covers it:
// nullptr for known zeros, a pointer into the file's mapping (noted in `mapped`), or
// `buffer` after a read.
Result<const uint8_t*> SegmentBytes(const ContentSource& side, const Extent* e, uint64_t offset,
                                    size_t n, size_t map_min_bytes, std::vector<uint8_t>* buffer,
                                    MappedRanges* mapped) {
  if (e == nullptr || IsKnownZero(e->source)) return static_cast<const uint8_t*>(nullptr);
  if (const auto* image = std::get_if<ImageSource>(&e->source)) {
    const ImageFile* file = side.File(image->image_id);
    const uint64_t at = image->image_offset + (offset - e->offset);
    if (file && n >= map_min_bytes && InBounds(at, n, file->size_bytes())) {
      if (const uint8_t* mapping = file->Mapping()) {  // no sum above could wrap
        mapped->Add(file, at, n);
        return mapping + at;
      }
    }
    if (file) {
      if (buffer->size() < n) buffer->resize(n);
      if (Status s = file->ReadData(at, std::span(buffer->data(), n)); !s.ok()) return s;
      return static_cast<const uint8_t*>(buffer->data());
    }
  }
  if (buffer->size() < n) buffer->resize(n);  // only sources that cannot be mapped pay
  if (Status s = side.Read(offset, std::span(buffer->data(), n)); !s.ok()) return s;
  return static_cast<const uint8_t*>(buffer->data());
}

// Compares n bytes at `base`; a null side is zeros.
void CompareSpan(const uint8_t* a, const uint8_t* b, uint64_t base, size_t n,
                 std::vector<DiffRange>* out) {
  if (a && b) {
    if (std::memcmp(a, b, n) != 0) ScanDiffs(a, b, base, n, out);
  } else if (a || b) {
    const uint8_t* data = a ? a : b;
    if (AllZero(std::span(data, n))) return;
    const size_t before = out->size();
    ScanDiffs(data, nullptr, base, n, out);
    if (!a) {
      for (size_t i = before; i < out->size(); ++i) std::swap((*out)[i].head_a, (*out)[i].head_b);
    }
  }
}

// Walks the pieces of [lo, hi) over which both sides keep one source each.
Status CompareExtents(Job& job, uint64_t lo, uint64_t hi, std::vector<uint8_t>& buf_a,
                      std::vector<uint8_t>& buf_b, MappedRanges* mapped,
                      std::vector<DiffRange>* out) {
  const auto& ea = job.a.view().extents();
  const auto& eb = job.b.view().extents();
  size_t ia = job.a.view().LowerBound(lo), ib = job.b.view().LowerBound(lo);
  uint64_t pos = lo;
  while (pos < hi) {
    while (ia < ea.size() && ea[ia].end() <= pos) ++ia;
    while (ib < eb.size() && eb[ib].end() <= pos) ++ib;
    const Extent* xa = ia < ea.size() && ea[ia].offset <= pos ? &ea[ia] : nullptr;
    const Extent* xb = ib < eb.size() && eb[ib].offset <= pos ? &eb[ib] : nullptr;
    uint64_t end = hi;
    if (ia < ea.size()) end = std::min(end, xa ? ea[ia].end() : ea[ia].offset);
    if (ib < eb.size()) end = std::min(end, xb ? eb[ib].end() : eb[ib].offset);
    if (xa && xa->offset >= job.a.size_bytes()) xa = nullptr;  // past a side's end: zeros
    if (xb && xb->offset >= job.b.size_bytes()) xb = nullptr;
    const size_t n = static_cast<size_t>(end - pos);
    auto pa = SegmentBytes(job.a, xa, pos, n, job.map_min_bytes, &buf_a, mapped);
    if (!pa.ok()) return pa.status();
    auto pb = SegmentBytes(job.b, xb, pos, n, job.map_min_bytes, &buf_b, mapped);
    if (!pb.ok()) return pb.status();
    job.read_bytes += (pa.value() ? n : 0) + (pb.value() ? n : 0);
    CompareSpan(pa.value(), pb.value(), pos, n, out);
    pos = end;
  }
  return Status::Ok();
}

void CompareBlock(Job& job, size_t index, std::vector<uint8_t>& buf_a,
                  std::vector<uint8_t>& buf_b) {
  const uint64_t lo = job.blocks[index] * job.block_bytes;
  const uint64_t hi = std::min<uint64_t>(lo + job.block_bytes, job.size);
  std::vector<DiffRange>& out = job.diffs[index];
  MappedRanges mapped;
  Status s = CompareExtents(job, lo, hi, buf_a, buf_b, &mapped, &out);
  mapped.Release();
  if (!s.ok()) {
    job.errors[index] = s;
    return;
  }
  if (!out.empty() && job.first_only) {
    size_t seen = job.first_bad.load();
    while (index < seen && !job.first_bad.compare_exchange_weak(seen, index)) {
    }
  }
}

void Worker(Job& job) {
  std::vector<uint8_t> buf_a, buf_b;  // grown on first use, up to one block
  for (size_t i = job.next++; i < job.blocks.size(); i = job.next++) {
    if (job.first_only && i > job.first_bad.load()) break;  // blocks are taken in order
    CompareBlock(job, i, buf_a, buf_b);
  }
}

// Block indices touched by either list of ranges, sorted and unique.
std::vector<uint64_t> BlocksOf(const std::vector<Range>& a, const std::vector<Range>& b,
                               uint64_t block_bytes) {
  std::vector<uint64_t> blocks;
  for (const auto* ranges : {&a, &b}) {
    for (const Range& r : *ranges) {
      for (uint64_t k = r.first / block_bytes; k <= (r.second - 1) / block_bytes; ++k) {
        if (blocks.empty() || blocks.back() != k) blocks.push_back(k);
      }
    }
  }
  std::sort(blocks.begin(), blocks.end());
  blocks.erase(std::unique(blocks.begin(), blocks.end()), blocks.end());
  return blocks;
}

}  // namespace

bool AllZero(std::span<const uint8_t> data) {
  const uint8_t* p = data.data();
  size_t n = data.size();
  constexpr size_t kStride = 256;
  while (n >= kStride) {
    uint64_t words[kStride / 8];
    std::memcpy(words, p, kStride);
    uint64_t acc = 0;
    for (uint64_t w : words) acc |= w;
    if (acc != 0) return false;
    p += kStride, n -= kStride;
  }
  for (size_t i = 0; i < n; ++i) {
    if (p[i] != 0) return false;
  }
  return true;
}

Status PredictedContent::Read(uint64_t offset, std::span<uint8_t> out) const {
  if (!ReadSynthetic(map_, offset, out)) {
    return Status::Failure(Fault::kBadInput,
                           fmt::format("{}: a predicted view cannot hold image extents", name_));
  }
  return Status::Ok();
}

Result<CompareResult> Compare(const ContentSource& a, const ContentSource& b,
                              const CompareOptions& options) {
  Job job{a, b};
  job.data_a = DataRanges(a);
  job.data_b = DataRanges(b);
  job.size = std::max(a.size_bytes(), b.size_bytes());
  job.block_bytes = std::max<size_t>(options.block_bytes, kDiffGranuleBytes);
  job.first_only = options.first_only;
  job.map_min_bytes = options.use_mmap ? options.map_min_bytes : SIZE_MAX;
  job.blocks = BlocksOf(job.data_a, job.data_b, job.block_bytes);
  job.diffs.resize(job.blocks.size());
  job.errors.resize(job.blocks.size());
  const int threads = std::clamp<int>(options.threads, 1, 64);
  if (threads == 1 || job.blocks.size() < 2) {
    Worker(job);
  } else {
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t) pool.emplace_back([&job] { Worker(job); });
    for (auto& thread : pool) thread.join();
  }
  CompareResult result;
  result.size_a = a.size_bytes();
  result.size_b = b.size_bytes();
  result.read_bytes = job.read_bytes;
  for (size_t i = 0; i < job.blocks.size(); ++i) {
    if (!job.errors[i].ok()) return job.errors[i];
    for (DiffRange& r : job.diffs[i]) {
      if (!result.diffs.empty()) {
        DiffRange& last = result.diffs.back();
        const uint64_t last_granule = (last.offset + last.length - 1) / kDiffGranuleBytes;
        if (r.offset / kDiffGranuleBytes <= last_granule + 1) {
          last.length = r.offset + r.length - last.offset;
          last.differing_bytes += r.differing_bytes;
          continue;
        }
      }
      result.diffs.push_back(std::move(r));
    }
    if (options.first_only && !result.diffs.empty() && i >= job.first_bad.load()) break;
  }
  if (options.first_only && result.diffs.size() > 1) result.diffs.resize(1);
  return result;
}

}  // namespace snapsim::merge
