#include "reports/html_report.h"

#include <map>
#include <set>

#include <fmt/format.h>

#include "core/xml_escape.h"
#include "reports/portability.h"

namespace snapsim::reports {
namespace {

constexpr const char* kStyle = R"(
body { font: 14px/1.4 system-ui, sans-serif; margin: 2em; color: #222; }
h1 { font-size: 1.5em; } h2 { font-size: 1.2em; margin-top: 2em; }
table { border-collapse: collapse; margin: 1em 0; }
th, td { border: 1px solid #ccc; padding: 4px 8px; vertical-align: top; text-align: left; }
th { background: #f4f4f4; }
td.pass { background: #dff5e1; } td.fail { background: #fbdcdc; }
td.skip { background: #f1f1f1; color: #666; } td.known { background: #efe6fb; }
td.na { color: #bbb; } td.error { background: #fde9c8; }
td.ok { background: #eef7ee; } td.err { background: #fff4e5; }
details summary { cursor: pointer; } pre { white-space: pre-wrap; margin: 0.3em 0; }
.small { font-size: 12px; color: #555; }
)";

std::string VerdictCell(const simulator::ScenarioResult& r) {
  // A backend that implements another profile never could run the file: not a finding.
  if (r.verdict == simulator::Verdict::kSkip && r.profile_not_implemented) {
    return "<td class=\"na\" title=\"" + XmlEscape(r.reason) + "\">n/a</td>";
  }
  static const char* kClass[simulator::kVerdictCount] = {"pass", "fail", "skip", "error", "known"};
  std::string cell = fmt::format("<td class=\"{}\">{}", kClass[static_cast<int>(r.verdict)],
                                 simulator::VerdictName(r.verdict));
  if (!r.finding.empty()) cell += " " + XmlEscape(r.finding);
  std::string details;
  for (const auto& f : r.failures) details += simulator::FormatFailure(r, f) + "\n";
  if (!r.reason.empty()) details += r.reason + "\n";
  if (r.verdict == simulator::Verdict::kFail || r.verdict == simulator::Verdict::kBackendFailure) {
    details += "replay: " + r.replay + "\n";
  }
  if (!details.empty()) {
    cell += "<details><summary class=\"small\">details</summary><pre>" + XmlEscape(details) +
            "</pre></details>";
  }
  return cell + "</td>";
}

void ScenarioMatrix(const std::vector<simulator::ScenarioResult>& results, std::string& out) {
  std::set<std::string> backends;
  std::vector<std::string> paths;
  std::map<std::pair<std::string, std::string>, const simulator::ScenarioResult*> cells;
  for (const auto& r : results) {
    backends.insert(r.backend);
    if (cells.find({r.path, ""}) == cells.end()) {
      paths.push_back(r.path);
      cells[{r.path, ""}] = &r;
    }
    cells[{r.path, r.backend}] = &r;
  }
  out += "<h2>Scenarios by backend</h2>\n<table>\n<tr><th>scenario</th><th>profile</th>";
  for (const auto& b : backends) out += "<th>" + XmlEscape(b) + "</th>";
  out += "</tr>\n";
  for (const auto& path : paths) {
    out += fmt::format("<tr><td>{}</td><td>{}</td>", XmlEscape(path),
                       ProfileName(cells[{path, ""}]->profile));
    for (const auto& b : backends) {
      auto it = cells.find({path, b});
      out += it == cells.end() ? "<td></td>" : VerdictCell(*it->second);
    }
    out += "</tr>\n";
  }
  out += "</table>\n";
}

void PortabilityTable(std::string& out) {
  out +=
      "<h2>Portability: what each profile's model does</h2>\n"
      "<p class=\"small\">Each row starts a fresh domain, runs the setup, then the "
      "operation. Cells show the outcome and the state after it.</p>\n"
      "<table>\n<tr><th>situation</th><th>setup</th>";
  for (Profile p : kAllProfiles) out += fmt::format("<th>{}</th>", ProfileName(p));
  out += "</tr>\n";
  for (const PortabilityRow& row : PortabilityMatrix()) {
    out += fmt::format("<tr><td>{}</td><td class=\"small\">{}</td>", XmlEscape(row.situation),
                       XmlEscape(row.setup));
    for (const PortabilityCell& cell : row.cells) {
      out += fmt::format("<td class=\"{}\"><b>{}</b><br><span class=\"small\">{}</span></td>",
                         cell.ok ? "ok" : "err", XmlEscape(cell.outcome), XmlEscape(cell.after));
    }
    out += "</tr>\n";
  }
  out += "</table>\n";
}

}  // namespace

std::string HtmlReport(uint64_t seed, const std::vector<simulator::ScenarioResult>& results,
                       bool incomplete) {
  std::array<int, simulator::kVerdictCount> counts{};
  for (const auto& r : results) ++counts[static_cast<int>(r.verdict)];
  std::string out =
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
      "<title>snapsim conformance</title><style>";
  out += kStyle;
  out += "</style></head><body>\n<h1>snapsim conformance report</h1>\n";
  out += fmt::format(
      "<p>seed {} &middot; {} cases: {} pass, {} fail, {} skip, {} error, {} known</p>\n", seed,
      results.size(), counts[0], counts[1], counts[2], counts[3], counts[4]);
  if (incomplete)
    out += "<p><b>Incomplete:</b> the run was interrupted before every case ran.</p>\n";
  ScenarioMatrix(results, out);
  PortabilityTable(out);
  return out + "</body></html>\n";
}

}  // namespace snapsim::reports
