#include "cli/coverage_output.h"

#include <fmt/format.h>

namespace snapsim::cli {

void PrintCoverage(const simulator::Coverage& coverage, bool table) {
  size_t disagreed = 0;
  for (const auto& [row, count] : coverage.rows()) disagreed += count.agreed < count.ran;
  fmt::print(
      "coverage: {} situations ({} without options), {} with a disagreement, {} branching "
      "shapes{}\n",
      coverage.rows().size(), coverage.coarse_rows().size(), disagreed, coverage.shapes().size(),
      table ? ":" : " (--coverage prints them)");
  if (table) fmt::print("{}", coverage.Table());
}

}  // namespace snapsim::cli
