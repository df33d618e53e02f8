#include "reports/json_lines_report.h"

#include <nlohmann/json.hpp>

#include "core/utf8.h"

namespace snapsim::reports {

using Json = nlohmann::ordered_json;

namespace {

// File names and backend messages are bytes; a JSON string must be UTF-8. Every string
// goes through here, so invalid bytes become U+FFFD (core/utf8.h).
Json Text(std::string_view bytes) { return ToValidUtf8(bytes); }

std::string Line(const Json& event) { return JsonLine(event); }

Json StepJson(const simulator::ScenarioResult& r, const simulator::StepEvent& e) {
  Json j;
  j["event"] = "step";
  j["scenario"] = Text(r.path);
  j["backend"] = Text(r.backend);
  j["step"] = e.step;
  j["line"] = e.line;
  j["action"] = Text(e.action);
  if (!e.expected.empty()) j["expected"] = Text(e.expected);
  if (!e.outcome.empty()) j["outcome"] = Text(e.outcome);
  if (!e.model_outcome.empty()) j["model_outcome"] = Text(e.model_outcome);
  j["held"] = e.held;
  if (!e.item.empty()) j["item"] = Text(e.item);
  if (!e.situation.empty()) j["situation"] = Text(e.situation);
  return j;
}

Json DivergenceJson(const simulator::Divergence& d) {
  Json differences = Json::array();
  for (const simulator::Difference& difference : d.differences) {
    Json one{{"aspect", simulator::AspectName(difference.aspect)}};
    if (!difference.subject.empty()) one["subject"] = Text(difference.subject);
    one["model"] = Text(difference.model);
    one["backend"] = Text(difference.backend);
    differences.push_back(std::move(one));
  }
  return {{"step", d.step},
          {"action", Text(d.action)},
          {"backend", Text(d.backend)},
          {"differences", std::move(differences)}};
}

Json ResultJson(const simulator::ScenarioResult& r, bool timings) {
  Json j;
  j["event"] = "scenario";
  j["scenario"] = Text(r.path);
  j["name"] = Text(r.name);
  j["profile"] = std::string(ProfileName(r.profile));
  j["backend"] = Text(r.backend);
  j["verdict"] = simulator::VerdictName(r.verdict);
  if (!r.reason.empty()) j["reason"] = Text(r.reason);
  if (!r.finding.empty()) j["finding"] = Text(r.finding);
  if (r.profile_not_implemented) j["profile_not_implemented"] = true;
  Json failures = Json::array();
  for (const auto& f : r.failures) {
    Json failure{
        {"file", Text(f.where.file)}, {"line", f.where.line}, {"step", f.step},
        {"action", Text(f.action)},   {"kind", Text(f.kind)}, {"expected", Text(f.expected)},
        {"got", Text(f.got)}};
    if (f.where.column != 0) failure["column"] = f.where.column;
    if (f.divergence) failure["divergence"] = DivergenceJson(*f.divergence);
    failures.push_back(std::move(failure));
  }
  if (!failures.empty()) j["failures"] = failures;
  j["replay"] = Text(r.replay);
  if (timings) j["elapsed_ms"] = r.elapsed_ms;
  return j;
}

}  // namespace

// One event per line. Every string is already UTF-8 (Text); `replace` only keeps a field
// added later without Text() from aborting the report (nlohmann's default throws).
std::string JsonLine(const Json& event) {
  return event.dump(-1, ' ', false, Json::error_handler_t::replace) + "\n";
}

std::string ShardName(const simulator::Shard& shard) {
  return std::to_string(shard.index) + "/" + std::to_string(shard.count);
}

namespace {

Json RunJson(uint64_t seed, uint64_t cases, bool incomplete) {
  Json run{{"event", "run"}, {"seed", seed}, {"cases", cases}};
  if (incomplete) run["incomplete"] = true;  // interrupted before every case ran
  return run;
}

}  // namespace

std::string JsonRunLine(uint64_t seed, uint64_t cases, bool incomplete) {
  return Line(RunJson(seed, cases, incomplete));
}

std::string JsonLinesReport(uint64_t seed, const std::vector<simulator::ScenarioResult>& results,
                            bool timings, bool incomplete, const JsonShard* shard) {
  Json run = RunJson(seed, results.size(), incomplete);
  if (shard != nullptr) {
    run["shard"] = ShardName(shard->shard);
    run["case_indices"] = shard->case_indices;
  }
  std::string out = Line(run);
  for (const auto& r : results) {
    for (const auto& e : r.events) out += Line(StepJson(r, e));
    out += Line(ResultJson(r, timings));
  }
  return out;
}

}  // namespace snapsim::reports
