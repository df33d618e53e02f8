// snapsim learn --backend B [--hypervisor P] [--every-flag] [--depth N] [--names N] [--max-ops N]
// [--known FILE]
// [--out DIR]
//                [--profile P --disk-dir DIR (libvirt:URI)] [--quiet]
// Explores B without assuming its profile, prints the rule table it behaves by, compares
// it with the table of every profile of the model, names the nearest, and replays each
// row where B differs from it (simulator/rule_learner.h, simulator/rule_comparison.h).
// Exit 0 when every difference from the nearest profile is a known finding, 1 otherwise.
#include <filesystem>
#include <fstream>
#include <memory>

#include <fmt/format.h>

#include "cli/backend_options.h"
#include "cli/known_option.h"
#include "cli/progress_line.h"
#include "cli/verbs.h"
#include "core/exit_code.h"
#include "scenario/writer.h"
#include "simulator/backend_registry.h"
#include "simulator/host/cleanup.h"
#include "simulator/rule_comparison.h"

namespace snapsim::cli {
namespace {

struct LearnArgs {
  std::string backend, known, out = "build/learn", profile, disk_dir, hypervisor;
  int depth = 3;
  int names = 2;
  uint64_t max_ops = 0;
  bool quiet = false;
  bool every_flag = false;
};

// The hypervisor a scenario for `backend` names: the one profile it implements.
std::optional<Profile> HeaderProfile(const simulator::Backend& backend) {
  std::optional<Profile> found;
  for (Profile p : kAllProfiles) {
    if (!backend.Implements(p)) continue;
    if (found) return std::nullopt;  // several: the backend does not care
    found = p;
  }
  return found;
}

void PrintComparisons(const std::vector<simulator::TableComparison>& comparisons) {
  fmt::print("{:<8} {:>9} {:>9}\n", "profile", "agreeing", "differing");
  for (const simulator::TableComparison& c : comparisons) {
    fmt::print("{:<8} {:>9} {:>9}\n", ProfileName(c.profile), c.agreeing, c.differences.size());
  }
}

int PrintDifferences(const LearnArgs& args,
                     const std::vector<simulator::ExplainedDifference>& explained) {
  int unexplained = 0;
  if (!explained.empty()) std::filesystem::create_directories(args.out);
  for (size_t i = 0; i < explained.size(); ++i) {
    const simulator::ExplainedDifference& e = explained[i];
    const std::string path = fmt::format("{}/{}.yaml", args.out, e.example.name);
    std::ofstream(path, std::ios::trunc) << scenario::WriteScenario(e.example);
    fmt::print("difference {}: {}\n  {}: {}\n  {}: {}\n  example: {} ({} steps): {}\n", i + 1,
               e.row.situation, args.backend, e.row.backend, ProfileName(e.example.hypervisor),
               e.row.model, path, e.example.steps.size(), e.explanation);
    if (e.finding.empty()) ++unexplained;
  }
  return unexplained;
}

int RunLearn(const LearnArgs& args) {
  auto backend_options = ParseBackendOptions(args.profile, args.disk_dir, {args.backend});
  if (!backend_options) return kExitBadInput;
  auto factory =
      simulator::BackendFactory::ForName(args.backend, ForBackend(*backend_options, args.backend));
  if (!factory.ok()) {
    fmt::print(stderr, "snapsim: error: {}\n", factory.status().message());
    return ExitCodeFor(factory.status());
  }
  std::unique_ptr<simulator::Backend> backend = factory->Make();
  auto header = HeaderProfile(*backend);
  if (!args.hypervisor.empty()) {
    header = ParseProfile(args.hypervisor);
    if (!header || !backend->Implements(*header)) {
      fmt::print(stderr, "snapsim: error: --hypervisor {}: {} does not run such scenarios\n",
                 args.hypervisor, args.backend);
      return kExitBadInput;
    }
  }
  if (!header) {
    fmt::print(stderr,
               "snapsim: error: {} runs the scenarios of several hypervisors: say which with "
               "--hypervisor (libvirt:URI: --profile)\n",
               args.backend);
    return kExitBadInput;
  }
  std::vector<simulator::KnownFinding> known;
  if (!LoadKnownOption(args.known, args.backend, &known)) return kExitBadInput;
  simulator::LearnOptions options;
  options.header = *header;
  options.depth = args.depth;
  options.names = args.names;
  options.max_ops = args.max_ops;
  options.every_flag = args.every_flag;
  fmt::print("learn {}: depth {}, {} names, {} operations (its scenarios name {})\n", args.backend,
             args.depth, args.names, simulator::LearnAlphabet(options).size(),
             ProfileName(*header));
  std::fflush(stdout);
  ProgressLine progress("states", 0, /*verbose=*/false);
  options.on_progress = [&](uint64_t states, uint64_t ops) {
    progress.Update(states, fmt::format("{} backend operations", ops));
  };
  simulator::cleanup::ProgramHandlesFirstSignal();
  options.stop = [] { return simulator::cleanup::Interrupted() != 0; };
  simulator::RuleTable table;
  std::vector<simulator::RuleTable> models;
  std::vector<simulator::TableComparison> comparisons;
  std::vector<simulator::ExplainedDifference> explained;
  try {
    table = simulator::LearnRules(options, *backend);
    const double seconds = progress.ElapsedSeconds();
    progress.Clear();
    for (const std::string& refused : table.not_sent) {
      fmt::print("  not sent ({}): {}\n", args.backend, refused);
    }
    if (!args.quiet) fmt::print("\n{}\n", table.Text());
    fmt::print("states: {}  situations: {}  backend operations: {}  time: {:.1f} s{}{}\n",
               table.states, table.rows.size(), table.backend_ops, seconds,
               table.nondeterministic > 0
                   ? fmt::format("  replays that ended elsewhere: {}", table.nondeterministic)
                   : "",
               table.budget_spent ? fmt::format("  (stopped at --max-ops {})", args.max_ops) : "");
    if (table.interrupted) {
      fmt::print("interrupted: the table holds what was learned\n");
      std::fflush(stdout);
      simulator::cleanup::Reraise(simulator::cleanup::Interrupted());
    }
    for (Profile p : kAllProfiles) {
      models.push_back(simulator::LearnModelRules(options, p, table));
      comparisons.push_back(simulator::CompareTables(table, models.back(), p));
    }
    PrintComparisons(comparisons);
    const simulator::TableComparison& nearest = simulator::Nearest(comparisons);
    fmt::print("nearest profile: {} ({} of {} situations differ)\n", ProfileName(nearest.profile),
               nearest.differences.size(), nearest.agreeing + nearest.differences.size());
    std::fflush(stdout);
    const size_t index = &nearest - comparisons.data();
    explained =
        simulator::ExplainDifferences(options, nearest, table, models[index], *backend, known);
  } catch (const simulator::BackendFailure& failure) {
    progress.Clear();
    fmt::print(stderr, "snapsim: backend failure: {}\n", failure.what());
    return kExitBackendUnavailable;
  }
  const int unexplained = PrintDifferences(args, explained);
  fmt::print("{} differences, {} of them known findings\n", explained.size(),
             explained.size() - unexplained);
  return unexplained == 0 ? kExitOk : kExitCheckFailed;
}

void Register(CLI::App& app) {
  auto args = std::make_shared<LearnArgs>();
  CLI::App* learn = app.add_subcommand(
      "learn", "Learn the rule table a backend behaves by and name the nearest profile");
  learn->add_option("--backend", args->backend, "The backend to learn")->required();
  learn->add_option("--depth", args->depth, "Operations on the longest path (default 3)")
      ->check(CLI::Range(1, 8));
  learn->add_option("--names", args->names, "Snapshot names a, b, c... (default 2)")
      ->check(CLI::Range(1, 6));
  learn->add_option("--max-ops", args->max_ops, "Stop learning after this many backend operations");
  learn->add_option("--known", args->known,
                    "Known-findings file: differences it explains are counted as known");
  learn->add_option("--out", args->out,
                    "Folder for each difference's example scenario (default build/learn)");
  learn->add_option("--hypervisor", args->hypervisor,
                    "The hypervisor the scenarios name, for a backend that runs several "
                    "(the model)");
  learn->add_option("--profile", args->profile,
                    "libvirt:URI: the hypervisor its scenarios name (esx, qemu, vbox, test)");
  learn->add_option("--disk-dir", args->disk_dir, "libvirt:URI: folder for the qcow2 disks");
  learn->add_flag("--quiet", args->quiet, "Leave out the learned table itself");
  learn->add_flag("--every-flag", args->every_flag,
                  "Every flag combination the format accepts, not the profiles' own sets");
  learn->callback([args] { SetExitStatus(RunLearn(*args)); });
}

VerbRegistrar registrar(45, Register);

}  // namespace
}  // namespace snapsim::cli
