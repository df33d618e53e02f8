#pragma once
// The scenario loader: YAML text -> Scenario, following spec/scenario-format.md.
// Every rejection names the offending key or value as FILE:LINE:COLUMN.

#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "scenario/scenario.h"

namespace snapsim::scenario {

struct LoadError {
  SourceLocation where;
  std::string message;
  // "FILE:LINE:COLUMN: error: MESSAGE"
  std::string ToString() const;
};

// Reads and loads one file. A missing or unreadable file is a LoadError at line 0.
std::variant<Scenario, LoadError> LoadScenarioFile(const std::string& path);

// Loads `yaml` as if read from `path` (used for error locations and the default name).
std::variant<Scenario, LoadError> LoadScenarioText(std::string_view yaml, const std::string& path);

// Expands command-line paths: a folder means every *.yaml below it (recursive), sorted by
// path; a file is taken as given. A missing path, or a folder without any *.yaml, is an
// error.
std::variant<std::vector<std::string>, LoadError> CollectScenarioFiles(
    const std::vector<std::string>& paths);

}  // namespace snapsim::scenario
