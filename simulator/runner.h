#pragma once
// The runner: replays one scenario on one backend, side by side with the model, and says
// whether it held. With the model itself as the backend, it checks the file against the
// model alone.

#include <optional>
#include <string>
#include <vector>

#include "scenario/scenario.h"
#include "simulator/backend.h"
#include "simulator/divergence.h"

namespace snapsim::simulator {

// kKnown: the case diverged exactly as a known finding records (run --known).
enum class Verdict { kPass, kFail, kSkip, kBackendFailure, kKnown };
constexpr int kVerdictCount = 5;
const char* VerdictName(Verdict verdict);

// One step as it happened, for reports (JSON lines, the HTML step trace).
struct StepEvent {
  int step = 0;  // 1-based
  int line = 0;
  std::string action;         // "create", "expect", ...
  std::string expected;       // "ok", an error class, "any" (action steps)
  std::string outcome;        // what the backend answered: "ok" or an error class
  std::string model_outcome;  // what the model answered (differential runs)
  bool held = true;
  std::string item;       // the step as its one-line YAML item (ActionText)
  std::string situation;  // snapshot operations: SituationKey before the step
};

struct Failure {
  scenario::SourceLocation where;
  int step = 0;
  std::string action;
  std::string kind;  // "check" (the file's expectation) or "divergence" (model vs backend)
  std::string expected;
  std::string got;
  // Set for kind "divergence": what differs, structured (and printed by FormatDivergence).
  std::optional<Divergence> divergence;
};

struct ScenarioResult {
  std::string path;
  std::string name;
  Profile profile = Profile::kTest;
  std::string backend;
  Verdict verdict = Verdict::kPass;
  std::string reason;  // skip reason or backend failure
  // For a skip: true when the backend does not implement the profile at all (the pair
  // is no case), false when a step or state of this file rules it out.
  bool profile_not_implemented = false;
  std::string finding;  // kKnown: the finding's name (F4)
  std::vector<Failure> failures;
  std::vector<StepEvent> events;
  std::string replay;  // a command that replays exactly this case
  // Wall-clock time the case took (monotonic clock, set by RunCases). Never in a report
  // unless asked for (`run --timings`): reports must stay byte-identical for one seed.
  double elapsed_ms = 0;
};

// A check: "FILE:LINE: step N (ACTION): BACKEND: expected ... got ...".
// A divergence: "FILE:LINE: " + FormatDivergence(...).
std::string FormatFailure(const ScenarioResult& result, const Failure& failure);

ScenarioResult RunScenario(const scenario::Scenario& scenario, Backend& backend);

}  // namespace snapsim::simulator
