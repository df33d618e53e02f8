#pragma once
// Overflow-checked arithmetic for sizes and offsets that come from image files. Every
// product or sum of two numbers read from a file goes through these: nullopt means the
// result does not fit in 64 bits, which the readers report as corruption.

#include <cstdint>
#include <optional>

namespace snapsim::merge {

inline std::optional<uint64_t> CheckedAdd(uint64_t a, uint64_t b) {
  uint64_t out;
  if (__builtin_add_overflow(a, b, &out)) return std::nullopt;
  return out;
}

inline std::optional<uint64_t> CheckedMul(uint64_t a, uint64_t b) {
  uint64_t out;
  if (__builtin_mul_overflow(a, b, &out)) return std::nullopt;
  return out;
}

// True when [offset, offset + length) lies inside [0, size), without computing a sum
// that could wrap.
inline bool InBounds(uint64_t offset, uint64_t length, uint64_t size) {
  return offset <= size && length <= size - offset;
}

}  // namespace snapsim::merge
