#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <sstream>
#include <vector>

#include "model/model.h"
#include "reports/finding_anchors.h"
#include "reports/html_report.h"
#include "reports/json_lines_report.h"
#include "reports/junit_report.h"
#include "reports/portability.h"
#include "simulator/situation.h"

namespace snapsim::reports {
namespace {

using simulator::ScenarioResult;
using simulator::Verdict;

std::vector<ScenarioResult> Results() {
  std::vector<ScenarioResult> results;
  const char* paths[] = {"scenarios/esx/a.yaml", "scenarios/test/b <&> \"c\".yaml",
                         "scenarios/qemu/d.yaml"};
  for (const char* path : paths) {
    for (const char* backend : {"model", "libvirt-test"}) {
      ScenarioResult r;
      r.path = path;
      r.name = "n";
      r.backend = backend;
      r.replay = std::string("snapsim run ") + path + " --backend " + backend;
      r.events.push_back({1, 4, "create", "ok", "ok", "", true});
      results.push_back(r);
    }
  }
  results[1].verdict = Verdict::kFail;
  results[1].failures.push_back({{"scenarios/esx/a.yaml", 4, 5},
                                 1,
                                 "create",
                                 "divergence",
                                 "model: ok",
                                 "internal-error: <boom> & \x01"});
  results[3].verdict = Verdict::kSkip;
  results[3].reason = "test:///default implements the test profile, not qemu";
  results[5].verdict = Verdict::kBackendFailure;
  results[5].reason = "QEMU died";
  return results;
}

// A small well-formedness check: every element closes in order, attributes are quoted.
bool Balanced(const std::string& xml) {
  std::vector<std::string> open;
  for (size_t i = xml.find('<'); i != std::string::npos; i = xml.find('<', i + 1)) {
    const size_t end = xml.find('>', i);
    if (end == std::string::npos) return false;
    std::string tag = xml.substr(i + 1, end - i - 1);
    if (tag.empty() || tag[0] == '?' || tag[0] == '!') continue;
    if (tag.back() == '/') continue;
    const std::string name =
        tag.substr(tag[0] == '/' ? 1 : 0, tag.find_first_of(" /", 1) - (tag[0] == '/' ? 1 : 0));
    if (tag[0] == '/') {
      if (open.empty() || open.back() != name) return false;
      open.pop_back();
    } else if (name != "meta" && name != "br") {
      open.push_back(name);
    }
  }
  return open.empty();
}

size_t Count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t i = text.find(what); i != std::string::npos; i = text.find(what, i + 1)) ++n;
  return n;
}

TEST(JunitReportTest, HoldsEveryCaseWellFormed) {
  const std::string xml = JunitReport(Results());
  EXPECT_TRUE(Balanced(xml)) << xml;
  EXPECT_EQ(Count(xml, "<testcase "), 6u);
  EXPECT_EQ(Count(xml, "<testsuite "), 2u);
  EXPECT_EQ(Count(xml, "<failure "), 1u);
  EXPECT_EQ(Count(xml, "<skipped "), 1u);
  EXPECT_EQ(Count(xml, "<error "), 1u);
  EXPECT_EQ(xml.find("<boom>"), std::string::npos) << "unescaped text";
  EXPECT_NE(xml.find("scenarios/esx/a.yaml:4: step 1 (create)"), std::string::npos);
  EXPECT_NE(xml.find("tests=\"6\" failures=\"1\" errors=\"1\" skipped=\"1\""), std::string::npos);
}

TEST(JsonLinesReportTest, EveryLineParsesAndNoClockLeaks) {
  std::istringstream lines(JsonLinesReport(7, Results()));
  std::string line;
  int steps = 0, scenarios = 0;
  while (std::getline(lines, line)) {
    const auto event = nlohmann::json::parse(line);
    steps += event["event"] == "step";
    scenarios += event["event"] == "scenario";
    EXPECT_FALSE(event.contains("time") || event.contains("elapsed_ms")) << line;
  }
  EXPECT_EQ(steps, 6);
  EXPECT_EQ(scenarios, 6);
  EXPECT_EQ(JsonLinesReport(7, Results()), JsonLinesReport(7, Results()));
}

TEST(HtmlReportTest, HoldsEveryScenarioAndThePortabilityMatrix) {
  const std::string html = HtmlReport(7, Results());
  EXPECT_TRUE(Balanced(html));
  EXPECT_NE(html.find("scenarios/esx/a.yaml"), std::string::npos);
  EXPECT_NE(html.find("scenarios/test/b &lt;&amp;&gt; &quot;c&quot;.yaml"), std::string::npos);
  EXPECT_NE(html.find("scenarios/qemu/d.yaml"), std::string::npos);
  EXPECT_NE(html.find("Portability"), std::string::npos);
  EXPECT_NE(html.find("delete the current snapshot while running"), std::string::npos);
  EXPECT_EQ(Count(html, "data-status=\"fail\""), 1u);
  EXPECT_EQ(Count(html, "<details class=\"case\""), 6u);
}

