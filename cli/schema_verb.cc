// snapsim schema: prints the scenario format as a JSON Schema (draft 2020-12), the text of
// docs/scenario.schema.json, for editors' YAML language servers.
#include <fmt/format.h>

#include "cli/verbs.h"
#include "core/exit_code.h"
#include "scenario/schema.h"

namespace snapsim::cli {
namespace {

void Register(CLI::App& app) {
  CLI::App* verb =
      app.add_subcommand("schema", "Print the scenario format as a JSON Schema (draft 2020-12)");
  verb->callback([] {
    fmt::print("{}", scenario::ScenarioJsonSchema());
    SetExitStatus(kExitOk);
  });
}

VerbRegistrar registrar(25, Register);

}  // namespace
}  // namespace snapsim::cli
