#pragma once
// What `snapsim run --html` gives the HTML report beyond the results: the environment
// (version, commit, command line, the backends' versions, dates with --timings) and each
// scenario file's text.

#include <string>
#include <vector>

#include "reports/html_report.h"
#include "scenario/scenario.h"
#include "simulator/backend_registry.h"

namespace snapsim::cli {

// The wall clock now, UTC, as "2026-12-03T08:40:11Z". Only for `--timings`.
std::string UtcNow();

// Asks each backend for its versions (once) and reads each scenario file again; a file
// that cannot be read now is left out (the report says its text is missing).
reports::HtmlReportInput MakeHtmlInput(const std::vector<scenario::Scenario>& scenarios,
                                       const std::vector<simulator::BackendFactory>& backends);

}  // namespace snapsim::cli