// The count cell of `status`: <td class="count" id="count-fail">N</td>.
std::string CountCell(const std::string& html, const std::string& status) {
  const std::string head = "id=\"count-" + status + "\">";
  const size_t at = html.find(head);
  if (at == std::string::npos) return "missing";
  return html.substr(at + head.size(), html.find('<', at) - at - head.size());
}

TEST(HtmlReportTest, CountsEachStatus) {
  std::vector<ScenarioResult> results = Results();
  results[4].verdict = Verdict::kKnown;
  results[4].finding = "F4";
  const std::string html = HtmlReport(7, results);
  EXPECT_EQ(CountCell(html, "fail"), "1");
  EXPECT_EQ(CountCell(html, "backend-failure"), "1");
  EXPECT_EQ(CountCell(html, "known"), "1");
  EXPECT_EQ(CountCell(html, "skip"), "1");
  EXPECT_EQ(CountCell(html, "pass"), "2");
  EXPECT_EQ(CountCell(html, "all"), "6");
}

// The data-status of each case row, in page order.
std::vector<std::string> RowStatuses(const std::string& html) {
  std::vector<std::string> statuses;
  const std::string head = "<details class=\"case\" id=\"case-";
  for (size_t at = html.find(head); at != std::string::npos; at = html.find(head, at + 1)) {
    const size_t status = html.find("data-status=\"", at) + 13;
    statuses.push_back(html.substr(status, html.find('"', status) - status));
  }
  return statuses;
}

TEST(HtmlReportTest, ListsFailuresFirstThenKnownPassAndSkip) {
  std::vector<ScenarioResult> results = Results();  // pass fail pass skip pass backend-failure
  results[2].verdict = Verdict::kKnown;
  const std::vector<std::string> want = {"fail", "backend-failure", "known", "pass", "pass",
                                         "skip"};
  const std::string html = HtmlReport(7, results);
  EXPECT_EQ(RowStatuses(html), want);
  // Within one status, the order given: case-0 before case-4.
  EXPECT_LT(html.find("id=\"case-0\""), html.find("id=\"case-4\""));
  // The counts table says failures first too.
  EXPECT_LT(html.find("id=\"count-fail\""), html.find("id=\"count-pass\""));
}

