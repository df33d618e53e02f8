// snapsim backends: each backend, whether it can run here, and why not.
#include <fmt/format.h>

#include "cli/verbs.h"
#include "core/exit_code.h"
#include "simulator/backend_registry.h"

namespace snapsim::cli {
namespace {

void Register(CLI::App& app) {
  CLI::App* verb = app.add_subcommand("backends", "List backends and whether they run here");
  verb->callback([] {
    for (const auto& info : simulator::ListBackends()) {
      fmt::print("{:<14} {:<10} {}\n", info.name, info.unavailable ? "unavailable" : "available",
                 info.description);
      fmt::print("{:<14} {:<10} profiles: {}\n", "", "", info.profiles);
      if (!info.versions.empty()) fmt::print("{:<14} {:<10} versions: {}\n", "", "", info.versions);
      if (info.unavailable) fmt::print("{:<14} {:<10} reason: {}\n", "", "", *info.unavailable);
    }
    SetExitStatus(kExitOk);
  });
}

VerbRegistrar registrar(60, Register);

}  // namespace
}  // namespace snapsim::cli
