#pragma once
// `snapsim lint`: every error of a scenario file at once (the loader's, collected instead
// of stopping at the first), and warnings for likely mistakes that are still valid files.

#include <string>
#include <vector>

#include "scenario/loader.h"

namespace snapsim::scenario {

struct Diagnostic {
  enum class Severity { kError, kWarning };
  Severity severity = Severity::kError;
  SourceLocation where;
  std::string message;
  std::string hint;
  // "FILE:LINE:COLUMN: error: MESSAGE" (or "warning:"), then "  hint: HINT".
  std::string ToString() const;
};

struct LintReport {
  std::vector<Diagnostic> diagnostics;  // in file order
  bool truncated = false;               // more errors than max_errors
  size_t errors() const;
  size_t warnings() const;
};

inline constexpr size_t kDefaultMaxLintErrors = 50;

LintReport LintScenarioText(std::string_view yaml, const std::string& path,
                            size_t max_errors = kDefaultMaxLintErrors);
LintReport LintScenarioFile(const std::string& path, size_t max_errors = kDefaultMaxLintErrors);

// The warnings of a scenario that loads: steps whose effect no later `expect` checks.
std::vector<Diagnostic> LintWarnings(const Scenario& scenario);

}  // namespace snapsim::scenario
