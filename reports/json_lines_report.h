#pragma once
// JSON lines for tools: one event per step, then one per scenario result.
// No wall-clock fields, so the same seed gives a byte-identical file.

#include <cstdint>
#include <string>
#include <vector>

#include "simulator/runner.h"

namespace snapsim::reports {

// `timings` adds each scenario's elapsed_ms (and so breaks byte-for-byte reproducibility).
std::string JsonLinesReport(uint64_t seed, const std::vector<simulator::ScenarioResult>& results,
                            bool timings = false, bool incomplete = false);

}  // namespace snapsim::reports
