#include "simulator/campaign.h"

#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>

namespace snapsim::simulator {

std::vector<Case> PlanCases(const std::vector<scenario::Scenario>& scenarios,
                            const std::vector<BackendFactory>& backends, Shard shard) {
  std::vector<Case> cases;
  size_t index = 0;
  for (const auto& scenario : scenarios) {
    for (const auto& backend : backends) {
      if (static_cast<int>(index++ % shard.count) == shard.index) {
        cases.push_back({&scenario, &backend});
      }
    }
  }
  return cases;
}

std::vector<ScenarioResult> RunCases(
    const std::vector<Case>& cases, int jobs,
    const std::function<void(size_t, const ScenarioResult&)>& on_done) {
  std::vector<ScenarioResult> results(cases.size());
  std::atomic<size_t> next{0};
  std::mutex done_mutex;
  auto worker = [&] {
    for (size_t i = next++; i < cases.size(); i = next++) {
      const auto started = std::chrono::steady_clock::now();
      auto backend = cases[i].backend->Make();
      results[i] = RunScenario(*cases[i].scenario, *backend);
      results[i].elapsed_ms = std::chrono::duration<double, std::milli>(
                                  std::chrono::steady_clock::now() - started).count();
      if (on_done) {
        std::lock_guard lock(done_mutex);
        on_done(i, results[i]);
      }
    }
  };
  const int threads = std::max(1, std::min<int>(jobs, static_cast<int>(cases.size())));
  std::vector<std::thread> pool;
  for (int t = 1; t < threads; ++t) pool.emplace_back(worker);
  worker();
  for (auto& thread : pool) thread.join();
  return results;
}

}  // namespace snapsim::simulator
