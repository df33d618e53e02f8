#include "reports/json_lines_report.h"

#include <nlohmann/json.hpp>

namespace snapsim::reports {

using Json = nlohmann::ordered_json;

namespace {

Json StepJson(const simulator::ScenarioResult& r, const simulator::StepEvent& e) {
  Json j;
  j["event"] = "step";
  j["scenario"] = r.path;
  j["backend"] = r.backend;
  j["step"] = e.step;
  j["line"] = e.line;
  j["action"] = e.action;
  if (!e.expected.empty()) j["expected"] = e.expected;
  if (!e.outcome.empty()) j["outcome"] = e.outcome;
  if (!e.model_outcome.empty()) j["model_outcome"] = e.model_outcome;
  j["held"] = e.held;
  return j;
}

Json ResultJson(const simulator::ScenarioResult& r, bool timings) {
  Json j;
  j["event"] = "scenario";
  j["scenario"] = r.path;
  j["name"] = r.name;
  j["profile"] = std::string(ProfileName(r.profile));
  j["backend"] = r.backend;
  j["verdict"] = simulator::VerdictName(r.verdict);
  if (!r.reason.empty()) j["reason"] = r.reason;
  if (!r.finding.empty()) j["finding"] = r.finding;
  Json failures = Json::array();
  for (const auto& f : r.failures) {
    failures.push_back({{"file", f.where.file},
                        {"line", f.where.line},
                        {"step", f.step},
                        {"action", f.action},
                        {"kind", f.kind},
                        {"expected", f.expected},
                        {"got", f.got}});
  }
  if (!failures.empty()) j["failures"] = failures;
  j["replay"] = r.replay;
  if (timings) j["elapsed_ms"] = r.elapsed_ms;
  return j;
}

}  // namespace

std::string JsonLinesReport(uint64_t seed, const std::vector<simulator::ScenarioResult>& results,
                            bool timings) {
  std::string out = Json{{"event", "run"}, {"seed", seed}, {"cases", results.size()}}.dump() + "\n";
  for (const auto& r : results) {
    for (const auto& e : r.events) out += StepJson(r, e).dump() + "\n";
    out += ResultJson(r, timings).dump() + "\n";
  }
  return out;
}

}  // namespace snapsim::reports
