#pragma once
// Expected failures (`run --known FILE`), strict as pytest's xfail(strict=True): a case
// recorded in the known-findings file must still diverge exactly as recorded.
//   - A case entry (SCENARIO@BACKEND) whose pattern matches the case's first divergence
//     makes it `known` with the finding's name; a case that now passes fails ("F4 no
//     longer diverges: remove its line"); one that diverges otherwise stays `fail` and
//     says what was expected.
//   - A backend-wide entry (BACKENDS) matching a failing case's first divergence makes it
//     `known` too; it is never strict (it names no case).

#include <map>
#include <string>
#include <vector>

#include "simulator/known_findings.h"
#include "simulator/runner.h"

namespace snapsim::simulator {

// A known-findings file's entries for each backend of a run.
using KnownByBackend = std::map<std::string, std::vector<KnownFinding>>;

// Loads `path` once for every name in `backends`. Errors: the file's own (bad input).
Result<KnownByBackend> LoadKnownByBackend(const std::string& path,
                                          const std::vector<std::string>& backends);

// Applies the entries to one finished case; `path` names the file in messages.
void ApplyKnownFindings(const KnownByBackend& known, const std::string& path,
                        ScenarioResult& result);

}  // namespace snapsim::simulator
