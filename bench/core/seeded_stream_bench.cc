// Throughput of the seeded data generator (issue: at least 8 GB/s per core).
#include <benchmark/benchmark.h>

#include <vector>

#include "core/seeded_stream.h"

namespace snapsim {
namespace {

void BM_SeededStreamFill(benchmark::State& state) {
  const size_t length_bytes = static_cast<size_t>(state.range(0));
  std::vector<uint8_t> buffer(length_bytes);
  SeededStream stream(42);
  uint64_t offset = 0;
  for (auto _ : state) {
    stream.Fill(offset, buffer);
    benchmark::DoNotOptimize(buffer.data());
    benchmark::ClobberMemory();
    offset += length_bytes;
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * length_bytes));
}
BENCHMARK(BM_SeededStreamFill)->Arg(64 << 10)->Arg(1 << 20);

void BM_SeededStreamCheck(benchmark::State& state) {
  const size_t length_bytes = static_cast<size_t>(state.range(0));
  std::vector<uint8_t> buffer(length_bytes);
  SeededStream stream(42);
  stream.Fill(0, buffer);
  for (auto _ : state) {
    benchmark::DoNotOptimize(stream.FirstMismatch(0, buffer));
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * length_bytes));
}
BENCHMARK(BM_SeededStreamCheck)->Arg(1 << 20);

}  // namespace
}  // namespace snapsim

BENCHMARK_MAIN();