TEST(HtmlReportTest, EscapesEveryTextItShows) {
  std::vector<ScenarioResult> results = Results();
  results[1].events[0].item = "create: {name: \"<img src=x>\"}";
  HtmlReportInput input;
  input.environment.command_line = "snapsim run '<script>alert(1)</script>'";
  input.environment.backend_versions = {{"qemu&img", "QEMU <7.2>"}};
  input.scenario_texts["scenarios/esx/a.yaml"] = "name: \"</pre><b>\"\n";
  const std::string html = HtmlReport(7, results, input);
  EXPECT_TRUE(Balanced(html)) << html;
  EXPECT_EQ(html.find("<script>alert"), std::string::npos);
  EXPECT_EQ(html.find("<img"), std::string::npos);
  EXPECT_EQ(html.find("</pre><b>"), std::string::npos);
  EXPECT_EQ(html.find("<boom>"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
  EXPECT_NE(html.find("qemu&amp;img"), std::string::npos);
  EXPECT_NE(html.find("QEMU &lt;7.2&gt;"), std::string::npos);
}

TEST(HtmlReportTest, IsByteIdenticalAndDatedOnlyWhenGivenDates) {
  HtmlReportInput input;
  input.environment = {"0.1.0", "abc1234", "snapsim run x.yaml", {{"model", ""}}, "", ""};
  const std::string html = HtmlReport(7, Results(), input);
  EXPECT_EQ(html, HtmlReport(7, Results(), input));
  EXPECT_EQ(html.find("started"), std::string::npos);
  EXPECT_NE(html.find("0.1.0 (commit abc1234)"), std::string::npos);
  EXPECT_NE(html.find("<tr><th>seed</th><td>7</td></tr>"), std::string::npos);
  EXPECT_NE(HtmlReport(8, Results(), input), html);
  input.environment.started = "2026-12-03T08:40:11Z";
  EXPECT_NE(HtmlReport(7, Results(), input).find("2026-12-03T08:40:11Z"), std::string::npos);
}

TEST(HtmlReportTest, OpensACaseToItsTraceAndMarksTheFailingLine) {
  std::vector<ScenarioResult> results = Results();
  results[1].events = {{1, 3, "create", "ok", "ok", "ok", true, "create: A", ""},
                       {2, 4, "create", "ok", "internal-error", "ok", false, "create: B", ""}};
  results[0].events = {{1, 3, "delete", "any", "operation-invalid", "invalid-arg", true, "", ""}};
  HtmlReportInput input;
  input.scenario_texts["scenarios/esx/a.yaml"] =
      "hypervisor: esx\nsteps:\n  - create: A\n"
      "  - create: B\n";
  const std::string html = HtmlReport(7, results, input);
  EXPECT_NE(html.find("<tr><td>1</td><td><a href=\"#case-1-L3\">3</a></td><td>create: A</td>"),
            std::string::npos);
  EXPECT_NE(html.find("<tr class=\"broke\"><td>2</td>"), std::string::npos);
  // Model and backend answered otherwise, though the file's `any` held: marked.
  EXPECT_NE(html.find("<tr class=\"differs\"><td>1</td><td><a href=\"#case-0-L3\">3</a></td>"
                      "<td>delete</td><td>any</td><td>invalid-arg</td><td>operation-invalid</td>"),
            std::string::npos);
  EXPECT_NE(html.find("<span id=\"case-1-L4\" class=\"bad\"><span class=\"ln\">4</span>  - "
                      "create: B</span>"),
            std::string::npos);
  EXPECT_NE(html.find("<span id=\"case-1-L3\"><span class=\"ln\">3</span>"), std::string::npos);
  // A case whose text the report was not given says so.
  EXPECT_NE(html.find("The scenario's text is not in this report."), std::string::npos);
}

TEST(HtmlReportTest, LinksFindingsToTheirSections) {
  std::vector<ScenarioResult> results = Results();
  results[4].verdict = Verdict::kKnown;
  results[4].finding = "F4";
  const std::string html = HtmlReport(7, results);
  EXPECT_NE(html.find("<a class=\"finding\" href=\"docs/findings.md#f4-libvirt-90-deleting-"),
            std::string::npos);
}

TEST(HtmlFindingAnchorTest, FollowsGithubsHeadingAnchors) {
  EXPECT_EQ(GithubAnchor("F2. `qemu-img snapshot -d` in QEMU 7.2 matches tags only"),
            "f2-qemu-img-snapshot--d-in-qemu-72-matches-tags-only");
  const std::string markdown =
      "# Findings\n## F1. One\n```\n## F2. in a code block\n```\n## F2-F9. Range (of "
      "many)\n### F3. Own, inside the range\n## F10+. Open\n";
  EXPECT_EQ(FindingAnchorIn(markdown, "F1"), "f1-one");
  EXPECT_EQ(FindingAnchorIn(markdown, "F2"), "f2-f9-range-of-many");
  EXPECT_EQ(FindingAnchorIn(markdown, "F3"), "f3-own-inside-the-range");
  EXPECT_EQ(FindingAnchorIn(markdown, "F12"), "f10-open");
  EXPECT_EQ(FindingAnchorIn(markdown, "F0"), "");
  EXPECT_EQ(FindingAnchorIn(markdown, "F1x"), "");
  EXPECT_EQ(FindingAnchorIn(markdown, "bug"), "");
  // The docs/findings.md this build was configured with: a range heading, and a ### one.
  EXPECT_EQ(FindingAnchor("F7").rfind("f5-f13-", 0), 0u) << FindingAnchor("F7");
  EXPECT_EQ(FindingAnchor("F15").rfind("f15-", 0), 0u) << FindingAnchor("F15");
}

TEST(HtmlReportTest, PortabilityShowsWhatTheRunsBackendsDid) {
  const std::vector<PortabilityRow> rows = PortabilityMatrix();
  const PortabilityRow& row = rows[0];  // create a snapshot while running
  const size_t qemu = 1;                // kAllProfiles: esx, qemu, vbox, test
  ASSERT_FALSE(row.cells[qemu].situation.empty());
  std::vector<ScenarioResult> results(1);
  results[0].path = "scenarios/qemu/x.yaml";
  results[0].profile = Profile::kQemu;
  results[0].backend = "qemu-odd";
  results[0].events = {
      {1, 3, "create", "ok", "internal-error", "ok", true, "create: A", row.cells[qemu].situation}};
  const std::string html = HtmlReport(7, results);
  EXPECT_NE(html.find("<span class=\"observed differs\""), std::string::npos);
  EXPECT_NE(html.find("qemu-odd: internal-error &#215;1"), std::string::npos);
  EXPECT_NE(row.cells[qemu].disks.find("vda: "), std::string::npos) << row.cells[qemu].disks;
}

TEST(HtmlSituationKeyTest, NamesWhatTheTargetIsWithoutItsName) {
  model::Model model(Profile::kTest, PowerState::kShutoff, {{"vda", 1 << 20}});
  ASSERT_TRUE(model.Apply(scenario::Create{"A"}).ok());
  ASSERT_TRUE(model.Apply(scenario::Create{"B"}).ok());
  scenario::Delete with_children{"A"};
  with_children.children = true;
  EXPECT_EQ(simulator::SituationKey(model, with_children),
            "delete: {name: X, children: true} | from shutoff | target not current, internal, "
            "1 child");
  EXPECT_EQ(simulator::SituationKey(model, scenario::Revert{"B"}),
            "revert: X | from shutoff | target current, internal, no child, taken shutoff");
  EXPECT_EQ(simulator::SituationKey(model, scenario::Create{"A"}),
            "create: X | from shutoff | name exists");
  EXPECT_EQ(simulator::SituationKey(model, scenario::Start{}), "");
}

}  // namespace
}  // namespace snapsim::reports
