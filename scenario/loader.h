#pragma once
// The scenario loader: YAML text -> Scenario, following docs/scenario-format.md.
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
  // The usual cause, when one is likely ("line 4 indents with a tab ..."); may be empty.
  std::string hint = {};
  // "FILE:LINE:COLUMN: error: MESSAGE", then "  hint: HINT" on a line of its own.
  std::string ToString() const;
};

// Reads and loads one file. A missing or unreadable file is a LoadError at line 0.
std::variant<Scenario, LoadError> LoadScenarioFile(const std::string& path);

// Loads `yaml` as if read from `path` (used for error locations and the default name).
std::variant<Scenario, LoadError> LoadScenarioText(std::string_view yaml, const std::string& path);

// Loads like LoadScenarioText but goes on after a failure where the format allows it (the
// next key, the next step) and returns every error found, in file order, at most
// `max_errors` (then `*truncated` is set). No errors means the text loads.
std::vector<LoadError> LoadErrorsOfText(std::string_view yaml, const std::string& path,
                                        size_t max_errors, bool* truncated);

// True for the names a folder's scenario files may have: *.yaml and *.yml.
bool IsScenarioFileName(const std::string& path);

// Expands command-line paths: a folder means every *.yaml and *.yml below it (recursive),
// sorted by path; a file is taken as given. A missing path, or a folder without any
// scenario file, is an error.
std::variant<std::vector<std::string>, LoadError> CollectScenarioFiles(
    const std::vector<std::string>& paths);

}  // namespace snapsim::scenario
