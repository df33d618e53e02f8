#pragma once
// JUnit XML for CI gates: a testsuite per backend, a testcase per scenario.

#include <string>
#include <vector>

#include "simulator/runner.h"

namespace snapsim::reports {

// Deterministic: no timestamps or durations, results in the order given.
// `incomplete`: the run was interrupted before every case ran (a property of each suite).
std::string JunitReport(const std::vector<simulator::ScenarioResult>& results,
                        bool incomplete = false);

}  // namespace snapsim::reports
