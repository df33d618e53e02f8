// snapsim explore --hypervisor PROFILE [--depth N] [--names N]
#include <chrono>
#include <memory>

#include <fmt/format.h>

#include "cli/verbs.h"
#include "core/exit_code.h"
#include "model/explore.h"
#include "scenario/writer.h"

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
  // The wall clock is read here only, for display; nothing in the search depends on it.
  const auto begin = std::chrono::steady_clock::now();
  const model::ExploreResult result = model::Explore(options);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
  for (size_t d = 0; d < result.states_per_depth.size(); ++d) {
    fmt::print("  depth {}: {} new states\n", d, result.states_per_depth[d]);
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
