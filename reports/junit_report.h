#pragma once
// JUnit XML for CI gates: a testsuite per backend, a testcase per scenario.

#include <string>
#include <vector>

#include "simulator/runner.h"

namespace snapsim::reports {

// Deterministic: no timestamps or durations, results in the order given.
std::string JunitReport(const std::vector<simulator::ScenarioResult>& results);

}  // namespace snapsim::reports
