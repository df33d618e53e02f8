// snapsim explore --hypervisor PROFILE [--depth N] [--names N]
// Each depth is printed as it completes; a live line on stderr counts states (see
// progress_line.h). SIGINT/SIGTERM stop the search: it prints what it has, then exits
// 128+signal.
#include <memory>

#include <fmt/format.h>

#include "cli/progress_line.h"
#include "cli/verbs.h"
#include "core/exit_code.h"
#include "model/explore.h"
#include "scenario/writer.h"
#include "simulator/host/cleanup.h"

namespace snapsim::cli {
namespace {

struct ExploreArgs {
  std::string hypervisor;
  int depth = 6;
  int names = 3;
};

int RunExplore(const ExploreArgs& args) {
  const auto profile = ParseProfile(args.hypervisor);
  if (!profile) {
    fmt::print(stderr, "snapsim: error: unknown hypervisor '{}' (esx, qemu, vbox, test)\n",
               args.hypervisor);
    return kExitBadInput;
  }
  model::ExploreOptions options;
  options.profile = *profile;
  options.depth = args.depth;
  options.names = args.names;
  const size_t operations = model::ExploreAlphabet(options).size();
  fmt::print("explore {}: depth {}, {} names, {} operations per state\n", args.hypervisor,
             args.depth, args.names, operations);
  fmt::print("  depth 0: 1 new states\n");
  std::fflush(stdout);
  // The wall clock is read for display only; nothing in the search depends on it.
  ProgressLine progress("states", 0, /*verbose=*/false);
  options.on_progress = [&](uint64_t states) { progress.Update(states); };
  options.on_depth = [&](int depth, uint64_t new_states) {
    progress.Clear();
    fmt::print("  depth {}: {} new states\n", depth, new_states);
    std::fflush(stdout);
  };
  simulator::cleanup::ProgramHandlesFirstSignal();
  options.stop = [] { return simulator::cleanup::Interrupted() != 0; };
  const model::ExploreResult result = model::Explore(options);
  const double seconds = progress.ElapsedSeconds();
  progress.Clear();
  if (result.interrupted) {
    fmt::print("  depth {}: {} new states so far (interrupted)\n",
               result.states_per_depth.size() - 1, result.states_per_depth.back());
  }
  fmt::print("states: {}  transitions: {} ({} refused)  time: {:.2f} s  states/min: {:.0f}\n",
             result.states, result.transitions, result.refused, seconds,
             seconds > 0 ? result.states * 60.0 / seconds : 0.0);
  if (result.violation) {
    fmt::print("invariant broken: {}\nshortest path ({} steps) as a scenario:\n\n{}",
               result.violation->message, result.violation->scenario.steps.size(),
               scenario::WriteScenario(result.violation->scenario));
    return kExitCheckFailed;
  }
  if (result.interrupted) {
    fmt::print("interrupted: invariants held in the {} states reached\n", result.states);
    std::fflush(stdout);
    simulator::cleanup::Reraise(simulator::cleanup::Interrupted());
  }
  fmt::print("invariants: all held\n");
  return kExitOk;
}

void Register(CLI::App& app) {
  auto args = std::make_shared<ExploreArgs>();
  CLI::App* explore = app.add_subcommand(
      "explore", "Every operation sequence of the model up to --depth, checking invariants");
  explore->add_option("--hypervisor", args->hypervisor, "Rules profile: esx, qemu, vbox, test")
      ->required();
  explore->add_option("--depth", args->depth, "Operations per sequence (default 6)")
      ->check(CLI::Range(0, 12));
  explore->add_option("--names", args->names, "Snapshot names a, b, c... (default 3)")
      ->check(CLI::Range(1, 8));
  explore->callback([args] { SetExitStatus(RunExplore(*args)); });
}

VerbRegistrar registrar(40, Register);

}  // namespace
}  // namespace snapsim::cli
