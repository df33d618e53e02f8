#include "simulator/campaign.h"

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <thread>

namespace snapsim::simulator {

std::vector<Case> PlanCases(const std::vector<scenario::Scenario>& scenarios,
                            const std::vector<BackendFactory>& backends, Shard shard,
                            std::vector<LeftOut>* left_out) {
  // One instance per backend answers which profiles it implements (nothing is started).
  std::vector<std::unique_ptr<Backend>> probes;
  for (const auto& backend : backends) probes.push_back(backend.Make());
  std::map<std::pair<size_t, Profile>, int> none;
  std::vector<Case> cases;
  size_t index = 0;
  for (const auto& scenario : scenarios) {
    for (size_t b = 0; b < backends.size(); ++b) {
      if (!probes[b]->Implements(scenario.hypervisor)) {
        ++none[{b, scenario.hypervisor}];
        continue;
      }
      if (shard.Owns(index)) cases.push_back({&scenario, &backends[b], index});
      ++index;
    }
  }
  if (left_out != nullptr) {
    for (const auto& [key, pairs] : none) {
      left_out->push_back({backends[key.first].name(), key.second, pairs});
    }
  }
  return cases;
}

std::vector<ScenarioResult> RunCases(const std::vector<Case>& cases, int jobs,
                                     const std::function<void(size_t, ScenarioResult&)>& on_done,
                                     const std::function<bool()>& stop) {
  std::vector<ScenarioResult> results(cases.size());
  std::vector<char> started(cases.size(), 0);
  std::atomic<size_t> next{0};
  std::mutex done_mutex;
  auto worker = [&] {
    for (size_t i = next++; i < cases.size(); i = next++) {
      if (stop && stop()) break;
      started[i] = 1;
      const auto started = std::chrono::steady_clock::now();
      auto backend = cases[i].backend->Make();
      results[i] = RunScenario(*cases[i].scenario, *backend);
      results[i].elapsed_ms =
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started)
              .count();
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
  std::vector<ScenarioResult> ran;
  for (size_t i = 0; i < cases.size(); ++i) {
    if (started[i]) ran.push_back(std::move(results[i]));
  }
  return ran;
}

}  // namespace snapsim::simulator
