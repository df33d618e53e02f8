#include "simulator/divergence.h"

#include <fmt/format.h>

#include "scenario/writer.h"
#include "simulator/disk_bytes_check.h"
#include "simulator/observation.h"

namespace snapsim::simulator {

const char* AspectName(Aspect aspect) {
  switch (aspect) {
    case Aspect::kOutcome: return "outcome";
    case Aspect::kState: return "state";
    case Aspect::kCurrent: return "current";
    case Aspect::kForest: return "tree";
    case Aspect::kBytes: return "bytes";
  }
  return "unknown";
}

namespace {

// One side of the differences: "operation-invalid: ..." for an outcome, "state: paused",
// "bytes of disk vda now: ..." for the others, joined by "; ".
std::string Side(const std::vector<Difference>& differences, bool model) {
  std::string out;
  for (const Difference& d : differences) {
    if (!out.empty()) out += "; ";
    if (d.aspect != Aspect::kOutcome) {
      out += AspectName(d.aspect);
      if (!d.subject.empty()) out += " of " + d.subject;
      out += ": ";
    }
    out += model ? d.model : d.backend;
  }
  return out;
}

}  // namespace

std::string ModelSide(const Divergence& divergence) { return Side(divergence.differences, true); }
std::string BackendSide(const Divergence& divergence) {
  return Side(divergence.differences, false);
}

std::string Signature(const Divergence& divergence) {
  return fmt::format("({}): {}: expected model: {} got {}", divergence.action, divergence.backend,
                     Side(divergence.differences, true), Side(divergence.differences, false));
}

std::string FormatDivergence(const Divergence& divergence) {
  return fmt::format("step {} {}", divergence.step, Signature(divergence));
}

std::string ActionText(const scenario::Scenario& scenario, const scenario::Action& action) {
  if (std::holds_alternative<scenario::Expect>(action)) return "expect";
  return scenario::WriteStep(scenario, scenario::Step{action, std::nullopt, {}});
}

namespace {

std::vector<Difference> CompareViews(const Observation& model, const Observation& backend) {
  std::vector<Difference> out;
  if (model.state != backend.state) {
    out.push_back({Aspect::kState, "", std::string(PowerStateName(model.state)),
                   std::string(PowerStateName(backend.state))});
  }
  if (model.current != backend.current) {
    out.push_back(
        {Aspect::kCurrent, "", FormatCurrent(model.current), FormatCurrent(backend.current)});
  }
  if (!SameForest(model.forest, backend.forest)) {
    out.push_back({Aspect::kForest, "", FormatTree(model.forest), FormatTree(backend.forest)});
  }
  return out;
}

}  // namespace

std::optional<Divergence> CompareStep(const scenario::Scenario& scenario, int step,
                                      const scenario::Action& action, const std::string& backend,
                                      const StepAnswers& answers) {
  Divergence divergence{step, ActionText(scenario, action), backend, {}};
  if (!(answers.model == answers.backend)) {
    divergence.differences.push_back(
        {Aspect::kOutcome, "", answers.model.ToString(), answers.backend.ToString()});
  } else {
    divergence.differences = CompareViews(answers.model_view(), answers.backend_view());
  }
  if (divergence.differences.empty()) return std::nullopt;
  return divergence;
}

std::optional<Divergence> CompareBytes(const scenario::Scenario& scenario, int step,
                                       const scenario::Action& action, Backend& backend,
                                       const model::Model& model) {
  Divergence divergence{step, ActionText(scenario, action), backend.name(),
                        CompareDiskBytes(backend, model)};
  if (divergence.differences.empty()) return std::nullopt;
  return divergence;
}

}  // namespace snapsim::simulator
