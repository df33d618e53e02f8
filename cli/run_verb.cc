// snapsim run [PATH...] [--backend NAME[,NAME...]] [--junit F] [--json F] [--html F]
//             [--seed N] [--jobs N] [--shard K/N] [--known FILE] [--filter RE] [--tag T]
//             [--rerun-failed REPORT.json] [--list] [-v] [--quiet] [--timings]
//             [--annotations github] [--profile P] [--disk-dir DIR]
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <regex>
#include <set>

#include <fmt/format.h>

#include "cli/backend_options.h"
#include "cli/report_file.h"
#include "cli/report_input.h"
#include "cli/rerun_failed.h"
#include "cli/run_output.h"
#include "cli/shard_option.h"
#include "cli/verbs.h"
#include "core/exit_code.h"
#include "core/utf8.h"
#include "reports/html_report.h"
#include "reports/json_lines_report.h"
#include "reports/junit_report.h"
#include "scenario/loader.h"
#include "simulator/campaign.h"
#include "simulator/expected_failures.h"
#include "simulator/host/cleanup.h"

namespace snapsim::cli {
namespace {

struct RunOptions {
  std::vector<std::string> paths;
  std::vector<std::string> backends = {"model"};
  std::string junit_path, json_path, html_path, shard_text, known_path, filter, annotations,
      rerun_failed;
  std::vector<std::string> tags;
  std::string profile;   // libvirt:URI only: --profile
  std::string disk_dir;  // libvirt:URI only: --disk-dir
  bool list = false;
  bool verbose = false;
  uint64_t seed = 1;
  int jobs = 1;
  bool quiet = false;
  bool timings = false;
};

// Loads every file; any error stops the run before anything executes.
std::optional<std::vector<scenario::Scenario>> LoadAll(const std::vector<std::string>& paths) {
  auto files = scenario::CollectScenarioFiles(paths);
  if (auto* error = std::get_if<scenario::LoadError>(&files)) {
    fmt::print(stderr, "{}\n", error->ToString());
    return std::nullopt;
  }
  std::vector<scenario::Scenario> scenarios;
  bool ok = true;
  for (const std::string& file : std::get<std::vector<std::string>>(files)) {
    auto loaded = scenario::LoadScenarioFile(file);
    if (auto* error = std::get_if<scenario::LoadError>(&loaded)) {
      fmt::print(stderr, "{}\n", error->ToString());
      ok = false;
    } else {
      scenarios.push_back(std::move(std::get<scenario::Scenario>(loaded)));
    }
  }
  if (!ok) return std::nullopt;
  return scenarios;
}

int ExitFor(const std::vector<simulator::ScenarioResult>& results) {
  int status = kExitOk;
  for (const auto& r : results) {
    if (r.verdict == simulator::Verdict::kBackendFailure) return kExitBackendUnavailable;
    if (r.verdict == simulator::Verdict::kFail) status = kExitCheckFailed;
  }
  return status;
}

std::string CaseName(const simulator::Case& c) {
  return c.scenario->path + "@" + c.backend->name();
}

// --filter, --tag and --rerun-failed: the cases to keep. Errors: a bad regular
// expression, a report that cannot be read.
std::optional<std::vector<simulator::Case>> Select(std::vector<simulator::Case> cases,
                                                   const RunOptions& options) {
  std::optional<std::set<std::string>> rerun;
  if (!options.rerun_failed.empty()) {
    auto failed = LoadFailedCases(options.rerun_failed);
    if (!failed.ok()) {
      fmt::print(stderr, "snapsim: error: {}\n", failed.status().message());
      return std::nullopt;
    }
    rerun = std::move(*failed);
    fmt::print("rerun: {} failed cases in {}\n", rerun->size(), options.rerun_failed);
  }
  std::optional<std::regex> filter;
  if (!options.filter.empty()) {
    try {
      filter.emplace(options.filter, std::regex::ECMAScript);
    } catch (const std::regex_error& error) {
      fmt::print(stderr, "snapsim: error: --filter '{}': {}\n", options.filter, error.what());
      return std::nullopt;
    }
  }
  std::vector<simulator::Case> kept;
  for (const simulator::Case& c : cases) {
    if (filter && !std::regex_search(CaseName(c), *filter)) continue;
    if (rerun && !rerun->count(ToValidUtf8(CaseName(c)))) continue;  // as the report wrote it
    if (!options.tags.empty()) {
      const auto& tags = c.scenario->tags;
      bool any = false;
      for (const std::string& tag : options.tags) {
        any |= std::find(tags.begin(), tags.end(), tag) != tags.end();
      }
      if (!any) continue;
    }
    kept.push_back(c);
  }
  return kept;
}

// Writes the reports asked for; false when one could not be written.
bool WriteReports(const RunOptions& options, const std::vector<simulator::ScenarioResult>& results,
                  bool incomplete, reports::HtmlReportInput html, const reports::JsonShard* shard) {
  bool written = true;
  if (!options.junit_path.empty()) {
    written &= WriteFile(options.junit_path, reports::JunitReport(results, incomplete));
  }
  if (!options.json_path.empty()) {
    written &= WriteFile(
        options.json_path,
        reports::JsonLinesReport(options.seed, results, options.timings, incomplete, shard));
  }
  if (!options.html_path.empty()) {
    html.incomplete = incomplete;
    if (options.timings) html.environment.finished = UtcNow();
    written &= WriteFile(options.html_path, reports::HtmlReport(options.seed, results, html));
  }
  return written;
}

int Run(const RunOptions& options) {
  fmt::print("seed: {}\n", options.seed);  // every run prints its seed first
  const auto shard_choice = ShardOption(options.shard_text);
  if (!shard_choice) return kExitBadInput;
  const simulator::Shard* shard = &shard_choice->shard;
  auto backend_options = ParseBackendOptions(options.profile, options.disk_dir, options.backends);
  if (!backend_options) return kExitBadInput;
  std::vector<simulator::BackendFactory> backends;
  for (const std::string& name : options.backends) {
    auto factory = simulator::BackendFactory::ForName(name, ForBackend(*backend_options, name));
    if (!factory.ok()) {
      fmt::print(stderr, "snapsim: error: {}\n", factory.status().message());
      return ExitCodeFor(factory.status());
    }
    backends.push_back(*factory);
  }
  simulator::KnownByBackend known;
  if (!options.known_path.empty()) {
    auto loaded = simulator::LoadKnownByBackend(options.known_path, options.backends);
    if (!loaded.ok()) {
      fmt::print(stderr, "snapsim: error: {}\n", loaded.status().message());
      return ExitCodeFor(loaded.status());
    }
    known = std::move(*loaded);
  }
  auto scenarios =
      LoadAll(options.paths.empty() ? std::vector<std::string>{"scenarios"} : options.paths);
  if (!scenarios) return kExitBadInput;
  std::vector<simulator::LeftOut> left_out;
  auto cases = Select(simulator::PlanCases(*scenarios, backends, *shard, &left_out), options);
  if (!cases) return kExitBadInput;
  if (options.list) {
    for (const simulator::Case& c : *cases) fmt::print("{}\n", CaseName(c));
    return kExitOk;
  }
  int left = 0;
  for (const auto& l : left_out) left += l.pairs;
  fmt::print("{} scenarios x {} backends, shard {}/{}{}: {} cases, {} jobs{}\n", scenarios->size(),
             backends.size(), shard->index, shard->count,
             shard_choice->source.empty() ? "" : fmt::format(" ({})", shard_choice->source),
             cases->size(), options.jobs,
             left > 0 ? fmt::format("; {} pairs left out (profile not implemented)", left) : "");
  std::fflush(stdout);

  OutputOptions output{options.quiet, options.verbose, options.timings,
                       !options.quiet && isatty(STDERR_FILENO), options.annotations == "github"};
  RunPrinter printer(output, cases->size());
  reports::HtmlReportInput html;
  if (!options.html_path.empty()) {
    html = MakeHtmlInput(*scenarios, backends);
    if (options.timings) html.environment.started = UtcNow();
  }
  simulator::cleanup::ProgramHandlesFirstSignal();
  const auto started = std::chrono::steady_clock::now();
  auto elapsed = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  };
  // Cases finish in any order; they are printed, and reported, in case order.
  std::vector<std::optional<simulator::ScenarioResult>> finished(cases->size());
  size_t next_to_print = 0, done = 0;
  simulator::RunCases(
      *cases, options.jobs,
      [&](size_t i, simulator::ScenarioResult& r) {
        ++done;
        if (simulator::cleanup::Interrupted() ==
            0) {  // a case that ended after a signal is incomplete
          simulator::ApplyKnownFindings(known, options.known_path, r);
          finished[i] = r;
        }
        printer.ClearProgress();
        for (; next_to_print < finished.size() && finished[next_to_print]; ++next_to_print) {
          printer.Case(*finished[next_to_print]);
        }
        printer.Progress(done, elapsed());
      },
      [] { return simulator::cleanup::Interrupted() != 0; });
  printer.ClearProgress();
  std::vector<simulator::ScenarioResult> results;
  reports::JsonShard json_shard{*shard, {}};  // with --shard: where each case stands
  for (size_t i = 0; i < finished.size(); ++i) {
    if (!finished[i]) continue;
    results.push_back(std::move(*finished[i]));
    json_shard.case_indices.push_back((*cases)[i].index);
  }
  const int signal = simulator::cleanup::Interrupted();
  // Cases after a gap (one that was running at the signal) were not printed yet.
  for (size_t i = next_to_print; i < finished.size(); ++i) {
    if (finished[i]) printer.Case(*finished[i]);
  }
  printer.Summary(results, left_out, signal != 0);
  if (!WriteReports(options, results, signal != 0, std::move(html),
                    options.shard_text.empty() ? nullptr : &json_shard)) {
    return kExitBadInput;
  }
  if (signal != 0) {
    std::fflush(stdout);
    simulator::cleanup::Reraise(signal);  // exit status 128 + signal
  }
  return ExitFor(results);
}

void Register(CLI::App& app) {
  auto options = std::make_shared<RunOptions>();
  CLI::App* run = app.add_subcommand("run", "Replay scenario files on the model and backends");
  run->add_option("paths", options->paths, "Scenario files or folders (default: scenarios/)");
  // One value per --backend (comma separated inside it), so that paths may follow it.
  run->add_option("--backend", options->backends, "Backends, comma separated (default: model)")
      ->expected(1)
      ->allow_extra_args(false)
      ->delimiter(',')
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  run->add_option("--junit", options->junit_path, "Write a JUnit XML report");
  run->add_option("--json", options->json_path, "Write a JSON lines report");
  run->add_option("--html", options->html_path,
                  "Write an HTML report: counts, filters, each case's step trace and file, "
                  "the portability table");
  run->add_option("--seed", options->seed, "Seed (printed first; default 1)");
  run->add_option("--jobs", options->jobs, "Parallel cases (default 1)")->check(CLI::Range(1, 256));
  run->add_option("--shard", options->shard_text, kShardHelp);
  run->add_option("--known", options->known_path,
                  "Known findings: a case that diverges as recorded is `known`, not a failure; "
                  "a recorded case that no longer diverges fails (docs/known-findings.md)");
  run->add_option("--filter", options->filter,
                  "Only cases whose name (FILE@BACKEND) matches this regular expression");
  run->add_option("--tag", options->tags, "Only scenarios with this tag (repeatable)")
      ->expected(1)
      ->allow_extra_args(false)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  run->add_option("--rerun-failed", options->rerun_failed,
                  "Only the cases a JSON-lines report (--json) recorded as fail or "
                  "backend-failure");
  run->add_option("--profile", options->profile,
                  "libvirt:URI: the rules profile (esx, qemu, vbox, test) of a driver whose URI "
                  "scheme names none");
  run->add_option("--disk-dir", options->disk_dir,
                  "libvirt:URI on a QEMU driver: where the domains' disk images are made "
                  "(default: /var/lib/libvirt/images for root on qemu:///system, else $TMPDIR)");
  run->add_flag("--list", options->list, "Print the cases the run would run, and run nothing");
  run->add_flag("-v,--verbose", options->verbose, "One line per case as it finishes");
  run->add_option("--annotations", options->annotations,
                  "Also print failures as CI annotations: github (::error file=F,line=L::...)")
      ->check(CLI::IsMember({"github"}));
  run->add_flag("--quiet", options->quiet, "Print failures and the summary only");
  run->add_flag("--timings", options->timings,
                "Add each scenario's elapsed time to the JSON report and the run's dates to the "
                "HTML report (neither is then reproducible)");
  run->callback([options] { SetExitStatus(Run(*options)); });
}

VerbRegistrar registrar(10, Register);

}  // namespace
}  // namespace snapsim::cli
