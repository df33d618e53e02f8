#pragma once
// One self-contained HTML page: the scenarios-by-backends matrix (pass, fail, skip, with
// the divergence details) and the model's portability matrix across profiles.

#include <cstdint>
#include <string>
#include <vector>

#include "simulator/runner.h"

namespace snapsim::reports {

// Deterministic: no timestamps; rows in the order given, columns sorted by backend name.
std::string HtmlReport(uint64_t seed, const std::vector<simulator::ScenarioResult>& results,
                       bool incomplete = false);

}  // namespace snapsim::reports
