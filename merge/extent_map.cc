#include "merge/extent_map.h"

#include <algorithm>
#include <cstring>

#include <fmt/format.h>

#include "core/seeded_stream.h"

namespace snapsim::merge {

Source AdvanceSource(const Source& source, uint64_t delta) {
  if (const auto* image = std::get_if<ImageSource>(&source)) {
    return ImageSource{image->image_id, image->image_offset + delta};
  }
  return source;  // fill, zero and seeded content do not depend on the extent's start
}

namespace {

// True when `next`, starting where `prev` ends, continues prev's content.
bool Continues(const Extent& prev, const Extent& next) {
  if (prev.end() != next.offset) return false;
  return AdvanceSource(prev.source, prev.length) == next.source;
}

}  // namespace

uint64_t ExtentMap::allocated_bytes() const {
  uint64_t total = 0;
  for (const Extent& extent : extents_) total += extent.length;
  return total;
}

size_t ExtentMap::LowerBound(uint64_t offset) const {
  auto it = std::upper_bound(extents_.begin(), extents_.end(), offset,
                             [](uint64_t value, const Extent& e) { return value < e.end(); });
  return static_cast<size_t>(it - extents_.begin());
}

const Extent* ExtentMap::Find(uint64_t offset) const {
  size_t index = LowerBound(offset);
  if (index == extents_.size() || extents_[index].offset > offset) return nullptr;
  return &extents_[index];
}

void ExtentMap::Punch(uint64_t offset, uint64_t length) {
  if (length == 0) return;
  const uint64_t end = offset + length;
  size_t first = LowerBound(offset);
  size_t last = first;  // one past the last extent overlapping [offset, end)
  while (last < extents_.size() && extents_[last].offset < end) ++last;
  if (first == last) return;

  std::vector<Extent> keep;
  const Extent& head = extents_[first];
  if (head.offset < offset) keep.push_back({head.offset, offset - head.offset, head.source});
  const Extent& tail = extents_[last - 1];
  if (tail.end() > end) {
    keep.push_back({end, tail.end() - end, AdvanceSource(tail.source, end - tail.offset)});
  }
  extents_.erase(extents_.begin() + first, extents_.begin() + last);
  extents_.insert(extents_.begin() + first, keep.begin(), keep.end());
}

void ExtentMap::Write(uint64_t offset, uint64_t length, const Source& source) {
  if (length == 0) return;
  Punch(offset, length);
  size_t index = LowerBound(offset);
  extents_.insert(extents_.begin() + index, Extent{offset, length, source});
  Coalesce(index == 0 ? 0 : index - 1, std::min(index + 1, extents_.size() - 1));
}

void ExtentMap::Coalesce(size_t first, size_t last) {
  // Merge neighbours in [first, last] that continue each other.
  for (size_t i = last; i > first; --i) {
    if (Continues(extents_[i - 1], extents_[i])) {
      extents_[i - 1].length += extents_[i].length;
      extents_.erase(extents_.begin() + i);
    }
  }
}

std::string ExtentMap::DebugString() const {
  std::string out;
  for (const Extent& e : extents_) {
    out += fmt::format("[{:#x}+{:#x} ", e.offset, e.length);
    std::visit(
        [&](const auto& s) {
          using T = std::decay_t<decltype(s)>;
          if constexpr (std::is_same_v<T, ZeroSource>) out += "zero";
          if constexpr (std::is_same_v<T, FillSource>) out += fmt::format("fill {:#04x}", s.byte);
          if constexpr (std::is_same_v<T, SeedSource>) out += fmt::format("seed {}", s.seed);
          if constexpr (std::is_same_v<T, ImageSource>)
            out += fmt::format("image {}@{:#x}", s.image_id, s.image_offset);
        },
        e.source);
    out += "] ";
  }
  return out;
}

namespace {

// Normal form of a source for content comparison: zero fills are zero.
Source Normalize(const Source& source) {
  if (const auto* fill = std::get_if<FillSource>(&source); fill && fill->byte == 0) {
    return ZeroSource{};
  }
  return source;
}

// Content equality of two sources over [offset, offset + length).
bool SameBytes(const Source& a, const Source& b, uint64_t offset, uint64_t length) {
  Source na = Normalize(a), nb = Normalize(b);
  if (na == nb) return true;
  if (std::holds_alternative<ImageSource>(na) || std::holds_alternative<ImageSource>(nb)) {
    return false;
  }
  // Different synthetic kinds: compare byte values in chunks.
  std::vector<uint8_t> buf_a(std::min<uint64_t>(length, 1 << 16)), buf_b(buf_a.size());
  for (uint64_t done = 0; done < length; done += buf_a.size()) {
    size_t n = static_cast<size_t>(std::min<uint64_t>(buf_a.size(), length - done));
    ExtentMap ma, mb;
    ma.Write(offset + done, n, na);
    mb.Write(offset + done, n, nb);
    ReadSynthetic(ma, offset + done, std::span(buf_a.data(), n));
    ReadSynthetic(mb, offset + done, std::span(buf_b.data(), n));
    if (std::memcmp(buf_a.data(), buf_b.data(), n) != 0) return false;
  }
  return true;
}

}  // namespace

bool SameContent(const ExtentMap& a, const ExtentMap& b) {
  // Walk both maps over the union of their boundaries.
  const auto& ea = a.extents();
  const auto& eb = b.extents();
  size_t ia = 0, ib = 0;
  uint64_t pos = 0;
  const uint64_t end = std::max(a.size_bytes(), b.size_bytes());
  while (pos < end) {
    while (ia < ea.size() && ea[ia].end() <= pos) ++ia;
    while (ib < eb.size() && eb[ib].end() <= pos) ++ib;
    const bool in_a = ia < ea.size() && ea[ia].offset <= pos;
    const bool in_b = ib < eb.size() && eb[ib].offset <= pos;
    uint64_t next = end;
    if (ia < ea.size()) next = std::min(next, in_a ? ea[ia].end() : ea[ia].offset);
    if (ib < eb.size()) next = std::min(next, in_b ? eb[ib].end() : eb[ib].offset);
    Source sa = in_a ? AdvanceSource(ea[ia].source, pos - ea[ia].offset) : Source{ZeroSource{}};
    Source sb = in_b ? AdvanceSource(eb[ib].source, pos - eb[ib].offset) : Source{ZeroSource{}};
    if (!SameBytes(sa, sb, pos, next - pos)) return false;
    pos = next;
  }
  return true;
}

bool ReadSynthetic(const ExtentMap& map, uint64_t offset, std::span<uint8_t> out) {
  std::memset(out.data(), 0, out.size());
  const uint64_t end = offset + out.size();
  for (size_t i = map.LowerBound(offset); i < map.extents().size(); ++i) {
    const Extent& e = map.extents()[i];
    if (e.offset >= end) break;
    const uint64_t from = std::max(e.offset, offset);
    const uint64_t to = std::min(e.end(), end);
    std::span<uint8_t> dst = out.subspan(from - offset, to - from);
    if (const auto* fill = std::get_if<FillSource>(&e.source)) {
      std::memset(dst.data(), fill->byte, dst.size());
    } else if (const auto* seed = std::get_if<SeedSource>(&e.source)) {
      SeededStream(seed->seed).Fill(from, dst);
    } else if (std::holds_alternative<ImageSource>(e.source)) {
      return false;
    }
  }
  return true;
}

}  // namespace snapsim::merge
