#pragma once
// Test-only byte-array reference for extent maps: one token per byte saying what the byte
// is made of, so any map can be checked byte by byte against plain array operations.

#include <cstdint>
#include <optional>
#include <tuple>
#include <vector>

#include <rapidcheck.h>

#include "merge/extent_map.h"

namespace snapsim::merge::testing {

// What one byte is: the source kind, its parameter and (for images) the image byte.
struct Token {
  size_t kind = 0;
  uint64_t a = 0, b = 0;
  friend bool operator==(const Token&, const Token&) = default;
};
using Bytes = std::vector<std::optional<Token>>;  // nullopt = hole

inline Token TokenAt(const Source& source, uint64_t delta) {
  Token t{source.index(), 0, 0};
  if (const auto* f = std::get_if<FillSource>(&source)) t.a = f->byte;
  if (const auto* s = std::get_if<SeedSource>(&source)) t.a = s->seed;
  if (const auto* i = std::get_if<ImageSource>(&source)) {
    t.a = i->image_id;
    t.b = i->image_offset + delta;
  }
  return t;
}

inline void ReferenceWrite(Bytes* bytes, uint64_t offset, uint64_t length, const Source& s) {
  for (uint64_t i = 0; i < length; ++i) (*bytes)[offset + i] = TokenAt(s, i);
}

inline Bytes Expand(const ExtentMap& map, size_t size) {
  Bytes bytes(size);
  for (const Extent& e : map.extents()) {
    for (uint64_t i = 0; i < e.length && e.offset + i < size; ++i) {
      bytes[e.offset + i] = TokenAt(e.source, i);
    }
  }
  return bytes;
}

// Sorted, non-empty, non-overlapping, and no neighbour that should have been coalesced.
inline bool WellFormed(const ExtentMap& map) {
  const auto& all = map.extents();
  for (size_t i = 0; i < all.size(); ++i) {
    if (all[i].length == 0) return false;
    if (i == 0) continue;
    if (all[i - 1].end() > all[i].offset) return false;
    if (all[i - 1].end() == all[i].offset &&
        AdvanceSource(all[i - 1].source, all[i - 1].length) == all[i].source) {
      return false;
    }
  }
  return true;
}

inline rc::Gen<Source> GenSource() {
  return rc::gen::oneOf(
      rc::gen::just(Source{ZeroSource{}}),
      rc::gen::map(rc::gen::inRange<int>(0, 3),
                   [](int b) { return Source{FillSource{static_cast<uint8_t>(b)}}; }),
      rc::gen::map(rc::gen::inRange<uint64_t>(1, 3),
                   [](uint64_t s) { return Source{SeedSource{s}}; }),
      rc::gen::map(
          rc::gen::pair(rc::gen::inRange<uint32_t>(0, 2), rc::gen::inRange<uint64_t>(0, 300)),
          [](std::pair<uint32_t, uint64_t> p) {
            return Source{ImageSource{p.first, p.second}};
          }));
}

// One random write or punch on a disk of `size` bytes.
struct Op {
  bool punch = false;
  uint64_t offset = 0, length = 0;
  Source source;
};

inline rc::Gen<Op> GenOp(uint64_t size) {
  return rc::gen::exec([size] {
    Op op;
    op.offset = *rc::gen::inRange<uint64_t>(0, size);
    op.length = *rc::gen::inRange<uint64_t>(0, size - op.offset + 1);
    op.punch = *rc::gen::weightedElement<bool>({{1, true}, {4, false}});
    op.source = *GenSource();
    return op;
  });
}

inline void Apply(const Op& op, ExtentMap* map, Bytes* bytes) {
  if (op.punch) {
    map->Punch(op.offset, op.length);
    for (uint64_t i = 0; i < op.length; ++i) (*bytes)[op.offset + i].reset();
  } else {
    map->Write(op.offset, op.length, op.source);
    ReferenceWrite(bytes, op.offset, op.length, op.source);
  }
}

}  // namespace snapsim::merge::testing
