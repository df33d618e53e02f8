#pragma once
// `snapsim run --rerun-failed REPORT.json`: the cases a JSON-lines report (`--json`)
// recorded as failed (`fail` or `backend-failure`), by case name FILE@BACKEND, for the
// run to keep only those (pytest's --last-failed, from a file CI keeps as an artifact).

#include <set>
#include <string>

#include "core/status.h"

namespace snapsim::cli {

// Errors (bad input): the file cannot be read, a line is not a JSON object, or the file
// holds no `run` event (it is not a snapsim report).
Result<std::set<std::string>> LoadFailedCases(const std::string& report_path);

}  // namespace snapsim::cli
