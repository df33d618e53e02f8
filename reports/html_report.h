#pragma once
// One self-contained HTML page (inline CSS and script, nothing fetched) for two readers:
// whoever gates on the run (counts by status, failures first, filters and a search box)
// and whoever debugs a case (its step trace, model against backend, and the scenario's
// text with the failing line marked). Then the portability table: per situation and
// profile, the model's prediction and what the run's real backends did.

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "simulator/runner.h"

namespace snapsim::reports {

// Where and how the run ran, for the environment table.
struct RunEnvironment {
  std::string snapsim_version;  // "0.1.0"
  std::string commit;           // `git rev-parse --short HEAD` at configure time, or "unknown"
  std::string command_line;     // as typed, arguments quoted where needed
  // Each backend of the run and the versions of what it drives ("libvirt 9.0.0; QEMU 7.2").
  std::vector<std::pair<std::string, std::string>> backend_versions;
  // Wall-clock dates (UTC), only with `run --timings`: otherwise empty and not shown.
  std::string started, finished;
};

struct HtmlReportInput {
  RunEnvironment environment;
  // Each scenario file's text by its path, for the case views; a missing one is said so.
  std::map<std::string, std::string> scenario_texts;
  bool incomplete = false;  // interrupted before every case ran: a banner
};

// Deterministic: the same results and input give the same bytes (dates only when given).
// Cases are listed failures first (fail, backend-failure, known, pass, skip), each group
// in the order given.
std::string HtmlReport(uint64_t seed, const std::vector<simulator::ScenarioResult>& results,
                       const HtmlReportInput& input = {});

}  // namespace snapsim::reports
