#pragma once
// What `snapsim run` prints while and after it runs, for a terminal and for a CI log:
//   - every failure as it is known (in case order, whatever the jobs), with its replay;
//   - with -v, one line per case (status, backend, file; time with --timings);
//   - on a terminal, a live "[k/N] elapsed ETA" line on stderr;
//   - at the end a summary: counts by backend, the pairs left out, skips grouped by
//     reason, and every failure and known case by name (pytest's -rA);
//   - with --annotations github, "::error file=F,line=L::message" for each failure.
// --quiet keeps the failures and the summary only.

#include <cstdio>
#include <string>
#include <vector>

#include "simulator/campaign.h"
#include "simulator/runner.h"

namespace snapsim::cli {

struct OutputOptions {
  bool quiet = false;
  bool verbose = false;
  bool timings = false;
  bool progress = false;  // a live line on stderr (a terminal)
  bool github = false;    // GitHub Actions annotations
};

class RunPrinter {
 public:
  RunPrinter(OutputOptions options, size_t cases) : options_(options), cases_(cases) {}

  // A finished case, called in case order.
  void Case(const simulator::ScenarioResult& result);
  // The live line: `done` of the cases finished after `elapsed_s` seconds.
  void Progress(size_t done, double elapsed_s) const;
  void ClearProgress() const;
  // The end: `interrupted` when a signal stopped the run before every case ran.
  void Summary(const std::vector<simulator::ScenarioResult>& results,
               const std::vector<simulator::LeftOut>& left_out, bool interrupted) const;

 private:
  OutputOptions options_;
  size_t cases_;
};

}  // namespace snapsim::cli
