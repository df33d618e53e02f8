#pragma once
// A divergence: one step on which a backend and the model disagree. The runner, the fuzzer
// and every later campaign compare a step with CompareStep and print what it returns with
// FormatDivergence, so that one known-findings file matches the same finding everywhere.

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "model/model.h"
#include "scenario/scenario.h"
#include "simulator/backend.h"

namespace snapsim::simulator {

// What differs, in the order they are compared and printed.
enum class Aspect { kOutcome, kState, kCurrent, kForest, kBytes };
const char* AspectName(Aspect aspect);  // "outcome", "state", "current", "tree", "bytes"

struct Difference {
  Aspect aspect = Aspect::kOutcome;
  std::string subject;  // bytes only: "disk vda now", "disk vda at snapshot b"
  std::string model;    // the model's value
  std::string backend;  // the backend's value
};

struct Divergence {
  int step = 0;         // 1-based
  std::string action;   // the step as its one-line YAML item: "create: {name: A, quiesce: true}"
  std::string backend;  // the backend's name
  std::vector<Difference> differences;  // never empty
};

// "(create: A): vcsim: expected model: operation-invalid: Snapshot 'A' already exists got
// ok", "(revert: nomem): vcsim: expected model: state: shutoff got state: paused": the
// divergence without its step number (the same finding shows at any step). Only the
// aspects that differ are named; an outcome is named by its value alone.
std::string Signature(const Divergence& divergence);
// One side of it: "operation-invalid: ...", "state: paused; current: A".
std::string ModelSide(const Divergence& divergence);
std::string BackendSide(const Divergence& divergence);
// "step 4 " + Signature(divergence): docs/cli.md's "step N (ACTION): BACKEND: expected ...
// got ...", which known-findings patterns are matched against.
std::string FormatDivergence(const Divergence& divergence);

// The step as a Divergence names it: its YAML item on one line (`expect` for checks).
std::string ActionText(const scenario::Scenario& scenario, const scenario::Action& action);

// One step, answered by both sides. The views are asked for only when the outcomes agree
// (a backend's Observe costs a round trip).
struct StepAnswers {
  Status model;
  Status backend;
  std::function<Observation()> model_view;
  std::function<Observation()> backend_view;
};

// The divergence at step `step` (1-based) of `scenario`, or nullopt when both sides agree
// on outcome, state, current snapshot and forest.
std::optional<Divergence> CompareStep(const scenario::Scenario& scenario, int step,
                                      const scenario::Action& action, const std::string& backend,
                                      const StepAnswers& answers);

// The backend's disk files against the model's views, bit for bit, after step `step`;
// nullopt when every view matches or the backend has no bytes. Throws BackendFailure
// when a file cannot be read.
std::optional<Divergence> CompareBytes(const scenario::Scenario& scenario, int step,
                                       const scenario::Action& action, Backend& backend,
                                       const model::Model& model);

}  // namespace snapsim::simulator
