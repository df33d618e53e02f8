// report merge of `run --shard K/N --json` reports: the cases back in the unsharded plan's
// order (each shard's run line lists where its cases stand), and the results read back
// for the JUnit and HTML reports.
#include <map>

#include <fmt/format.h>

#include "core/profile.h"
#include "reports/json_lines_report.h"
#include "reports/shard_merge_parts.h"

namespace snapsim::reports {

Status LineError(const ShardFile& file, const ReportLine& line, const std::string& message) {
  return Status::Failure(Fault::kBadInput,
                         fmt::format("{}:{}: error: {}", file.path, line.number, message));
}

namespace {

using Json = nlohmann::ordered_json;

// The fields of one event, read with the line to blame when one is missing or mistyped.
class Fields {
 public:
  Fields(const ShardFile& file, const ReportLine& line, const Json& object)
      : file_(file), line_(line), object_(object) {}

  std::string Text(const char* key, bool required = false) {
    const auto it = object_.find(key);
    if (it == object_.end()) {
      if (required) Fail(fmt::format("no \"{}\"", key));
      return "";
    }
    if (!it->is_string()) Fail(fmt::format("\"{}\" is no string", key));
    return it->is_string() ? it->get<std::string>() : "";
  }
  int Number(const char* key) {
    const auto it = object_.find(key);
    if (it == object_.end()) return 0;
    if (!it->is_number_integer()) Fail(fmt::format("\"{}\" is no integer", key));
    return it->is_number_integer() ? it->get<int>() : 0;
  }
  bool Flag(const char* key) {
    const auto it = object_.find(key);
    if (it == object_.end()) return false;
    if (!it->is_boolean()) Fail(fmt::format("\"{}\" is not true or false", key));
    return it->is_boolean() && it->get<bool>();
  }
  const Json* Array(const char* key) {
    const auto it = object_.find(key);
    if (it == object_.end()) return nullptr;
    if (!it->is_array()) Fail(fmt::format("\"{}\" is no array", key));
    return it->is_array() ? &*it : nullptr;
  }
  void Fail(const std::string& message) {
    if (status_.ok()) status_ = LineError(file_, line_, message);
  }
  const Status& status() const { return status_; }

