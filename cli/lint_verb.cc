// snapsim lint PATH...: checks scenario files against the format without running them.
#include <fmt/format.h>

#include <string>
#include <vector>

#include "cli/verbs.h"
#include "core/exit_code.h"
#include "scenario/loader.h"

namespace snapsim::cli {
namespace {

int Lint(const std::vector<std::string>& paths) {
  auto collected = scenario::CollectScenarioFiles(paths);
  if (const auto* error = std::get_if<scenario::LoadError>(&collected)) {
    fmt::print(stderr, "{}\n", error->ToString());
    return kExitBadInput;
  }
  const auto& files = std::get<std::vector<std::string>>(collected);
  size_t bad = 0;
  for (const std::string& file : files) {
    auto loaded = scenario::LoadScenarioFile(file);
    if (const auto* error = std::get_if<scenario::LoadError>(&loaded)) {
      fmt::print(stderr, "{}\n", error->ToString());
      ++bad;
    }
  }
  size_t good = files.size() - bad;
  if (bad == 0) {
    fmt::print("{} file{} ok\n", good, good == 1 ? "" : "s");
    return kExitOk;
  }
  fmt::print("{} file{} ok, {} with errors\n", good, good == 1 ? "" : "s", bad);
  return kExitBadInput;
}

void Register(CLI::App& app) {
  CLI::App* verb = app.add_subcommand("lint", "Check scenario files without running them");
  auto paths = std::make_shared<std::vector<std::string>>();
  verb->add_option("PATH", *paths, "Scenario files, or folders of *.yaml files")->required();
  verb->callback([paths] { SetExitStatus(Lint(*paths)); });
}

VerbRegistrar registrar(20, Register);

}  // namespace
}  // namespace snapsim::cli
