// Extent maps and layer chains at scale. Target (issue 4): the view of a 32-layer chain
// of one million extents per layer in under one second.
#include <benchmark/benchmark.h>

#include <vector>

#include "core/random.h"
#include "merge/extent_map.h"
#include "merge/layer_chain.h"

namespace snapsim::merge {
namespace {

constexpr uint64_t kCluster = 64 << 10;

// A layer of `count` 64 KiB extents: one in each pair of cluster slots, the slot picked at
// random, each from a distinct place in layer `layer`'s file (so none coalesce).
ExtentMap MakeLayer(uint32_t layer, size_t count, Random& random) {
  ExtentMap map(2 * count * kCluster);
  map.Reserve(count);
  for (size_t i = 0; i < count; ++i) {
    const uint64_t slot = 2 * i + random.Uniform(2);
    map.Append(slot * kCluster, kCluster, ImageSource{layer, (count - i) * 2 * kCluster});
  }
  return map;
}

void BM_ChainView(benchmark::State& state) {
  const size_t layers = static_cast<size_t>(state.range(0));
  const size_t extents = static_cast<size_t>(state.range(1));
  Random random(42);
  std::vector<ExtentMap> chain;
  for (size_t i = 0; i < layers; ++i)
    chain.push_back(MakeLayer(static_cast<uint32_t>(i), extents, random));
  size_t view_extents = 0;
  for (auto _ : state) {
    ExtentMap view = ChainView(chain);
    view_extents = view.extents().size();
    benchmark::DoNotOptimize(view_extents);
  }
  state.counters["view_extents"] = static_cast<double>(view_extents);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * layers * extents));
}
BENCHMARK(BM_ChainView)->Args({32, 1 << 20})->Args({2, 1 << 20})->Unit(benchmark::kMillisecond);

void BM_CommitTopIntoParent(benchmark::State& state) {
  Random random(7);
  std::vector<ExtentMap> layers = {MakeLayer(0, 1 << 20, random), MakeLayer(1, 1 << 20, random)};
  for (auto _ : state) {
    LayerChain chain(layers);
    benchmark::DoNotOptimize(chain.Commit(1).ok());
  }
}
BENCHMARK(BM_CommitTopIntoParent)->Unit(benchmark::kMillisecond);

// The model's random walk: 64 KiB writes at random cluster-aligned offsets.
void BM_Random64KiBWrites(benchmark::State& state) {
  const uint64_t disk_clusters = static_cast<uint64_t>(state.range(0));
  Random random(1);
  ExtentMap map(disk_clusters * kCluster);
  for (uint64_t i = 0; i < disk_clusters / 2; ++i) {
    map.Write(random.Uniform(disk_clusters) * kCluster, kCluster, SeedSource{random.Uniform(4)});
  }
  for (auto _ : state) {
    map.Write(random.Uniform(disk_clusters) * kCluster, kCluster, SeedSource{random.Uniform(4)});
  }
  state.counters["extents"] = static_cast<double>(map.extents().size());
}
BENCHMARK(BM_Random64KiBWrites)->Arg(1 << 10)->Arg(1 << 16);

// Taking a snapshot copies the view; the first write after it pays for the clone once.
void BM_CopyThenRead(benchmark::State& state) {
  Random random(3);
  ExtentMap map = MakeLayer(0, 1 << 20, random);
  for (auto _ : state) {
    ExtentMap copy = map;
    benchmark::DoNotOptimize(copy.Find(12345 * kCluster));
  }
}
BENCHMARK(BM_CopyThenRead);

}  // namespace
}  // namespace snapsim::merge

BENCHMARK_MAIN();
