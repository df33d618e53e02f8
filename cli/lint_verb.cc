// snapsim lint PATH... [--strict] [--max-errors N]: checks scenario files against the
// format without running them, reporting every error of a file at once, and warnings.
#include <fmt/format.h>

#include <string>
#include <vector>

#include "cli/verbs.h"
#include "core/exit_code.h"
#include "scenario/lint.h"
#include "scenario/loader.h"

namespace snapsim::cli {
namespace {

struct LintOptions {
  std::vector<std::string> paths;
  bool strict = false;
  size_t max_errors = scenario::kDefaultMaxLintErrors;
};

std::string Count(size_t n, const char* word) {
  return fmt::format("{} {}{}", n, word, n == 1 ? "" : "s");
}

int Lint(const LintOptions& options) {
  auto collected = scenario::CollectScenarioFiles(options.paths);
  if (const auto* error = std::get_if<scenario::LoadError>(&collected)) {
    fmt::print(stderr, "{}\n", error->ToString());
    return kExitBadInput;
  }
  const auto& files = std::get<std::vector<std::string>>(collected);
  size_t bad = 0;
  size_t errors = 0;
  size_t warnings = 0;
  size_t warned = 0;  // files with warnings and no errors
  for (const std::string& file : files) {
    scenario::LintReport report = scenario::LintScenarioFile(file, options.max_errors);
    for (const scenario::Diagnostic& diagnostic : report.diagnostics) {
      fmt::print(stderr, "{}\n", diagnostic.ToString());
    }
    if (report.truncated) {
      fmt::print(stderr, "{}: stopped after {} (--max-errors)\n", file,
                 Count(report.errors(), "error"));
    }
    errors += report.errors();
    warnings += report.warnings();
    bad += report.errors() > 0;
    warned += report.errors() == 0 && report.warnings() > 0;
  }
  const size_t good = files.size() - bad - (options.strict ? warned : 0);
  std::string summary = fmt::format("{} ok", Count(good, "file"));
  if (bad > 0) summary += fmt::format(", {} with errors ({})", bad, Count(errors, "error"));
  if (options.strict && warned > 0) summary += fmt::format(", {} with warnings", warned);
  if (warnings > 0) {
    summary += fmt::format(", {}{}", Count(warnings, "warning"),
                           options.strict ? " (errors under --strict)" : "");
  }
  fmt::print("{}\n", summary);
  return bad == 0 && !(options.strict && warned > 0) ? kExitOk : kExitBadInput;
}

void Register(CLI::App& app) {
  CLI::App* verb = app.add_subcommand("lint", "Check scenario files without running them");
  auto options = std::make_shared<LintOptions>();
  verb->add_option("PATH", options->paths, "Scenario files, or folders of *.yaml/*.yml files")
      ->required();
  verb->add_flag("--strict", options->strict, "Treat warnings as errors (exit 2)");
  verb->add_option("--max-errors", options->max_errors, "Errors reported per file (default 50)")
      ->check(CLI::PositiveNumber);
  verb->callback([options] { SetExitStatus(Lint(*options)); });
}

VerbRegistrar registrar(20, Register);

}  // namespace
}  // namespace snapsim::cli
