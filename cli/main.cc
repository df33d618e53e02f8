// snapsim: the command line (docs/cli.md). Each verb lives in its own file.
#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "cli/verbs.h"
#include "core/exit_code.h"
#include "simulator/backends/all_backends.h"

int main(int argc, char** argv) {
  CLI::App app{
      "snapsim: a deterministic simulator and conformance suite for hypervisor "
      "snapshot APIs"};
  app.set_version_flag("--version",
                       fmt::format("snapsim {} (commit {})", snapsim::cli::SnapsimVersion(),
                                   snapsim::cli::SnapsimCommit()));
  snapsim::cli::SetCommandLine(argc, argv);
  app.require_subcommand(1);
  snapsim::simulator::RegisterAllBackends();
  snapsim::cli::RegisterVerbs(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? snapsim::kExitOk : snapsim::kExitBadInput;
  }
  return snapsim::cli::ExitStatus();
}
