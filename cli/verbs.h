#pragma once
// Every verb registers its subcommand here and records the exit status it wants.
#include <CLI/CLI.hpp>

namespace snapsim::cli {

void RegisterVerbs(CLI::App& app);
// The status the chosen verb finished with.
int ExitStatus();
void SetExitStatus(int status);

}  // namespace snapsim::cli
