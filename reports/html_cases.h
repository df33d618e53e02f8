#pragma once
// The HTML report's case rows: one <details class="case"> per case, whose summary says
// status, backend, scenario and finding, and which opens to the failures, the step trace
// (model against backend, where they differ marked) and the scenario's text.

#include <array>
#include <map>
#include <string>
#include <vector>

#include "simulator/runner.h"

namespace snapsim::reports {

// The order statuses are counted and cases listed in: failures first.
inline constexpr std::array<simulator::Verdict, simulator::kVerdictCount> kStatusOrder = {
    simulator::Verdict::kFail, simulator::Verdict::kBackendFailure, simulator::Verdict::kKnown,
    simulator::Verdict::kPass, simulator::Verdict::kSkip};

// Indexes into `results`, by kStatusOrder, each status's cases in the order given.
std::vector<size_t> FailuresFirst(const std::vector<simulator::ScenarioResult>& results);

// Appends the row of `results[index]` (its id is "case-INDEX").
void AppendCase(const simulator::ScenarioResult& result, size_t index,
                const std::map<std::string, std::string>& scenario_texts, std::string& out);

}  // namespace snapsim::reports
