#include "merge/extent_map.h"

#include <algorithm>
#include <array>
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

bool Continues(const Extent& prev, const Extent& next) {
  if (prev.end() != next.offset || prev.source.index() != next.source.index()) return false;
  if (const auto* image = std::get_if<ImageSource>(&prev.source)) {
    const auto& other = std::get<ImageSource>(next.source);
    return image->image_id == other.image_id &&
           image->image_offset + prev.length == other.image_offset;
  }
  return prev.source == next.source;
}

namespace {

const std::vector<Extent>& EmptyExtents() {
  static const std::vector<Extent> empty;
  return empty;
}

}  // namespace

ExtentMap ExtentMap::FromSortedExtents(uint64_t size_bytes, std::vector<Extent> extents) {
  ExtentMap map(size_bytes);
  if (!extents.empty()) map.extents_ = std::make_shared<std::vector<Extent>>(std::move(extents));
  return map;
}

const std::vector<Extent>& ExtentMap::extents() const {
  return extents_ ? *extents_ : EmptyExtents();
}

std::vector<Extent>& ExtentMap::Mutable() {
  if (!extents_) {
    extents_ = std::make_shared<std::vector<Extent>>();
  } else if (extents_.use_count() > 1) {
    extents_ = std::make_shared<std::vector<Extent>>(*extents_);
  }
  return *extents_;
}

void ExtentMap::Reserve(size_t extent_count) { Mutable().reserve(extent_count); }

uint64_t ExtentMap::allocated_bytes() const {
  uint64_t total = 0;
  for (const Extent& extent : extents()) total += extent.length;
  return total;
}

size_t ExtentMap::LowerBound(uint64_t offset) const {
  const auto& all = extents();
  auto it = std::upper_bound(all.begin(), all.end(), offset,
                             [](uint64_t value, const Extent& e) { return value < e.end(); });
  return static_cast<size_t>(it - all.begin());
}

const Extent* ExtentMap::Find(uint64_t offset) const {
  size_t index = LowerBound(offset);
  const auto& all = extents();
  if (index == all.size() || all[index].offset > offset) return nullptr;
  return &all[index];
}

void ExtentMap::Splice(size_t first, size_t last, std::span<const Extent> pieces) {
  std::vector<Extent>& v = Mutable();
  const size_t removed = last - first;
  if (pieces.size() > removed) {
    v.insert(v.begin() + static_cast<ptrdiff_t>(last), pieces.size() - removed, Extent{});
  } else if (pieces.size() < removed) {
    v.erase(v.begin() + static_cast<ptrdiff_t>(first + pieces.size()),
            v.begin() + static_cast<ptrdiff_t>(last));
  }
  std::copy(pieces.begin(), pieces.end(), v.begin() + static_cast<ptrdiff_t>(first));
}

void ExtentMap::Punch(uint64_t offset, uint64_t length) {
  if (length == 0) return;
  const uint64_t end = offset + length;
  const auto& all = extents();
  size_t first = LowerBound(offset);
  size_t last = first;  // one past the last extent overlapping [offset, end)
  while (last < all.size() && all[last].offset < end) ++last;
  if (first == last) return;

  std::array<Extent, 2> keep;
  size_t count = 0;
  const Extent& head = all[first];
  if (head.offset < offset) keep[count++] = {head.offset, offset - head.offset, head.source};
  const Extent& tail = all[last - 1];
  if (tail.end() > end) {
    keep[count++] = {end, tail.end() - end, AdvanceSource(tail.source, end - tail.offset)};
  }
  Splice(first, last, std::span(keep.data(), count));
}

void ExtentMap::Write(uint64_t offset, uint64_t length, const Source& source) {
  if (length == 0) return;
  const uint64_t end = offset + length;
  const auto& all = extents();
  size_t first = LowerBound(offset);
  size_t last = first;
  while (last < all.size() && all[last].offset < end) ++last;

  // The replacement: what survives of the first and last overlapped extents around the
  // new one, then merged with whatever continues it (including untouched neighbours).
  std::array<Extent, 3> pieces;
  size_t count = 0;
  if (first < last && all[first].offset < offset) {
    const Extent& head = all[first];
    pieces[count++] = {head.offset, offset - head.offset, head.source};
  }
  pieces[count++] = {offset, length, source};
  if (first < last && all[last - 1].end() > end) {
    const Extent& tail = all[last - 1];
    pieces[count++] = {end, tail.end() - end, AdvanceSource(tail.source, end - tail.offset)};
  }
  if (first > 0 && Continues(all[first - 1], pieces[0])) {
    --first;
    pieces[0] = {all[first].offset, all[first].length + pieces[0].length, all[first].source};
  }
  if (last < all.size() && Continues(pieces[count - 1], all[last])) {
    pieces[count - 1].length += all[last].length;
    ++last;
  }
  size_t merged = 1;
  for (size_t i = 1; i < count; ++i) {
    if (Continues(pieces[merged - 1], pieces[i])) {
      pieces[merged - 1].length += pieces[i].length;
    } else {
      pieces[merged++] = pieces[i];
    }
  }
  Splice(first, last, std::span(pieces.data(), merged));
}

void ExtentMap::Append(uint64_t offset, uint64_t length, const Source& source) {
  if (length == 0) return;
  std::vector<Extent>& v = Mutable();
  Extent next{offset, length, source};
  if (!v.empty() && Continues(v.back(), next)) {
    v.back().length += length;
  } else {
    v.push_back(std::move(next));
  }
}

std::string ExtentMap::DebugString() const {
  std::string out;
  for (const Extent& e : extents()) {
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

// Bytes of a synthetic source at absolute disk offset `offset`.
void FillFrom(const Source& source, uint64_t offset, std::span<uint8_t> out) {
  if (const auto* fill = std::get_if<FillSource>(&source)) {
    std::memset(out.data(), fill->byte, out.size());
  } else if (const auto* seed = std::get_if<SeedSource>(&source)) {
    SeededStream(seed->seed).Fill(offset, out);
  } else {
    std::memset(out.data(), 0, out.size());
  }
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
    FillFrom(na, offset + done, std::span(buf_a.data(), n));
    FillFrom(nb, offset + done, std::span(buf_b.data(), n));
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
  const auto& all = map.extents();
  for (size_t i = map.LowerBound(offset); i < all.size(); ++i) {
    const Extent& e = all[i];
    if (e.offset >= end) break;
    if (std::holds_alternative<ImageSource>(e.source)) return false;
    const uint64_t from = std::max(e.offset, offset);
    const uint64_t to = std::min(e.end(), end);
    FillFrom(e.source, from, out.subspan(from - offset, to - from));
  }
  return true;
}

}  // namespace snapsim::merge
