#include "reports/html_cases.h"

#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "core/xml_escape.h"
#include "reports/finding_anchors.h"

namespace snapsim::reports {
namespace {

using simulator::ScenarioResult;
using simulator::Verdict;

std::string Lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
  });
  return text;
}

std::string FindingHtml(const std::string& finding) {
  const std::string link = FindingLink(finding);
  if (link.empty()) return XmlEscape(finding);
  return fmt::format("<a class=\"finding\" href=\"{}\">{}</a>", XmlEscape(link),
                     XmlEscape(finding));
}

void AppendSummary(const ScenarioResult& r, std::string& out) {
  const char* status = simulator::VerdictName(r.verdict);
  out += fmt::format(
      "<summary><span class=\"status {}\">{}</span> <span class=\"backend\">{}</span> "
      "<span class=\"path\">{}</span>",
      status, status, XmlEscape(r.backend), XmlEscape(r.path));
  if (!r.finding.empty()) out += " " + FindingHtml(r.finding);
  if (r.verdict == Verdict::kSkip && r.profile_not_implemented) {
    out += " <span class=\"small\">(profile not implemented)</span>";
  }
  out += "</summary>\n";
}

// What differs at a divergence, aspect by aspect (bytes name the disk and snapshot).
void AppendDifferences(const simulator::Divergence& divergence, std::string& out) {
  out += "<table class=\"differences\"><tr><th>differs</th><th>model</th><th>backend</th></tr>\n";
  for (const simulator::Difference& d : divergence.differences) {
    std::string aspect = simulator::AspectName(d.aspect);
    if (!d.subject.empty()) aspect += " of " + d.subject;
    out += fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td></tr>\n", XmlEscape(aspect),
                       XmlEscape(d.model), XmlEscape(d.backend));
  }
  out += "</table>\n";
}

void AppendFailures(const ScenarioResult& r, std::string& out) {
  for (const simulator::Failure& f : r.failures) {
    out += "<pre class=\"failure\">" + XmlEscape(simulator::FormatFailure(r, f)) + "</pre>\n";
    if (f.divergence) AppendDifferences(*f.divergence, out);
  }
  if (!r.reason.empty()) out += "<p>" + XmlEscape(r.reason) + "</p>\n";
  if (r.verdict == Verdict::kFail || r.verdict == Verdict::kBackendFailure) {
    out += "<p class=\"small\">replay: <code>" + XmlEscape(r.replay) + "</code></p>\n";
  }
}

std::string OrDash(const std::string& text) { return text.empty() ? "&#8212;" : XmlEscape(text); }

void AppendTrace(const ScenarioResult& r, size_t index, std::string& out) {
  if (r.events.empty()) return;
  out +=
      "<table class=\"trace\"><tr><th>step</th><th>line</th><th>action</th><th>expected</th>"
      "<th>model</th><th>backend</th><th>held</th></tr>\n";
  for (const simulator::StepEvent& e : r.events) {
    const bool differs = !e.model_outcome.empty() && e.model_outcome != e.outcome;
    // An `expect` step answers nothing: what it checks is in the file, what failed above.
    const std::string expected = e.action == "expect" ? "its checks" : e.expected;
    const char* row = !e.held ? " class=\"broke\"" : differs ? " class=\"differs\"" : "";
    out += fmt::format(
        "<tr{}><td>{}</td><td><a href=\"#case-{}-L{}\">{}</a></td><td>{}</td><td>{}</td>"
        "<td>{}</td><td>{}</td><td>{}</td></tr>\n",
        row, e.step, index, e.line, e.line, XmlEscape(e.item.empty() ? e.action : e.item),
        OrDash(expected), OrDash(e.model_outcome), OrDash(e.outcome), e.held ? "yes" : "<b>no</b>");
  }
  out += "</table>\n";
}

// The file's text, one span per line; the lines a failure names are marked.
void AppendSource(const ScenarioResult& r, size_t index,
                  const std::map<std::string, std::string>& scenario_texts, std::string& out) {
  const auto text = scenario_texts.find(r.path);
  if (text == scenario_texts.end()) {
    out += "<p class=\"small\">The scenario's text is not in this report.</p>\n";
    return;
  }
  std::set<int> failing;
  for (const simulator::Failure& f : r.failures) failing.insert(f.where.line);
  out += "<pre class=\"source\">";
  const std::string& source = text->second;
  int line = 1;
  for (size_t start = 0; start < source.size(); ++line) {
    size_t end = source.find('\n', start);
    if (end == std::string::npos) end = source.size();
    out += fmt::format("<span id=\"case-{}-L{}\"{}><span class=\"ln\">{}</span>{}</span>", index,
                       line, failing.count(line) ? " class=\"bad\"" : "", line,
                       XmlEscape(source.substr(start, end - start)));
    start = end + 1;
  }
  out += "</pre>\n";
}

}  // namespace

std::vector<size_t> FailuresFirst(const std::vector<ScenarioResult>& results) {
  std::vector<size_t> order;
  for (Verdict status : kStatusOrder) {
    for (size_t i = 0; i < results.size(); ++i) {
      if (results[i].verdict == status) order.push_back(i);
    }
  }
  return order;
}

void AppendCase(const ScenarioResult& r, size_t index,
                const std::map<std::string, std::string>& scenario_texts, std::string& out) {
  const std::string search =
      Lower(fmt::format("{} {} {} {} {} {}", simulator::VerdictName(r.verdict), r.backend, r.path,
                        r.name, r.finding, r.reason));
  out +=
      fmt::format("<details class=\"case\" id=\"case-{}\" data-status=\"{}\" data-search=\"{}\">\n",
                  index, simulator::VerdictName(r.verdict), XmlEscape(search));
  AppendSummary(r, out);
  AppendFailures(r, out);
  AppendTrace(r, index, out);
  AppendSource(r, index, scenario_texts, out);
  out += "</details>\n";
}

}  // namespace snapsim::reports
