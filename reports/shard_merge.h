#pragma once
// `snapsim report merge`: the JSON-lines reports of a campaign's shards (`run`, `fuzz` or
// `explore --backend`, each written with --shard and --json) made into the one report the
// unsharded run writes, byte for byte. Every shard of the count must be there, once, from
// the same campaign (the same seed and options); a malformed line is FILE:LINE: error.

#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"
#include "simulator/runner.h"

namespace snapsim::reports {

struct MergedReport {
  std::string kind;         // "run", "fuzz" or "explore"
  std::string json;         // the merged JSON-lines report
  int shards = 0;           // how many were merged
  uint64_t seed = 0;        // run and fuzz
  bool incomplete = false;  // a shard was interrupted (run) or stopped early
  // run: every case's result, in the unsharded order (for JUnit and HTML).
  std::vector<simulator::ScenarioResult> results;
  // fuzz and explore: the merged report's lines in words, for the terminal and the
  // JUnit and HTML reports ("sequences: 4000 held", "divergence (3 transitions): ...").
  std::vector<std::string> summary;
  bool failed = false;  // fuzz: a counterexample; explore: a new divergence
};

// Bad input (a file that cannot be read, a line that is not a report's, shards missing,
// repeated or of another campaign) is a kBadInput status with the message to print.
Result<MergedReport> MergeShardReports(const std::vector<std::string>& paths);

}  // namespace snapsim::reports
