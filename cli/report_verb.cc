// snapsim report merge FILE... [--json FILE] [--junit FILE] [--html FILE]
// The JSON-lines reports of a campaign's shards (run, fuzz or explore --backend, each with
// --shard and --json) merged into the unsharded run's report (reports/shard_merge.h), and
// its JUnit and HTML reports. Exit 0 when the merged campaign held, 1 when it failed or
// found a divergence, 2 for bad input (a malformed line as FILE:LINE: error, a shard
// missing or repeated, shards of different campaigns).
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "cli/report_file.h"
#include "cli/verbs.h"
#include "core/exit_code.h"
#include "reports/campaign_pages.h"
#include "reports/html_report.h"
#include "reports/junit_report.h"
#include "reports/shard_merge.h"

namespace snapsim::cli {
namespace {

struct MergeArgs {
  std::vector<std::string> files;
  std::string json, junit, html;
};

reports::HtmlReportInput HtmlInput(const reports::MergedReport& merged) {
  reports::HtmlReportInput input;
  input.environment.snapsim_version = SnapsimVersion();
  input.environment.commit = SnapsimCommit();
  input.environment.command_line = CommandLine();
  input.incomplete = merged.incomplete;
  for (const simulator::ScenarioResult& r : merged.results) {
    if (input.scenario_texts.count(r.path) != 0) continue;
    std::ifstream file(r.path, std::ios::binary);
    std::ostringstream text;
    text << file.rdbuf();
    if (file) input.scenario_texts[r.path] = text.str();
  }
  return input;
}

int Merge(const MergeArgs& args) {
  auto merged = reports::MergeShardReports(args.files);
  if (!merged.ok()) {
    fmt::print(stderr, "snapsim: {}\n", merged.status().message());
    return kExitBadInput;
  }
  fmt::print("merged {} shards of a {} report\n", merged->shards, merged->kind);
  if (merged->kind == "run") {
    int failed = 0;
    for (const auto& r : merged->results)
      failed += r.verdict != simulator::Verdict::kPass && r.verdict != simulator::Verdict::kSkip &&
                r.verdict != simulator::Verdict::kKnown;
    fmt::print("seed {}: {} cases, {} failed{}\n", merged->seed, merged->results.size(), failed,
               merged->incomplete ? " (a shard was interrupted: incomplete)" : "");
  }
  for (const std::string& line : merged->summary) fmt::print("{}\n", line);
  bool written = true;
  if (!args.json.empty()) written &= WriteFile(args.json, merged->json);
  if (!args.junit.empty()) {
    written &= WriteFile(args.junit, merged->kind == "run"
                                         ? reports::JunitReport(merged->results, merged->incomplete)
                                         : reports::CampaignJunit(*merged));
  }
  if (!args.html.empty()) {
    written &= WriteFile(
        args.html, merged->kind == "run"
                       ? reports::HtmlReport(merged->seed, merged->results, HtmlInput(*merged))
                       : reports::CampaignHtml(*merged, CommandLine()));
  }
  if (!written) return kExitBadInput;
  return merged->failed ? kExitCheckFailed : kExitOk;
}

void Register(CLI::App& app) {
  CLI::App* report = app.add_subcommand("report", "Work with the reports of runs");
  report->require_subcommand(1);
  auto args = std::make_shared<MergeArgs>();
  CLI::App* merge = report->add_subcommand(
      "merge", "Merge the JSON-lines reports of a campaign's shards into the unsharded report");
  merge->add_option("files", args->files, "The shards' reports (run, fuzz or explore --json)")
      ->required();
  merge->add_option("--json", args->json, "Write the merged JSON-lines report");
  merge->add_option("--junit", args->junit, "Write the merged JUnit XML report");
  merge->add_option("--html", args->html, "Write the merged HTML report");
  merge->callback([args] { SetExitStatus(Merge(*args)); });
}

VerbRegistrar registrar(45, Register);

}  // namespace
}  // namespace snapsim::cli
