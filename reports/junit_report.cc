#include "reports/junit_report.h"

#include <map>

#include <fmt/format.h>

#include "core/xml_escape.h"

namespace snapsim::reports {
namespace {

struct Suite {
  std::vector<const simulator::ScenarioResult*> cases;
  int failures = 0, errors = 0, skipped = 0;
};

void WriteCase(const simulator::ScenarioResult& r, std::string& out) {
  out += fmt::format("    <testcase classname=\"{}.{}\" name=\"{}\" file=\"{}\">\n",
                     XmlEscape(r.backend), ProfileName(r.profile), XmlEscape(r.path),
                     XmlEscape(r.path));
  switch (r.verdict) {
    case simulator::Verdict::kPass: break;
    case simulator::Verdict::kSkip:
      out += fmt::format("      <skipped message=\"{}\"/>\n", XmlEscape(r.reason));
      break;
    case simulator::Verdict::kKnown: {
      std::string line;
      for (const simulator::Failure& f : r.failures) {
        if (f.divergence) {
          line = simulator::FormatFailure(r, f);
          break;
        }
      }
      out += fmt::format("      <skipped message=\"known finding {}: {}\"/>\n",
                         XmlEscape(r.finding), XmlEscape(line));
      break;
    }
    case simulator::Verdict::kBackendFailure:
      out += fmt::format("      <error message=\"{}\">{}</error>\n", XmlEscape(r.reason),
                         XmlEscape(r.replay));
      break;
    case simulator::Verdict::kFail:
      for (const simulator::Failure& f : r.failures) {
        const std::string line = simulator::FormatFailure(r, f);
        out +=
            fmt::format("      <failure message=\"{}\" type=\"{}\">{}\n{}</failure>\n",
                        XmlEscape(line), XmlEscape(f.kind), XmlEscape(line), XmlEscape(r.replay));
      }
      break;
  }
  out += "    </testcase>\n";
}

}  // namespace

std::string JunitReport(const std::vector<simulator::ScenarioResult>& results, bool incomplete) {
  std::map<std::string, Suite> suites;  // by backend name: sorted, deterministic
  for (const auto& r : results) {
    Suite& suite = suites[r.backend];
    suite.cases.push_back(&r);
    suite.failures += r.verdict == simulator::Verdict::kFail;
    suite.errors += r.verdict == simulator::Verdict::kBackendFailure;
    suite.skipped +=
        r.verdict == simulator::Verdict::kSkip || r.verdict == simulator::Verdict::kKnown;
  }
  int tests = 0, failures = 0, errors = 0, skipped = 0;
  for (const auto& [name, suite] : suites) {
    tests += static_cast<int>(suite.cases.size());
    failures += suite.failures;
    errors += suite.errors;
    skipped += suite.skipped;
  }
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += fmt::format(
      "<testsuites name=\"snapsim\" tests=\"{}\" failures=\"{}\" errors=\"{}\" "
      "skipped=\"{}\">\n",
      tests, failures, errors, skipped);
  for (const auto& [name, suite] : suites) {
    out += fmt::format(
        "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\">\n",
        XmlEscape(name), suite.cases.size(), suite.failures, suite.errors, suite.skipped);
    if (incomplete) {
      out +=
          "    <properties><property name=\"incomplete\" value=\"interrupted before every "
          "case ran\"/></properties>\n";
    }
    for (const auto* r : suite.cases) WriteCase(*r, out);
    out += "  </testsuite>\n";
  }
  return out + "</testsuites>\n";
}

}  // namespace snapsim::reports
