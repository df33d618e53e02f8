// Memory bandwidth references for the image comparison: memcmp of two equal buffers (the
// ceiling for comparing data against data) and the zero scan (data against a hole).
#include <benchmark/benchmark.h>

#include <cstring>
#include <vector>

#include "merge/compare.h"

namespace snapsim::merge {
namespace {

void BM_Memcmp(benchmark::State& state) {
  const size_t bytes = static_cast<size_t>(state.range(0));
  std::vector<uint8_t> a(bytes, 0x5a), b(bytes, 0x5a);
  for (auto _ : state) benchmark::DoNotOptimize(std::memcmp(a.data(), b.data(), bytes));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * bytes));
}
BENCHMARK(BM_Memcmp)->Arg(4 << 20)->Arg(256 << 20);

void BM_AllZero(benchmark::State& state) {
  const size_t bytes = static_cast<size_t>(state.range(0));
  std::vector<uint8_t> a(bytes, 0);
  for (auto _ : state) benchmark::DoNotOptimize(AllZero(a));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * bytes));
}
BENCHMARK(BM_AllZero)->Arg(4 << 20)->Arg(256 << 20);

}  // namespace
}  // namespace snapsim::merge

BENCHMARK_MAIN();
