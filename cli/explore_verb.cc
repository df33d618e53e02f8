// snapsim explore --hypervisor PROFILE [--depth N] [--names N] [--threads N] [--symmetry]
//                 [--backend B [--known FILE] [--max-ops N] [--out DIR] [--shard K/N|auto[:N]]
//                  [--json FILE] [--every-flag] [--coverage]]
// Without --backend: the model's invariants in every state (model/explore.h). With it:
// every transition of the model's state graph checked on B (simulator/backend_explorer.h).
// Each depth is printed as it completes; a live line on stderr counts states (see
// progress_line.h). SIGINT/SIGTERM stop the search: it prints what it has, then exits
// 128+signal.
#include <sys/resource.h>

#include <filesystem>
#include <fstream>
#include <memory>

#include <fmt/format.h>

#include "cli/coverage_output.h"
#include "cli/known_option.h"
#include "cli/progress_line.h"
#include "cli/report_file.h"
#include "cli/shard_option.h"
#include "cli/verbs.h"
#include "core/exit_code.h"
#include "model/explore.h"
#include "reports/campaign_json_report.h"
#include "scenario/writer.h"
#include "simulator/backend_explorer.h"
#include "simulator/backend_registry.h"
#include "simulator/host/cleanup.h"

namespace snapsim::cli {
namespace {

struct ExploreArgs {
  std::string hypervisor;
  int depth = 6;
  int names = 3;
  int threads = 2;
  bool symmetry = false;
  std::string backend, known, out = "build/explore", shard, json;
  uint64_t max_ops = 0;
  bool coverage = false;
  bool every_flag = false;
};

void PrintGroups(const ExploreArgs& args, const simulator::BackendExploreReport& report) {
  if (!report.groups.empty()) std::filesystem::create_directories(args.out);
  for (size_t i = 0; i < report.groups.size(); ++i) {
    const simulator::DivergenceGroup& group = report.groups[i];
    const std::string path = fmt::format("{}/{}.yaml", args.out, group.scenario.name);
    std::ofstream(path, std::ios::trunc) << scenario::WriteScenario(group.scenario);
    fmt::print(
        "divergence {} ({} transitions{}): {}\n  shortest: {} ({} steps)\n"
        "  replay: snapsim run {} --backend {}\n",
        i + 1, group.transitions, group.needs_history ? ", needs the walk's history" : "",
        group.signature, path, group.scenario.steps.size(), path, args.backend);
  }
  for (const auto& [finding, count] : report.known) {
    fmt::print("known {}: {} transitions\n", finding, count);
  }
}

int RunBackendExplore(const ExploreArgs& args, Profile profile) {
  auto factory = simulator::BackendFactory::ForName(args.backend);
  if (!factory.ok()) {
    fmt::print(stderr, "snapsim: error: {}\n", factory.status().message());
    return ExitCodeFor(factory.status());
  }
  simulator::BackendExploreOptions options;
  options.model.profile = profile;
  options.model.depth = args.depth;
  options.model.names = args.names;
  options.max_ops = args.max_ops;
  const auto shard = ShardOption(args.shard);
  if (!shard) return kExitBadInput;
  options.shard = shard->shard;
  options.every_flag = args.every_flag;
  if (!LoadKnownOption(args.known, args.backend, &options.known)) return kExitBadInput;
  fmt::print("explore {} on {}: depth {}, {} names{}{}{}\n", args.hypervisor, args.backend,
             args.depth, args.names, args.every_flag ? ", every flag" : "",
             args.max_ops > 0 ? fmt::format(", at most {} backend operations", args.max_ops) : "",
             ShardText(*shard));
  std::fflush(stdout);
  ProgressLine progress("transitions", 0, /*verbose=*/false);
  options.on_graph = [&](uint64_t states, uint64_t transitions) {
    progress.Clear();
    fmt::print("model graph: {} states, {} transitions to check\n", states, transitions);
    std::fflush(stdout);
  };
  options.on_progress = [&](uint64_t checked, uint64_t total, uint64_t ops) {
    progress.Update(checked, fmt::format("of {}, {} backend operations", total, ops));
  };
  simulator::cleanup::ProgramHandlesFirstSignal();
  options.stop = [] { return simulator::cleanup::Interrupted() != 0; };
  simulator::BackendExploreReport report;
  try {
    report = simulator::ExploreBackend(options, [&] { return factory->Make(); });
  } catch (const simulator::BackendFailure& failure) {
    progress.Clear();
    fmt::print(stderr, "snapsim: backend failure: {}\n", failure.what());
    return kExitBackendUnavailable;
  }
  const double seconds = progress.ElapsedSeconds();
  progress.Clear();
  for (const std::string& refused : report.refused_actions) {
    fmt::print("  not sent ({}): {}\n", args.backend, refused);
  }
  PrintGroups(args, report);
  PrintCoverage(report.coverage, args.coverage);
  fmt::print(
      "states: {}  transitions: {} checked of {}  backend operations: {} ({:.2f} per "
      "transition)  walks: {}  replays: {}  time: {:.1f} s\n",
      report.states, report.checked, report.transitions, report.backend_ops,
      report.checked > 0 ? static_cast<double>(report.backend_ops) / report.checked : 0.0,
      report.walks, report.replays, seconds);
  if (report.unreached > 0) {
    fmt::print("{} transitions not reached: every way to them diverged first\n", report.unreached);
  }
  if (report.unconfirmed > 0) {
    fmt::print("{} divergences of a walk did not show again when replayed\n", report.unconfirmed);
  }
  if (report.budget_spent) fmt::print("stopped at --max-ops {}\n", args.max_ops);
  int status = report.groups.empty() ? kExitOk : kExitCheckFailed;
  fmt::print("{} new divergences\n", report.groups.size());
  if (!args.json.empty()) {
    reports::ExploreJson json;
    json.profile = args.hypervisor;
    json.backend = args.backend;
    json.depth = args.depth;
    json.names = args.names;
    json.states = report.states;
    json.transitions = report.all_transitions;
    if (!args.shard.empty()) json.shard = shard->shard;
    for (const simulator::DivergedTransition& t : report.diverged) {
      json.diverged.push_back({t.edge, t.signature, t.finding, t.path});
    }
    json.checked = report.checked;
    json.unreached = report.unreached;
    json.incomplete = report.interrupted || report.budget_spent;
    if (!WriteFile(args.json, reports::ExploreJsonReport(std::move(json)))) status = kExitBadInput;
  }
  if (report.interrupted) {
    fmt::print("interrupted after {} of {} transitions\n", report.checked, report.transitions);
    std::fflush(stdout);
    simulator::cleanup::Reraise(simulator::cleanup::Interrupted());
  }
  return status;
}

int RunExplore(const ExploreArgs& args) {
  const auto profile = ParseProfile(args.hypervisor);
  if (!profile) {
    fmt::print(stderr, "snapsim: error: unknown hypervisor '{}' (esx, qemu, vbox, test)\n",
               args.hypervisor);
    return kExitBadInput;
  }
  if (!args.backend.empty() && args.backend != "model") return RunBackendExplore(args, *profile);
  if (!args.shard.empty() || !args.json.empty()) {
    fmt::print(stderr, "snapsim: error: explore --{} needs --backend NAME (not the model)\n",
               args.shard.empty() ? "json" : "shard");
    return kExitBadInput;
  }
  model::ExploreOptions options;
  options.profile = *profile;
  options.depth = args.depth;
  options.names = args.names;
  options.threads = args.threads;
  options.symmetry = args.symmetry;
  const size_t operations = model::ExploreAlphabet(options).size();
  fmt::print("explore {}: depth {}, {} names{}, {} operations per state\n", args.hypervisor,
             args.depth, args.names, args.symmetry ? " (symmetric)" : "", operations);
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
  struct rusage usage {};
  getrusage(RUSAGE_SELF, &usage);
  fmt::print("memory: {} bytes per state stored, {} MiB peak resident ({} threads)\n",
             result.bytes_per_state, usage.ru_maxrss / 1024, args.threads);
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
  explore
      ->add_option("--threads", args->threads,
                   "Without --backend: threads expanding the frontier (default 2; the result "
                   "is the same for any number)")
      ->check(CLI::Range(1, 64));
  explore->add_flag("--symmetry", args->symmetry,
                    "Without --backend: states that differ only by a permutation of the "
                    "snapshot names count as one");
  explore->add_option("--backend", args->backend,
                      "Check every transition on this backend (a differential search)");
  explore->add_option("--known", args->known,
                      "With --backend: set aside divergences this known-findings file lists");
  explore->add_option("--max-ops", args->max_ops,
                      "With --backend: stop after this many backend operations");
  explore->add_option("--out", args->out,
                      "With --backend: folder for the shortest scenarios (default build/explore)");
  explore->add_flag("--every-flag", args->every_flag,
                    "With --backend: every flag combination the format accepts, not only the "
                    "profile's own");
  explore->add_option("--shard", args->shard,
                      std::string("With --backend: ") + kShardHelp +
                          "; shard K checks the transitions K, K+N, ... of the graph");
  explore->add_option("--json", args->json,
                      "With --backend: write a JSON-lines report of the diverging transitions "
                      "(report merge joins shards)");
  explore->add_flag("--coverage", args->coverage,
                    "With --backend: print how often each situation ran and the backend agreed");
  explore->callback([args] { SetExitStatus(RunExplore(*args)); });
}

VerbRegistrar registrar(40, Register);

}  // namespace
}  // namespace snapsim::cli