 private:
  const ShardFile& file_;
  const ReportLine& line_;
  const Json& object_;
  Status status_;
};

std::optional<simulator::Aspect> AspectNamed(const std::string& name) {
  for (auto aspect :
       {simulator::Aspect::kOutcome, simulator::Aspect::kState, simulator::Aspect::kCurrent,
        simulator::Aspect::kForest, simulator::Aspect::kBytes}) {
    if (name == simulator::AspectName(aspect)) return aspect;
  }
  return std::nullopt;
}

simulator::Divergence DivergenceOf(Fields& outer, const ShardFile& file, const ReportLine& line,
                                   const Json& object) {
  simulator::Divergence d;
  if (!object.is_object()) {
    outer.Fail("\"divergence\" is no object");
    return d;
  }
  Fields fields(file, line, object);
  d.step = fields.Number("step");
  d.action = fields.Text("action");
  d.backend = fields.Text("backend");
  if (const Json* differences = fields.Array("differences")) {
    for (const Json& one : *differences) {
      if (!one.is_object()) {
        fields.Fail("a difference is no object");
        break;
      }
      Fields f(file, line, one);
      simulator::Difference difference;
      const std::string aspect = f.Text("aspect", true);
      if (auto named = AspectNamed(aspect)) {
        difference.aspect = *named;
      } else {
        f.Fail(fmt::format("unknown aspect '{}'", aspect));
      }
      difference.subject = f.Text("subject");
      difference.model = f.Text("model");
      difference.backend = f.Text("backend");
      if (!f.status().ok()) fields.Fail(f.status().message());
      d.differences.push_back(std::move(difference));
    }
  }
  if (!fields.status().ok()) outer.Fail(fields.status().message());
  return d;
}

// One case: its step lines, then its scenario line.
Result<simulator::ScenarioResult> ResultOf(const ShardFile& file,
                                           const std::vector<const ReportLine*>& block) {
  simulator::ScenarioResult r;
  for (size_t i = 0; i + 1 < block.size(); ++i) {
    Fields f(file, *block[i], block[i]->event);
    simulator::StepEvent e;
    e.step = f.Number("step");
    e.line = f.Number("line");
    e.action = f.Text("action");
    e.expected = f.Text("expected");
    e.outcome = f.Text("outcome");
    e.model_outcome = f.Text("model_outcome");
    e.held = f.Flag("held");
    e.item = f.Text("item");
    e.situation = f.Text("situation");
    if (!f.status().ok()) return f.status();
    r.events.push_back(std::move(e));
  }
  const ReportLine& line = *block.back();
  Fields f(file, line, line.event);
  r.path = f.Text("scenario", true);
  r.name = f.Text("name");
  const std::string profile = f.Text("profile", true);
  if (auto named = ParseProfile(profile)) {
    r.profile = *named;
  } else if (f.status().ok()) {
    f.Fail(fmt::format("unknown profile '{}'", profile));
  }
  r.backend = f.Text("backend", true);
  const std::string verdict = f.Text("verdict", true);
  bool known_verdict = false;
  for (int v = 0; v < simulator::kVerdictCount; ++v) {
    if (verdict == simulator::VerdictName(static_cast<simulator::Verdict>(v))) {
      r.verdict = static_cast<simulator::Verdict>(v);
      known_verdict = true;
    }
  }
  if (!known_verdict && f.status().ok()) f.Fail(fmt::format("unknown verdict '{}'", verdict));
  r.reason = f.Text("reason");
  r.finding = f.Text("finding");
  r.profile_not_implemented = f.Flag("profile_not_implemented");
  r.replay = f.Text("replay");
  if (const Json* failures = f.Array("failures")) {
    for (const Json& one : *failures) {
      if (!one.is_object()) {
        f.Fail("a failure is no object");
        break;
      }
      Fields g(file, line, one);
      simulator::Failure failure;
      failure.where.file = g.Text("file");
      failure.where.line = g.Number("line");
      failure.where.column = g.Number("column");
      failure.step = g.Number("step");
      failure.action = g.Text("action");
      failure.kind = g.Text("kind");
      failure.expected = g.Text("expected");
      failure.got = g.Text("got");
      if (const auto d = one.find("divergence"); d != one.end()) {
        failure.divergence = DivergenceOf(g, file, line, *d);
      }
      if (!g.status().ok()) f.Fail(g.status().message());
      r.failures.push_back(std::move(failure));
    }
  }
  if (line.event.contains("elapsed_ms")) {
    const Json& ms = line.event["elapsed_ms"];
    if (ms.is_number()) r.elapsed_ms = ms.get<double>();
  }
  if (!f.status().ok()) return f.status();
  return r;
}

struct Block {
  const ShardFile* file;
  std::vector<const ReportLine*> lines;
};

}  // namespace

Result<MergedReport> MergeRuns(const std::vector<ShardFile>& files) {
  MergedReport merged;
  merged.kind = "run";
  merged.shards = static_cast<int>(files.size());
  std::map<uint64_t, Block> cases;  // by place in the unsharded plan
  for (const ShardFile& file : files) {
    const ReportLine& header = file.lines.front();
    Fields fields(file, header, header.event);
    const auto seed = header.event.find("seed");
    if (seed == header.event.end() || !seed->is_number_unsigned()) {
      return LineError(file, header, "the run event has no seed");
    }
    merged.seed = seed->get<uint64_t>();
    merged.incomplete |= fields.Flag("incomplete");
    const Json* indices = fields.Array("case_indices");
    if (!fields.status().ok()) return fields.status();
    if (indices == nullptr) return LineError(file, header, "the run event has no case_indices");
    std::vector<Block> blocks;
    Block pending{&file, {}};
    for (size_t i = 1; i < file.lines.size(); ++i) {
      const ReportLine& line = file.lines[i];
      const std::string kind = line.event["event"].get<std::string>();
      if (kind != "step" && kind != "scenario") {
        return LineError(file, line, fmt::format("a '{}' event in a run's report", kind));
      }
      pending.lines.push_back(&line);
      if (kind == "scenario") blocks.push_back(std::exchange(pending, Block{&file, {}}));
    }
    if (!pending.lines.empty()) {
      return LineError(file, *pending.lines.back(),
                       "steps without their scenario event: the file is cut short");
    }
    if (blocks.size() != indices->size()) {
      return LineError(file, header,
                       fmt::format("case_indices lists {} cases but the file has {}",
                                   indices->size(), blocks.size()));
    }
    for (size_t i = 0; i < blocks.size(); ++i) {
      const Json& index = (*indices)[i];
      if (!index.is_number_unsigned()) {
        return LineError(file, header, "case_indices holds something that is no case index");
      }
      const auto [it, added] = cases.emplace(index.get<uint64_t>(), blocks[i]);
      if (!added) {
        return LineError(
            file, header,
            fmt::format("case {} is in {} too", index.get<uint64_t>(), it->second.file->path));
      }
    }
  }
  merged.json = JsonRunLine(merged.seed, cases.size(), merged.incomplete);
  for (const auto& [index, block] : cases) {
    for (const ReportLine* line : block.lines) merged.json += line->text;
    auto result = ResultOf(*block.file, block.lines);
    if (!result.ok()) return result.status();
    merged.failed |= result->verdict == simulator::Verdict::kFail ||
                     result->verdict == simulator::Verdict::kBackendFailure;
    merged.results.push_back(std::move(*result));
  }
  return merged;
}

}  // namespace snapsim::reports
