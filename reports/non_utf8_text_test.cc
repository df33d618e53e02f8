// Reports take file names and backend messages as they come: bytes that need not be UTF-8
// nor allowed in XML. Every report must still be valid UTF-8, and JUnit valid XML 1.0.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <sstream>
#include <string>
#include <vector>

#include "core/utf8.h"
#include "reports/html_report.h"
#include "reports/json_lines_report.h"
#include "reports/junit_report.h"

namespace snapsim::reports {
namespace {

using simulator::ScenarioResult;
using simulator::Verdict;

// Each string field holds a different kind of byte that no report can write as it is.
std::vector<ScenarioResult> ResultsWithBadBytes() {
  std::vector<ScenarioResult> results(3);
  for (ScenarioResult& r : results) {
    r.path = "scenarios/snap\xFFshot.yaml";
    r.name = "snap\xFFshot";
    r.backend = "libvirt:test:///\xC0\xAF";
    r.replay = "snapsim run scenarios/snap\xFFshot.yaml";
    r.events.push_back(
        {1, 4, "create\xED\xA0\x80", "ok\x01", "no-domain\x1Fsnapshot", "\xF4\x90", false});
  }
  results[0].verdict = Verdict::kFail;
  results[0].failures.push_back({{"scenarios/snap\xFFshot.yaml", 4, 5},
                                 1,
                                 "create\xFE",
                                 "divergence\x02",
                                 "model: ok \xEF\xBF\xBF",
                                 "internal-error: image /tmp/\xE9t\xE9.qcow2\x1B[31m"});
  results[1].verdict = Verdict::kSkip;
  results[1].reason = "cannot run \xFF profile";
  results[2].verdict = Verdict::kBackendFailure;
  results[2].reason = "QEMU died: \x07\xC3";
  return results;
}

// Code points XML 1.0 does not allow, in text that is already valid UTF-8.
bool HasNonXmlCharacter(const std::string& text) {
  for (size_t i = 0; i < text.size();) {
    const Utf8Char c = DecodeUtf8(text, i);
    if ((c.code_point < 0x20 && c.code_point != '\t' && c.code_point != '\n' &&
         c.code_point != '\r') ||
        c.code_point == 0xFFFE || c.code_point == 0xFFFF) {
      return true;
    }
    i += c.length;
  }
  return false;
}

TEST(NonUtf8Text, JsonLinesStayUtf8AndParse) {
  const std::string report = JsonLinesReport(1, ResultsWithBadBytes());
  EXPECT_FALSE(FindInvalidUtf8(report).has_value());
  std::istringstream lines(report);
  std::string line;
  int scenarios = 0;
  while (std::getline(lines, line)) {
    const auto event = nlohmann::json::parse(line);  // throws on invalid UTF-8
    if (event["event"] != "scenario") continue;
    ++scenarios;
    EXPECT_EQ(event["scenario"], "scenarios/snap\xEF\xBF\xBDshot.yaml");
  }
  EXPECT_EQ(scenarios, 3);
}

TEST(NonUtf8Text, JunitIsUtf8WithOnlyXmlCharacters) {
  const std::string xml = JunitReport(ResultsWithBadBytes());
  EXPECT_FALSE(FindInvalidUtf8(xml).has_value());
  EXPECT_FALSE(HasNonXmlCharacter(xml)) << xml;
  EXPECT_NE(xml.find("name=\"scenarios/snap\xEF\xBF\xBDshot.yaml\""), std::string::npos) << xml;
}

TEST(NonUtf8Text, HtmlIsUtf8WithOnlyXmlCharacters) {
  const std::string html = HtmlReport(1, ResultsWithBadBytes());
  EXPECT_FALSE(FindInvalidUtf8(html).has_value());
  EXPECT_FALSE(HasNonXmlCharacter(html));
}

TEST(NonUtf8Text, HtmlEnvironmentAndScenarioTextAreUtf8Too) {
  std::vector<ScenarioResult> results = ResultsWithBadBytes();
  results[0].events[0].item = "create: {name: \xFF}";
  results[0].events[0].situation = "create: X | from \xC0 | new name";
  results[0].finding = "F\xFF";
  HtmlReportInput input;
  input.environment = {"0.1\xFF",
                       "\xED\xA0\x80",
                       "snapsim run snap\xFFshot.yaml\x01",
                       {{"libvirt:test:///\xC0\xAF", "libvirt \xF4\x90"}},
                       "",
                       ""};
  input.scenario_texts["scenarios/snap\xFFshot.yaml"] = "name: \"snap\xFFshot\x02\"\r\n";
  const std::string html = HtmlReport(1, results, input);
  EXPECT_FALSE(FindInvalidUtf8(html).has_value());
  EXPECT_FALSE(HasNonXmlCharacter(html));
  EXPECT_NE(html.find("snapsim run snap\xEF\xBF\xBDshot.yaml"), std::string::npos);
}

}  // namespace
}  // namespace snapsim::reports
