// snapsim run [PATH...] [--backend NAME[,NAME...]] [--junit F] [--json F] [--html F]
//             [--seed N] [--jobs N] [--shard K/N] [--known FILE] [--quiet]
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <memory>

#include <fmt/format.h>

#include "cli/verbs.h"
#include "core/exit_code.h"
#include "reports/html_report.h"
#include "reports/json_lines_report.h"
#include "reports/junit_report.h"
#include "scenario/loader.h"
#include "simulator/campaign.h"
#include "simulator/expected_failures.h"

namespace snapsim::cli {
namespace {

struct RunOptions {
  std::vector<std::string> paths;
  std::vector<std::string> backends = {"model"};
  std::string junit_path, json_path, html_path, shard_text, known_path;
  uint64_t seed = 1;
  int jobs = 1;
  bool quiet = false;
  bool timings = false;
};

bool WriteFile(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  out.close();
  if (!out) {
    fmt::print(stderr, "snapsim: error: cannot write {}\n", path);
    return false;
  }
  return true;
}

std::optional<simulator::Shard> ParseShard(std::string text) {
  // Without --shard, GoogleTest's sharding variables (as CI systems set them) apply.
  const char* env_index = std::getenv("GTEST_SHARD_INDEX");
  const char* env_total = std::getenv("GTEST_TOTAL_SHARDS");
  if (text.empty() && env_index != nullptr && env_total != nullptr) {
    text = std::string(env_index) + "/" + env_total;
  }
  if (text.empty()) return simulator::Shard{};
  int index = -1, count = 0;
  char slash = 0, extra = 0;
  if (std::sscanf(text.c_str(), "%d%c%d%c", &index, &slash, &count, &extra) != 3 ||
      slash != '/' || count < 1 || index < 0 || index >= count) {
    return std::nullopt;
  }
  return simulator::Shard{index, count};
}

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

void PrintResult(const simulator::ScenarioResult& r) {
  if (r.verdict == simulator::Verdict::kFail) {
    for (const auto& f : r.failures) fmt::print("{}\n", simulator::FormatFailure(r, f));
    fmt::print("  replay: {}\n", r.replay);
  } else if (r.verdict == simulator::Verdict::kSkip) {
    fmt::print("skip: {}: {}: {}\n", r.path, r.backend, r.reason);
  } else if (r.verdict == simulator::Verdict::kKnown) {
    fmt::print("known: {}: {}: {}\n", r.path, r.backend, r.finding);
  } else if (r.verdict == simulator::Verdict::kBackendFailure) {
    fmt::print("{}: {}: backend failure: {}\n  replay: {}\n", r.path, r.backend, r.reason,
               r.replay);
  }
}

void PrintSummary(const std::vector<simulator::ScenarioResult>& results) {
  // backend -> pass, fail, skip, error, known
  std::map<std::string, std::array<int, simulator::kVerdictCount>> counts;
  for (const auto& r : results) ++counts[r.backend][static_cast<int>(r.verdict)];
  fmt::print("\n{:<16} {:>6} {:>6} {:>6} {:>6} {:>6}\n", "backend", "pass", "fail", "skip",
             "error", "known");
  for (const auto& [backend, c] : counts) {
    fmt::print("{:<16} {:>6} {:>6} {:>6} {:>6} {:>6}\n", backend, c[0], c[1], c[2], c[3], c[4]);
  }
  std::map<std::string, int> skip_reasons;
  for (const auto& r : results) {
    if (r.verdict == simulator::Verdict::kSkip) ++skip_reasons[r.backend + ": " + r.reason];
  }
  for (const auto& [reason, n] : skip_reasons) fmt::print("skipped {}x {}\n", n, reason);
}

int ExitFor(const std::vector<simulator::ScenarioResult>& results) {
  int status = kExitOk;
  for (const auto& r : results) {
    if (r.verdict == simulator::Verdict::kBackendFailure) return kExitBackendUnavailable;
    if (r.verdict == simulator::Verdict::kFail) status = kExitCheckFailed;
  }
  return status;
}

int Run(const RunOptions& options) {
  fmt::print("seed: {}\n", options.seed);  // every run prints its seed first
  auto shard = ParseShard(options.shard_text);
  if (!shard) {
    fmt::print(stderr,
               "snapsim: error: --shard (or GTEST_SHARD_INDEX/GTEST_TOTAL_SHARDS) wants K/N "
               "with 0 <= K < N, got '{}'\n",
               options.shard_text);
    return kExitBadInput;
  }
  std::vector<simulator::BackendFactory> backends;
  for (const std::string& name : options.backends) {
    auto factory = simulator::BackendFactory::ForName(name);
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
      return kExitBadInput;
    }
    known = std::move(*loaded);
  }
  auto scenarios = LoadAll(options.paths.empty() ? std::vector<std::string>{"scenarios"}
                                                 : options.paths);
  if (!scenarios) return kExitBadInput;
  const auto cases = simulator::PlanCases(*scenarios, backends, *shard);
  fmt::print("{} scenarios x {} backends, shard {}/{}: {} cases, {} jobs\n", scenarios->size(),
             backends.size(), shard->index, shard->count, cases.size(), options.jobs);
  std::fflush(stdout);
  const bool progress = !options.quiet && isatty(STDERR_FILENO);
  size_t done = 0;
  auto results = simulator::RunCases(cases, options.jobs, [&](size_t, const auto& r) {
    ++done;
    if (progress) fmt::print(stderr, "\r[{}/{}] {:<70.70}", done, cases.size(), r.path);
  });
  if (progress) fmt::print(stderr, "\r{:80}\r", "");
  for (auto& r : results) simulator::ApplyKnownFindings(known, options.known_path, r);
  for (const auto& r : results) PrintResult(r);
  if (!options.quiet) PrintSummary(results);
  bool written = true;
  if (!options.junit_path.empty())
    written &= WriteFile(options.junit_path, reports::JunitReport(results));
  if (!options.json_path.empty())
    written &= WriteFile(options.json_path, reports::JsonLinesReport(options.seed, results, options.timings));
  if (!options.html_path.empty())
    written &= WriteFile(options.html_path, reports::HtmlReport(options.seed, results));
  if (!written) return kExitBadInput;
  return ExitFor(results);
}

void Register(CLI::App& app) {
  auto options = std::make_shared<RunOptions>();
  CLI::App* run = app.add_subcommand("run", "Replay scenario files on the model and backends");
  run->add_option("paths", options->paths, "Scenario files or folders (default: scenarios/)");
  run->add_option("--backend", options->backends, "Backends, comma separated (default: model)")
      ->delimiter(',');
  run->add_option("--junit", options->junit_path, "Write a JUnit XML report");
  run->add_option("--json", options->json_path, "Write a JSON lines report");
  run->add_option("--html", options->html_path, "Write an HTML conformance matrix");
  run->add_option("--seed", options->seed, "Seed (printed first; default 1)");
  run->add_option("--jobs", options->jobs, "Parallel cases (default 1)")
      ->check(CLI::Range(1, 256));
  run->add_option("--shard", options->shard_text,
                  "Run shard K of N (0-based K/N): disjoint, complete partitions");
  run->add_option("--known", options->known_path,
                  "Known findings: a case that diverges as recorded is `known`, not a failure; "
                  "a recorded case that no longer diverges fails (docs/known-findings.md)");
  run->add_flag("--quiet", options->quiet, "Print failures only");
  run->add_flag("--timings", options->timings,
                "Add each scenario's elapsed time to the JSON report (not reproducible)");
  run->callback([options] { SetExitStatus(Run(*options)); });
}

VerbRegistrar registrar(10, Register);

}  // namespace
}  // namespace snapsim::cli
