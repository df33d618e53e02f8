#include "scenario/lint.h"

#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace snapsim::scenario {
namespace {

bool ChecksSomething(const Expect& expect) {
  return expect.state || expect.current || expect.tree || !expect.disks.empty();
}

Diagnostic Warning(const SourceLocation& where, std::string message, std::string hint) {
  return Diagnostic{Diagnostic::Severity::kWarning, where, std::move(message), std::move(hint)};
}

}  // namespace

std::string Diagnostic::ToString() const {
  const char* word = severity == Severity::kError ? "error" : "warning";
  std::string text = where.line <= 0 ? fmt::format("{}: {}: {}", where.file, word, message)
                                     : fmt::format("{}:{}:{}: {}: {}", where.file, where.line,
                                                   where.column, word, message);
  if (!hint.empty()) text += "\n  hint: " + hint;
  return text;
}

size_t LintReport::errors() const {
  size_t count = 0;
  for (const Diagnostic& d : diagnostics) count += d.severity == Diagnostic::Severity::kError;
  return count;
}

size_t LintReport::warnings() const { return diagnostics.size() - errors(); }

std::vector<Diagnostic> LintWarnings(const Scenario& scenario) {
  std::vector<Diagnostic> warnings;
  // Each action's outcome is checked where it runs, but what a successful action changes
  // is checked only by what comes after it: an `expect` with checks, or an action that
  // must fail (its failure depends on the state the steps before it made).
  size_t last_check = 0;
  bool any_check = false;
  for (size_t i = 0; i < scenario.steps.size(); ++i) {
    const Step& step = scenario.steps[i];
    const auto* expect = std::get_if<Expect>(&step.action);
    if (expect != nullptr && !ChecksSomething(*expect)) {
      warnings.push_back(Warning(step.where, "this expect checks nothing",
                                 "give it state, current, tree or disk, or drop it"));
    }
    if ((expect != nullptr && ChecksSomething(*expect)) || (expect == nullptr && step.error)) {
      last_check = i;
      any_check = true;
    }
  }
  std::vector<size_t> unchecked;
  for (size_t i = any_check ? last_check + 1 : 0; i < scenario.steps.size(); ++i) {
    const Step& step = scenario.steps[i];
    if (!std::holds_alternative<Expect>(step.action) && !step.error) unchecked.push_back(i);
  }
  if (!unchecked.empty()) {
    const Step& first = scenario.steps[unchecked.front()];
    std::string others =
        unchecked.size() == 1 ? "" : fmt::format(" and {} later steps", unchecked.size() - 1);
    warnings.push_back(Warning(
        first.where,
        fmt::format("nothing checks what step {} ({}){} change{}: no expect or failing step "
                    "follows",
                    unchecked.front() + 1, ActionLabel(first.action), others,
                    unchecked.size() == 1 ? "s" : ""),
        "add an expect after it (snapsim record fills one in), or drop the step"));
  }
  return warnings;
}

LintReport LintScenarioText(std::string_view yaml, const std::string& path, size_t max_errors) {
  LintReport report;
  std::vector<LoadError> errors = LoadErrorsOfText(yaml, path, max_errors, &report.truncated);
  for (LoadError& error : errors) {
    report.diagnostics.push_back(Diagnostic{Diagnostic::Severity::kError, std::move(error.where),
                                            std::move(error.message), std::move(error.hint)});
  }
  if (!errors.empty()) return report;
  auto loaded = LoadScenarioText(yaml, path);
  if (auto* scenario = std::get_if<Scenario>(&loaded)) report.diagnostics = LintWarnings(*scenario);
  return report;
}

LintReport LintScenarioFile(const std::string& path, size_t max_errors) {
  std::error_code ec;
  LintReport report;
  if (!std::filesystem::is_regular_file(path, ec)) {
    auto loaded = LoadScenarioFile(path);  // names what is wrong with the path
    const LoadError& error = std::get<LoadError>(loaded);
    report.diagnostics.push_back(
        Diagnostic{Diagnostic::Severity::kError, error.where, error.message, error.hint});
    return report;
  }
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  if (!in) {
    report.diagnostics.push_back(
        Diagnostic{Diagnostic::Severity::kError, SourceLocation{path, 0, 0}, "cannot read file"});
    return report;
  }
  return LintScenarioText(text.str(), path, max_errors);
}

}  // namespace snapsim::scenario
