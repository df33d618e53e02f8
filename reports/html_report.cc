#include "reports/html_report.h"

#include <array>

#include <fmt/format.h>

#include "core/xml_escape.h"
#include "reports/html_assets.h"
#include "reports/html_cases.h"
#include "reports/html_portability.h"

namespace snapsim::reports {
namespace {

using simulator::ScenarioResult;

void AppendRow(const std::string& name, const std::string& value, std::string& out) {
  out += fmt::format("<tr><th>{}</th><td>{}</td></tr>\n", XmlEscape(name), XmlEscape(value));
}

void AppendEnvironment(uint64_t seed, size_t cases, const RunEnvironment& env, std::string& out) {
  out += "<h2>Environment</h2>\n<table class=\"environment\">\n";
  AppendRow("snapsim",
            fmt::format("{} (commit {})", env.snapsim_version.empty() ? "?" : env.snapsim_version,
                        env.commit.empty() ? "unknown" : env.commit),
            out);
  AppendRow("command", env.command_line, out);
  AppendRow("seed", std::to_string(seed), out);
  AppendRow("cases", std::to_string(cases), out);
  for (const auto& [backend, versions] : env.backend_versions) {
    AppendRow("backend " + backend, versions.empty() ? "(in process)" : versions, out);
  }
  if (!env.started.empty()) AppendRow("started", env.started, out);
  if (!env.finished.empty()) AppendRow("finished", env.finished, out);
  out += "</table>\n";
}

// The counts table (failures first) and the filters that go with it.
void AppendCounts(const std::vector<ScenarioResult>& results, std::string& out) {
  std::array<int, simulator::kVerdictCount> counts{};
  for (const ScenarioResult& r : results) ++counts[static_cast<int>(r.verdict)];
  out += "<h2>Cases by status</h2>\n<table class=\"counts\">\n";
  for (simulator::Verdict status : kStatusOrder) {
    const char* name = simulator::VerdictName(status);
    out += fmt::format(
        "<tr><td class=\"status {}\">{}</td><td class=\"count\" id=\"count-{}\">{}</td></tr>\n",
        name, name, name, counts[static_cast<int>(status)]);
  }
  out +=
      fmt::format("<tr><th>all</th><td id=\"count-all\">{}</td></tr>\n</table>\n", results.size());
  out += "<div class=\"filters\">show: ";
  for (simulator::Verdict status : kStatusOrder) {
    const char* name = simulator::VerdictName(status);
    out += fmt::format(
        "<label><input type=\"checkbox\" class=\"status-filter\" value=\"{}\" checked=\"checked\" "
        "/> {}</label>",
        name, name);
  }
  out +=
      "<input type=\"search\" id=\"search\" placeholder=\"search backend, file, finding, "
      "reason\" /> <span id=\"shown\" class=\"small\"></span></div>\n";
}

}  // namespace

std::string HtmlReport(uint64_t seed, const std::vector<ScenarioResult>& results,
                       const HtmlReportInput& input) {
  std::string out =
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
      "<title>snapsim conformance</title><style>";
  out += kHtmlStyle;
  out += "</style></head><body>\n<h1>snapsim conformance report</h1>\n";
  if (input.incomplete) {
    out +=
        "<p class=\"banner\"><b>Incomplete:</b> the run was interrupted before every case "
        "ran.</p>\n";
  }
  AppendEnvironment(seed, results.size(), input.environment, out);
  AppendCounts(results, out);
  out += "<div id=\"cases\">\n";
  for (size_t index : FailuresFirst(results)) {
    AppendCase(results[index], index, input.scenario_texts, out);
  }
  out += "</div>\n";
  AppendPortability(results, out);
  out += "<script>";
  out += kHtmlScript;
  return out + "</script>\n</body></html>\n";
}

}  // namespace snapsim::reports
