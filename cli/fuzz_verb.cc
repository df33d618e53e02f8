// snapsim fuzz --hypervisor PROFILE --backend NAME [--seed N] [--runs N] [--steps N] [--out DIR]
//              [--known FILE] [--shard K/N|auto[:N]] [--json FILE] [-v]
// Progress goes to stderr (see progress_line.h). SIGINT/SIGTERM stop the campaign: it
// prints what it has (a counterexample shrunk so far is written), then exits 128+signal.
#include <filesystem>
#include <fstream>

#include <fmt/format.h>

#include "cli/coverage_output.h"
#include "cli/known_option.h"
#include "cli/progress_line.h"
#include "cli/report_file.h"
#include "cli/shard_option.h"
#include "cli/verbs.h"
#include "core/exit_code.h"
#include "reports/campaign_json_report.h"
#include "scenario/writer.h"
#include "simulator/backend_registry.h"
#include "simulator/fuzzer.h"
#include "simulator/host/cleanup.h"
#include "simulator/host/find_program.h"

namespace snapsim::cli {
namespace {

struct FuzzFlags {
  std::string profile, backend = "model", out = "build/fuzz", known, shard, json;
  simulator::FuzzOptions options;
  reports::FuzzJson report;  // with --json
  bool verbose = false;
  bool coverage = false;
};

// The end of a campaign: the JSON report, coverage; for an interrupted one: its summary is
// printed; then the signal's status.
int Finish(FuzzFlags& flags, const simulator::FuzzReport& report, int status) {
  if (!flags.json.empty()) {
    flags.report.interrupted = report.interrupted;
    if (report.counterexample && report.failed_index) {
      flags.report.counterexamples.push_back(reports::FuzzCounterexampleLine{
          *report.failed_index,
          report.divergence ? simulator::Signature(*report.divergence) : report.failure,
          report.failure, scenario::WriteScenario(*report.counterexample)});
    }
    for (const simulator::FuzzCounterexample& c : report.also) {
      flags.report.counterexamples.push_back(reports::FuzzCounterexampleLine{
          c.index, c.divergence ? simulator::Signature(*c.divergence) : c.failure, c.failure,
          scenario::WriteScenario(c.scenario)});
    }
    if (!WriteFile(flags.json, reports::FuzzJsonReport(flags.report))) status = kExitBadInput;
  }
  PrintCoverage(report.coverage, flags.coverage);
  const int signal = simulator::cleanup::Interrupted();
  if (signal == 0 || !report.interrupted) return status;
  fmt::print("interrupted after {} sequences\n", report.runs);
  std::fflush(stdout);
  simulator::cleanup::Reraise(signal);  // exit status 128 + signal
  return status;
}

int Fuzz(FuzzFlags& flags) {
  fmt::print("seed: {}\n", flags.options.seed);
  auto profile = ParseProfile(flags.profile);
  if (!profile) {
    fmt::print(stderr, "snapsim: error: unknown profile '{}' (esx, qemu, vbox, test)\n",
               flags.profile);
    return kExitBadInput;
  }
  flags.options.profile = *profile;
  const auto shard = ShardOption(flags.shard);
  if (!shard) return kExitBadInput;
  flags.options.shard = shard->shard;
  if (static_cast<int64_t>(flags.options.runs) * shard->shard.count > 1000000000) {
    fmt::print(stderr, "snapsim: error: --runs {} x {} shards is over 10^9 sequences\n",
               flags.options.runs, shard->shard.count);
    return kExitBadInput;
  }
  simulator::BackendOptions backend_options;
  backend_options.snapsim_program = simulator::OwnProgramPath();  // cleanup guards
  auto factory = simulator::BackendFactory::ForName(flags.backend, backend_options);
  if (!factory.ok()) {
    fmt::print(stderr, "snapsim: error: {}\n", factory.status().message());
    return ExitCodeFor(factory.status());
  }
  if (!LoadKnownOption(flags.known, flags.backend, &flags.options.known)) return kExitBadInput;
  fmt::print("fuzz: profile {}, backend {}, {} runs of up to {} steps, {} names{}\n", flags.profile,
             flags.backend, flags.options.runs, flags.options.steps_max, flags.options.names,
             ShardText(*shard));
  if (!flags.known.empty()) {
    fmt::print("setting aside {} known findings of {} for {}\n", flags.options.known.size(),
               flags.known, flags.backend);
  }
  std::fflush(stdout);
  simulator::FuzzReport report;
  ProgressLine progress("runs", static_cast<uint64_t>(flags.options.runs), flags.verbose);
  flags.options.on_progress = [&](int runs, int shrinks) {
    progress.Update(static_cast<uint64_t>(runs),
                    shrinks > 0 ? fmt::format("shrinking: {} tries", shrinks) : "");
  };
  if (!flags.json.empty()) {
    flags.report = {flags.profile,
                    flags.backend,
                    flags.options.seed,
                    static_cast<uint64_t>(flags.options.runs) * shard->shard.count,
                    flags.options.steps_max,
                    flags.options.names,
                    flags.options.keep_going,
                    flags.shard.empty() ? std::nullopt : std::optional(shard->shard),
                    {},
                    {},
                    false};
    flags.options.on_sequence = [&](uint64_t index, const char* verdict,
                                    const std::string& finding) {
      flags.report.ran.push_back({index, verdict, finding});
    };
  }
  simulator::cleanup::ProgramHandlesFirstSignal();
  flags.options.stop = [] { return simulator::cleanup::Interrupted() != 0; };
  try {
    report = simulator::Fuzz(flags.options, [&] { return factory->Make(); });
    progress.Clear();
  } catch (const simulator::BackendFailure& failure) {
    fmt::print(stderr, "snapsim: backend failure: {}\n", failure.what());
    return kExitBackendUnavailable;
  }
  if (!report.counterexample && !report.failure.empty()) {
    fmt::print("skip: {}\n", report.failure);
    return kExitOk;
  }
  if (report.set_aside_runs > 0) {
    fmt::print("{} sequences set aside as known findings\n", report.set_aside_runs);
  }
  for (const auto& [finding, count] : report.set_aside) {
    fmt::print("set aside {} {} that ran into {}\n", count, count == 1 ? "run" : "runs", finding);
  }
  if (!report.counterexample) {
    fmt::print("{} sequences held\n", report.runs);
    return Finish(flags, report, kExitOk);
  }
  std::filesystem::create_directories(flags.out);
  const std::string path = fmt::format("{}/{}.yaml", flags.out, report.counterexample->name);
  report.counterexample->path = path;
  std::ofstream(path) << scenario::WriteScenario(*report.counterexample);
  if (flags.options.keep_going) {
    fmt::print("sequence {} failed: {}\n", *report.failed_index, report.failure);
  } else {
    fmt::print("failed after {} sequences: {}\n", report.runs, report.failure);
  }
  fmt::print("shrunk to {} steps: {}\nreplay: snapsim run {} --backend {}\n",
             report.counterexample->steps.size(), path, path, flags.backend);
  for (simulator::FuzzCounterexample& c : report.also) {
    const std::string also_path = fmt::format("{}/{}.yaml", flags.out, c.scenario.name);
    std::ofstream(also_path) << scenario::WriteScenario(c.scenario);
    fmt::print(
        "sequence {} failed: {}\nshrunk to {} steps: {}\nreplay: snapsim run {} --backend {}\n",
        c.index, c.failure, c.scenario.steps.size(), also_path, also_path, flags.backend);
  }
  if (flags.options.keep_going) {
    fmt::print(
        "{} sequences held, {} distinct counterexamples{}\n", report.runs, 1 + report.also.size(),
        report.repeated > 0
            ? fmt::format(" ({} more failing sequences shrank to one of them)", report.repeated)
            : "");
  }
  return Finish(flags, report, kExitCheckFailed);
}

void Register(CLI::App& app) {
  auto flags = std::make_shared<FuzzFlags>();
  CLI::App* fuzz = app.add_subcommand("fuzz", "Random operation sequences, model against backend");
  fuzz->add_option("--hypervisor", flags->profile, "Rules profile: esx, qemu, vbox, test")
      ->required();
  fuzz->add_option("--backend", flags->backend, "Backend to test (default: model)");
  fuzz->add_option("--seed", flags->options.seed, "Seed (printed first; default 1)");
  fuzz->add_option("--runs", flags->options.runs, "Sequences to try (default 100)")
      ->check(CLI::Range(1, 1000000));
  fuzz->add_option("--steps", flags->options.steps_max, "Longest sequence (default 30)")
      ->check(CLI::Range(1, 10000));
  fuzz->add_option("--names", flags->options.names, "Snapshot names a, b, ... (default 3)")
      ->check(CLI::Range(1, 26));
  fuzz->add_option("--out", flags->out, "Folder for shrunk scenario files (default build/fuzz)");
  fuzz->add_option("--known", flags->known,
                   "Set aside divergences this file lists for the backend (BACKENDS FINDING "
                   "REGEX lines; e.g. conformance/fuzz_known_findings.txt)");
  fuzz->add_option("--shard", flags->shard,
                   std::string(kShardHelp) + "; shard K runs sequences K, K+N, ... of N x --runs");
  fuzz->add_flag("--keep-going", flags->options.keep_going,
                 "Go on past a failure: shrink each, keep one per distinct signature");
  fuzz->add_option("--json", flags->json,
                   "Write a JSON-lines report (one event per sequence; report merge joins shards)");
  fuzz->add_flag("-v,--verbose", flags->verbose,
                 "Off a terminal, a progress line at every tenth of the runs (on stderr)");
  fuzz->add_flag("--coverage", flags->coverage,
                 "Print how often each situation ran and the backend agreed");
  fuzz->callback([flags] { SetExitStatus(Fuzz(*flags)); });
}

VerbRegistrar registrar(30, Register);

}  // namespace
}  // namespace snapsim::cli
