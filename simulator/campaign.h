#pragma once
// A campaign: every loaded scenario on every named backend, sharded and run on a pool of
// threads. Results come back in case order (scenario-major), whatever the thread timing.

#include <functional>
#include <vector>

#include "scenario/scenario.h"
#include "simulator/backend_registry.h"
#include "simulator/runner.h"
#include "simulator/shard.h"

namespace snapsim::simulator {

struct Case {
  const scenario::Scenario* scenario;
  const BackendFactory* backend;
  uint64_t index = 0;  // its place among the cases of every shard (the unsharded plan)
};

// Scenario x backend pairs that are no case: the backend does not implement the scenario's
// profile at all (libvirt-test and a qemu file), so it never could run. Counted, by
// backend and profile, for the summary.
struct LeftOut {
  std::string backend;
  Profile profile;
  int pairs = 0;
};

// The cases of `shard`: of the pairs whose backend implements the scenario's profile,
// pair i belongs to shard i % count. The shards of one count are disjoint and together
// complete. `left_out`, when given, receives the pairs that are no case.
std::vector<Case> PlanCases(const std::vector<scenario::Scenario>& scenarios,
                            const std::vector<BackendFactory>& backends, Shard shard,
                            std::vector<LeftOut>* left_out = nullptr);

// Runs `cases` on `jobs` threads. `on_done(i, result)` is called under a lock as each case
// finishes (for progress lines, known findings); the returned vector is in case order.
// Once `stop()` says so, no further case starts; the result then holds the cases that
// started, still in case order.
std::vector<ScenarioResult> RunCases(
    const std::vector<Case>& cases, int jobs,
    const std::function<void(size_t, ScenarioResult&)>& on_done = {},
    const std::function<bool()>& stop = {});

}  // namespace snapsim::simulator
