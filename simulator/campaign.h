#pragma once
// A campaign: every loaded scenario on every named backend, sharded and run on a pool of
// threads. Results come back in case order (scenario-major), whatever the thread timing.

#include <functional>
#include <vector>

#include "scenario/scenario.h"
#include "simulator/backend_registry.h"
#include "simulator/runner.h"

namespace snapsim::simulator {

struct Case {
  const scenario::Scenario* scenario;
  const BackendFactory* backend;
};

struct Shard {
  int index = 0;  // 0-based, as GoogleTest's GTEST_SHARD_INDEX and Kubernetes' job index
  int count = 1;
};

// The cases of `shard`: case i belongs to shard i % count. The shards of one count are
// disjoint and together complete.
std::vector<Case> PlanCases(const std::vector<scenario::Scenario>& scenarios,
                            const std::vector<BackendFactory>& backends, Shard shard);

// Runs `cases` on `jobs` threads. `on_done(i, result)` is called under a lock as each case
// finishes (for progress lines); the returned vector is in case order.
std::vector<ScenarioResult> RunCases(
    const std::vector<Case>& cases, int jobs,
    const std::function<void(size_t, const ScenarioResult&)>& on_done = {});

}  // namespace snapsim::simulator
