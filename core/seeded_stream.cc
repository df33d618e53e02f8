#include "core/seeded_stream.h"

#include <bit>
#include <cstring>

namespace snapsim {

void SeededStream::Fill(uint64_t offset_bytes, std::span<uint8_t> out) const {
  uint8_t* dst = out.data();
  size_t left = out.size();
  // Head: bytes up to the next 8-byte boundary.
  while (left > 0 && (offset_bytes & 7) != 0) {
    *dst++ = ByteAt(offset_bytes++);
    --left;
  }
  // Body: whole words. Little-endian hosts store the word as is.
  uint64_t index = offset_bytes >> 3;
  size_t words = left / 8;
  for (size_t w = 0; w < words; ++w) {
    uint64_t value = Word(index + w);
    if constexpr (std::endian::native == std::endian::big) value = __builtin_bswap64(value);
    std::memcpy(dst + 8 * w, &value, 8);
  }
  dst += 8 * words;
  offset_bytes += 8 * words;
  left -= 8 * words;
  while (left > 0) {
    *dst++ = ByteAt(offset_bytes++);
    --left;
  }
}

size_t SeededStream::FirstMismatch(uint64_t offset_bytes, std::span<const uint8_t> data) const {
  for (size_t i = 0; i < data.size(); ++i) {
    if ((offset_bytes + i) % 8 == 0 && i + 8 <= data.size()) {
      uint64_t expected = Word((offset_bytes + i) >> 3);
      uint64_t actual;
      std::memcpy(&actual, data.data() + i, 8);
      if constexpr (std::endian::native == std::endian::big) expected = __builtin_bswap64(expected);
      if (expected == actual) {
        i += 7;
        continue;
      }
    }
    if (data[i] != ByteAt(offset_bytes + i)) return i;
  }
  return data.size();
}

}  // namespace snapsim
