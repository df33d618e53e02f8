#pragma once
// Comparing a learned rule table (simulator/rule_learner.h) with the model's, profile by
// profile, and explaining each row where the backend differs from the nearest profile:
// the row's example path is replayed on the backend against that profile's model, and the
// divergence it shows is matched with the known findings.

#include <string>
#include <vector>

#include "simulator/known_findings.h"
#include "simulator/rule_learner.h"

namespace snapsim::simulator {

struct RowDifference {
  std::string situation;
  std::string backend;  // the effects as RuleTable::Text() prints them, or "(never reached)"
  std::string model;
};

struct TableComparison {
  Profile profile = Profile::kQemu;
  uint64_t agreeing = 0;
  std::vector<RowDifference> differences;  // in situation order
};

TableComparison CompareTables(const RuleTable& backend, const RuleTable& model, Profile profile);

// The comparison with the fewest differences (the first profile of kAllProfiles on a tie).
const TableComparison& Nearest(const std::vector<TableComparison>& comparisons);

struct ExplainedDifference {
  RowDifference row;
  scenario::Scenario example;  // the path to the situation and the operation, `error:` as
                               // the profile answers; replayable with `snapsim run`
  std::string finding;         // the known finding the replay matched, or empty
  std::string explanation;     // "known F23", "new divergence: ...", "no divergence ..."
};

// Replays each difference of `comparison` on `backend` (a fresh domain each).
// Throws BackendFailure when the backend fails.
std::vector<ExplainedDifference> ExplainDifferences(const LearnOptions& options,
                                                    const TableComparison& comparison,
                                                    const RuleTable& backend_table,
                                                    const RuleTable& model_table, Backend& backend,
                                                    const std::vector<KnownFinding>& known);

}  // namespace snapsim::simulator
