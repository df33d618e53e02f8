#pragma once
// The HTML report's portability table: for each situation (reports/portability.h) and
// profile, what the profile's model does (outcome, state and disk layers after it), and
// what each real backend of this run did at the steps that met the same situation
// (simulator/situation.h). Rows where the profiles' models differ are highlighted.

#include <string>
#include <vector>

#include "simulator/runner.h"

namespace snapsim::reports {

void AppendPortability(const std::vector<simulator::ScenarioResult>& results, std::string& out);

}  // namespace snapsim::reports
