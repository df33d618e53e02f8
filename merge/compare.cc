#include "merge/compare.h"

#include <algorithm>
#include <atomic>
#include <cstring>
#include <thread>

#include <fmt/format.h>

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

// The bounds of `ranges` inside [lo, hi), or nullopt when none reach in.
std::optional<Range> BoundsIn(const std::vector<Range>& ranges, uint64_t lo, uint64_t hi) {
  auto it = std::upper_bound(ranges.begin(), ranges.end(), lo,
                             [](uint64_t v, const Range& r) { return v < r.second; });
  if (it == ranges.end() || it->first >= hi) return std::nullopt;
  uint64_t first = std::max(it->first, lo), last = first;
  for (; it != ranges.end() && it->first < hi; ++it) last = std::min(it->second, hi);
  return Range{first, last};
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
  std::vector<std::vector<DiffRange>> diffs = {};  // per block
  std::vector<Status> errors = {};                 // per block
  std::atomic<size_t> next{0};
  std::atomic<size_t> first_bad{SIZE_MAX};
  std::atomic<uint64_t> read_bytes{0};
};

void CompareBlock(Job& job, size_t index, std::vector<uint8_t>& buf_a, std::vector<uint8_t>& buf_b) {
  const uint64_t lo = job.blocks[index] * job.block_bytes;
  const uint64_t hi = std::min<uint64_t>(lo + job.block_bytes, job.size);
  const auto in_a = BoundsIn(job.data_a, lo, hi), in_b = BoundsIn(job.data_b, lo, hi);
  const uint64_t from = std::min(in_a ? in_a->first : hi, in_b ? in_b->first : hi);
  const uint64_t to = std::max(in_a ? in_a->second : lo, in_b ? in_b->second : lo);
  if (from >= to) return;
  const size_t n = static_cast<size_t>(to - from);
  Status status;
  if (in_a) status = job.a.Read(from, std::span(buf_a.data(), n));
  if (status.ok() && in_b) status = job.b.Read(from, std::span(buf_b.data(), n));
  if (!status.ok()) {
    job.errors[index] = status;
    return;
  }
  job.read_bytes += (in_a ? n : 0) + (in_b ? n : 0);
  std::vector<DiffRange>& out = job.diffs[index];
  if (in_a && in_b) {
    if (std::memcmp(buf_a.data(), buf_b.data(), n) != 0) {
      ScanDiffs(buf_a.data(), buf_b.data(), from, n, &out);
    }
  } else {
    const uint8_t* data = in_a ? buf_a.data() : buf_b.data();
    if (!AllZero(std::span(data, n))) {
      ScanDiffs(data, nullptr, from, n, &out);
      if (!in_a) {
        for (DiffRange& r : out) std::swap(r.head_a, r.head_b);  // data was on side b
      }
    }
  }
  if (!out.empty() && job.first_only) {
    size_t seen = job.first_bad.load();
    while (index < seen && !job.first_bad.compare_exchange_weak(seen, index)) {
    }
  }
}

void Worker(Job& job) {
  std::vector<uint8_t> buf_a(job.block_bytes), buf_b(job.block_bytes);
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
    return Status::Error(ErrorClass::kInvalidArg,
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
