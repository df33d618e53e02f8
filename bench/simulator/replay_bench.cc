// Differential replay throughput: model, backend and comparison together, over the
// scenario corpus of one profile (issue: at least 3,000 operations per second on
// libvirt-test). Run from the repository root (it reads scenarios/).
#include <benchmark/benchmark.h>

#include <variant>

#include "scenario/loader.h"
#include "simulator/backend_registry.h"
#include "simulator/backends/all_backends.h"
#include "simulator/runner.h"

namespace snapsim::simulator {
namespace {

std::vector<scenario::Scenario> Corpus(const std::string& folder) {
  std::vector<scenario::Scenario> out;
  auto files = scenario::CollectScenarioFiles({folder});
  if (!std::holds_alternative<std::vector<std::string>>(files)) return out;
  for (const auto& file : std::get<std::vector<std::string>>(files)) {
    auto loaded = scenario::LoadScenarioFile(file);
    if (auto* s = std::get_if<scenario::Scenario>(&loaded)) out.push_back(std::move(*s));
  }
  return out;
}

void Replay(benchmark::State& state, const char* backend_name, const char* folder) {
  const auto corpus = Corpus(folder);
  RegisterAllBackends();
  auto factory = BackendFactory::ForName(backend_name);
  if (corpus.empty() || !factory.ok()) {
    state.SkipWithError("no corpus (run from the repository root) or backend unavailable");
    return;
  }
  int64_t operations = 0;
  for (auto _ : state) {
    for (const auto& s : corpus) {
      auto backend = factory->Make();
      ScenarioResult result = RunScenario(s, *backend);
      if (result.verdict == Verdict::kSkip) continue;
      operations += static_cast<int64_t>(result.events.size());
    }
  }
  state.counters["ops_per_s"] =
      benchmark::Counter(static_cast<double>(operations), benchmark::Counter::kIsRate);
  state.counters["scenarios"] = static_cast<double>(corpus.size());
}

BENCHMARK_CAPTURE(Replay, model_test, "model", "scenarios/test")
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK_CAPTURE(Replay, libvirt_test, "libvirt-test", "scenarios/test")
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK_CAPTURE(Replay, qemu_img, "qemu-img", "scenarios/qemu")
    ->Unit(benchmark::kMillisecond)
    ->Iterations(3)
    ->UseRealTime();

}  // namespace
}  // namespace snapsim::simulator

BENCHMARK_MAIN();
