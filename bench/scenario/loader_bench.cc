// Loading a 100-step scenario file (issue: well under a millisecond).
#include <benchmark/benchmark.h>

#include <string>
#include <variant>

#include <fmt/format.h>

#include "scenario/loader.h"

namespace snapsim::scenario {
namespace {

std::string HundredSteps() {
  std::string yaml = "snapsim: 1\nhypervisor: esx\nsteps:\n";
  for (int i = 0; i < 25; ++i) {
    yaml += fmt::format("  - write: {{offset: {}KiB, length: 4KiB, seed: {}}}\n", i * 4, i);
    yaml += fmt::format("  - create: S{}\n", i);
    yaml += "  - expect: {current: S" + std::to_string(i) + ", state: shutoff}\n";
    yaml += fmt::format("  - delete: {{name: S{}, metadata-only: true}}\n", i);
  }
  return yaml;
}

void BM_LoadHundredStepFile(benchmark::State& state) {
  const std::string yaml = HundredSteps();
  for (auto _ : state) {
    auto loaded = LoadScenarioText(yaml, "bench.yaml");
    if (!std::holds_alternative<Scenario>(loaded)) state.SkipWithError("did not load");
    benchmark::DoNotOptimize(loaded);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * yaml.size()));
}
BENCHMARK(BM_LoadHundredStepFile)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace snapsim::scenario

BENCHMARK_MAIN();
