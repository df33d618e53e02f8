#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <sstream>
#include <vector>

#include "reports/html_report.h"
#include "reports/json_lines_report.h"
#include "reports/junit_report.h"

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
  EXPECT_EQ(Count(html, "class=\"fail\""), 1u);
}

}  // namespace
}  // namespace snapsim::reports
