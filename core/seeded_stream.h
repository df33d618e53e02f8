#pragma once
// The seeded data generator behind `write: {seed: N}`.
//
// Counter-based and keyed by the seed and the absolute disk offset, so any sub-range of
// a write can be produced or checked on its own. The formula is in docs/seeded-data.md
// and must never change: stored scenarios and reports depend on it.
//
//   key    = SplitMix64(seed)
//   x      = key + i * 0x9E3779B97F4A7C15          (i = offset / 8, mod 2^64)
//   word_i = Mix(x), Mix(x) = ((x ^ (x >> 32)) * 0xD6E8FEB86659FD93) ^ (... >> 32)
//   byte at offset o = byte (o % 8) of word_(o / 8), little-endian

#include <cstddef>
#include <cstdint>
#include <span>

namespace snapsim {

constexpr uint64_t kGoldenGamma = 0x9E3779B97F4A7C15ull;

// SplitMix64's output function for state `x + gamma` (Steele, Lea and Flood, 2014).
constexpr uint64_t SplitMix64(uint64_t x) {
  uint64_t z = x + kGoldenGamma;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

class SeededStream {
 public:
  explicit constexpr SeededStream(uint64_t seed) : seed_(seed), key_(SplitMix64(seed)) {}

  uint64_t seed() const { return seed_; }

  // The 8-byte word that covers offsets [8 * word_index, 8 * word_index + 8).
  constexpr uint64_t Word(uint64_t word_index) const {
    uint64_t x = key_ + word_index * kGoldenGamma;
    x = (x ^ (x >> 32)) * 0xD6E8FEB86659FD93ull;
    return x ^ (x >> 32);
  }

  constexpr uint8_t ByteAt(uint64_t offset_bytes) const {
    return static_cast<uint8_t>(Word(offset_bytes >> 3) >> (8 * (offset_bytes & 7)));
  }

  // Writes the stream's bytes for [offset_bytes, offset_bytes + out.size()) into `out`.
  void Fill(uint64_t offset_bytes, std::span<uint8_t> out) const;

  // Index of the first byte in `data` that differs from the stream at `offset_bytes`,
  // or data.size() when all match.
  size_t FirstMismatch(uint64_t offset_bytes, std::span<const uint8_t> data) const;

 private:
  uint64_t seed_;
  uint64_t key_;
};

}  // namespace snapsim
