// Model throughput: a seeded random walk (metadata operations mixed with 64 KiB writes),
// and the time `snapsim explore --hypervisor esx --depth 6 --names 3` takes.
#include <benchmark/benchmark.h>

#include <vector>

#include "core/random.h"
#include "model/explore.h"
#include "model/model.h"

namespace snapsim::model {
namespace {

constexpr uint64_t kDiskBytes = 64ull << 20;
constexpr uint64_t kWriteBytes = 64 << 10;

// A pool of steps drawn once from a seeded Random; the walk cycles through it, so the
// state keeps evolving (snapshots come and go, refused steps included).
std::vector<scenario::Action> WalkSteps(Profile profile, uint64_t seed, size_t count) {
  Random random(seed);
  const char* names[] = {"a", "b", "c", "d"};
  std::vector<scenario::Action> steps;
  steps.reserve(count);
  while (steps.size() < count) {
    const std::string name = names[random.Uniform(4)];
    switch (random.Uniform(10)) {
      case 0: steps.push_back(scenario::Start{}); break;
      case 1:
        steps.push_back(random.OneIn(2)
                            ? scenario::Action(scenario::Shutdown{})
                            : scenario::Action(random.OneIn(2)
                                                   ? scenario::Action(scenario::Pause{})
                                                   : scenario::Action(scenario::Resume{})));
        break;
      case 2:
      case 3:
      case 4: {
        const uint64_t offset = random.Uniform(kDiskBytes / kWriteBytes) * kWriteBytes;
        steps.push_back(
            scenario::Write{"vda", offset, kWriteBytes, scenario::Seed{random.Uniform(1000)}});
        break;
      }
      case 5:
      case 6: steps.push_back(scenario::Create{name}); break;
      case 7: {
        scenario::Delete d{name};
        d.children = random.OneIn(4);
        steps.push_back(d);
        break;
      }
      default: steps.push_back(scenario::Revert{name}); break;
    }
  }
  return steps;
}

void BM_RandomWalk(benchmark::State& state) {
  const auto profile = static_cast<Profile>(state.range(0));
  const std::vector<scenario::Action> steps = WalkSteps(profile, /*seed=*/42, 1 << 16);
  Model model(profile, PowerState::kRunning, {{"vda", kDiskBytes}});
  size_t i = 0;
  int64_t refused = 0;
  for (auto _ : state) {
    refused += !model.Apply(steps[i]).ok();
    if (++i == steps.size()) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["refused%"] =
      100.0 * static_cast<double>(refused) / static_cast<double>(state.iterations());
  state.SetLabel(std::string(ProfileName(profile)));
}
BENCHMARK(BM_RandomWalk)->DenseRange(0, 3);

void BM_ExploreEsxDepth6Names3(benchmark::State& state) {
  ExploreOptions options;
  options.profile = Profile::kEsx;
  options.depth = 6;
  options.names = 3;
  uint64_t states = 0;
  for (auto _ : state) {
    const ExploreResult result = Explore(options);
    states = result.states;
    benchmark::DoNotOptimize(result.transitions);
  }
  state.counters["states"] = static_cast<double>(states);
}
BENCHMARK(BM_ExploreEsxDepth6Names3)->Unit(benchmark::kSecond)->Iterations(1);

}  // namespace
}  // namespace snapsim::model

BENCHMARK_MAIN();
