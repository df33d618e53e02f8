#include "cli/report_input.h"

#include <chrono>
#include <ctime>
#include <fstream>
#include <sstream>

#include "cli/verbs.h"

namespace snapsim::cli {

std::string UtcNow() {
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm utc{};
  gmtime_r(&now, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

reports::HtmlReportInput MakeHtmlInput(const std::vector<scenario::Scenario>& scenarios,
                                       const std::vector<simulator::BackendFactory>& backends) {
  reports::HtmlReportInput input;
  input.environment.snapsim_version = SnapsimVersion();
  input.environment.commit = SnapsimCommit();
  input.environment.command_line = CommandLine();
  for (const simulator::BackendFactory& backend : backends) {
    input.environment.backend_versions.emplace_back(backend.name(), backend.Versions());
  }
  for (const scenario::Scenario& s : scenarios) {
    std::ifstream file(s.path, std::ios::binary);
    std::ostringstream text;
    text << file.rdbuf();
    if (file) input.scenario_texts[s.path] = text.str();
  }
  return input;
}

}  // namespace snapsim::cli
