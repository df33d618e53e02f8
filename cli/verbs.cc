#include "cli/verbs.h"

#include "core/exit_code.h"

namespace snapsim::cli {
namespace {
int g_exit_status = kExitOk;
}  // namespace

int ExitStatus() { return g_exit_status; }
void SetExitStatus(int status) { g_exit_status = status; }

void RegisterVerbs(CLI::App& app) {
  // Verbs arrive with the issues that implement them.
  (void)app;
}

}  // namespace snapsim::cli
