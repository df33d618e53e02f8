#pragma once
// A seeded pseudo-random generator (xoshiro256**, seeded through SplitMix64).
// Nothing in snapsim uses rand() or the wall clock: randomness is passed in as a Random.

#include <cstdint>

#include "core/seeded_stream.h"

namespace snapsim {

class Random {
 public:
  explicit Random(uint64_t seed) {
    uint64_t x = seed;
    for (uint64_t& word : state_) {
      word = SplitMix64(x);
      x += kGoldenGamma;
    }
  }

  uint64_t Next() {
    const uint64_t result = Rotl(state_[1] * 5, 7) * 9;
    const uint64_t t = state_[1] << 17;
    state_[2] ^= state_[0];
    state_[3] ^= state_[1];
    state_[1] ^= state_[2];
    state_[0] ^= state_[3];
    state_[2] ^= t;
    state_[3] = Rotl(state_[3], 45);
    return result;
  }

  // Uniform in [0, bound), bound > 0 (Lemire's multiply-shift, slightly biased; fine here).
  uint64_t Uniform(uint64_t bound) {
    return static_cast<uint64_t>((static_cast<unsigned __int128>(Next()) * bound) >> 64);
  }
  bool OneIn(uint64_t n) { return Uniform(n) == 0; }

 private:
  static uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t state_[4];
};

}  // namespace snapsim
