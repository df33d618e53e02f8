// snapsim clean --backend NAME [--disk-dir DIR]: removes what runs of NAME that are gone
// left behind (libvirt:URI: the domains snapsim-<pid>-* whose pid is no live process,
// and their disk folders). Hidden, for libvirt:URI's cleanup guard: --guard-fd N
// --guard-pid PID first wait for that snapsim to end.
#include <fmt/format.h>

#include "cli/backend_options.h"
#include "cli/verbs.h"
#include "core/exit_code.h"
#include "simulator/backend_registry.h"
#include "simulator/host/process_end.h"

namespace snapsim::cli {
namespace {

struct CleanFlags {
  std::string backend;
  std::string disk_dir;
  int guard_fd = -1;
  int guard_pid = 0;
};

int Clean(const CleanFlags& flags) {
  if (flags.guard_fd >= 0) simulator::AwaitEndOf(flags.guard_fd, flags.guard_pid, 10'000);
  auto options = ParseBackendOptions("", flags.disk_dir, {flags.backend});
  if (!options) return kExitBadInput;
  options->clean_owner = flags.guard_pid;
  auto removed = simulator::CleanBackend(flags.backend, *options);
  if (!removed.ok()) {
    fmt::print(stderr, "snapsim: error: clean {}: {}\n", flags.backend, removed.status().message());
    return ExitCodeFor(removed.status());
  }
  for (const std::string& line : *removed) fmt::print("{}\n", line);
  fmt::print("clean {}: removed {} stale item(s)\n", flags.backend, removed->size());
  return kExitOk;
}

void Register(CLI::App& app) {
  auto flags = std::make_shared<CleanFlags>();
  CLI::App* verb = app.add_subcommand(
      "clean", "Remove what runs that are gone left on a backend (libvirt:URI: stale domains)");
  verb->add_option("--backend", flags->backend, "The backend, e.g. libvirt:qemu:///system")
      ->required();
  verb->add_option("--disk-dir", flags->disk_dir,
                   "The disk folder the runs used (default as for run --disk-dir)");
  verb->add_option("--guard-fd", flags->guard_fd)->group("");  // the cleanup guard's pipe
  verb->add_option("--guard-pid", flags->guard_pid)->group("");
  verb->callback([flags] { SetExitStatus(Clean(*flags)); });
}

VerbRegistrar registrar(65, Register);

}  // namespace
}  // namespace snapsim::cli
