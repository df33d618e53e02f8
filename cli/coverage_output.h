#pragma once
// The coverage lines `fuzz` and `explore --backend` print at their end.

#include "simulator/coverage.h"

namespace snapsim::cli {

// One summary line always; with `table`, every situation with its counts after it.
void PrintCoverage(const simulator::Coverage& coverage, bool table);

}  // namespace snapsim::cli
