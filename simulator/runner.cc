#include "simulator/runner.h"

#include <fmt/format.h>

#include "simulator/expect_check.h"
#include "simulator/model_backend.h"
#include "simulator/observation.h"
#include "simulator/situation.h"

namespace snapsim::simulator {

const char* VerdictName(Verdict verdict) {
  switch (verdict) {
    case Verdict::kPass: return "pass";
    case Verdict::kFail: return "fail";
    case Verdict::kSkip: return "skip";
    case Verdict::kBackendFailure: return "backend-failure";
    case Verdict::kKnown: return "known";
  }
  return "unknown";
}

std::string FormatFailure(const ScenarioResult& result, const Failure& failure) {
  if (failure.divergence) {
    return fmt::format("{}:{}: {}", failure.where.file, failure.where.line,
                       FormatDivergence(*failure.divergence));
  }
  return fmt::format("{}:{}: step {} ({}): {}: expected {} got {}", failure.where.file,
                     failure.where.line, failure.step, failure.action, result.backend,
                     failure.expected, failure.got);
}

namespace {

std::string OutcomeText(const Status& status) {
  return status.ok() ? "ok" : std::string(ErrorClassName(status.error_class()));
}

std::string ExpectedText(const scenario::Step& step) {
  if (!step.error) return "ok";
  if (std::holds_alternative<scenario::AnyError>(*step.error)) return "any";
  return std::string(ErrorClassName(std::get<ErrorClass>(*step.error)));
}

bool OutcomeMatches(const scenario::Step& step, const Status& status) {
  if (!step.error) return status.ok();
  if (std::holds_alternative<scenario::AnyError>(*step.error)) return !status.ok();
  return !status.ok() && status.error_class() == std::get<ErrorClass>(*step.error);
}

// A fault of snapsim's own where a hypervisor's answer was due: the backend failed.
Status RequireAnswer(Status status) {
  if (status.is_fault()) throw BackendFailure(status.ToString());
  return status;
}

// Replays a scenario on `backend`, with `reference` (the model) alongside unless the
// backend is the model itself.
class Replay {
 public:
  Replay(const scenario::Scenario& scenario, Backend& backend, ScenarioResult& result)
      : scenario_(scenario), backend_(backend), result_(result),
        model_backend_(dynamic_cast<ModelBackend*>(&backend)),
        differential_(model_backend_ == nullptr) {}

  void Run() {
    backend_.Begin(scenario_);
    if (differential_) reference_.Begin(scenario_);
    for (size_t i = 0; i < scenario_.steps.size() && result_.failures.empty(); ++i) {
      RunStep(static_cast<int>(i) + 1, scenario_.steps[i]);
    }
    // At the end, the bytes once more (as at every `expect`).
    if (result_.failures.empty() && differential_ && !scenario_.steps.empty()) {
      const int n = static_cast<int>(scenario_.steps.size());
      CheckBytes(n, scenario_.steps.back());
    }
  }

 private:
  void Fail(const scenario::Step& step, int n, std::string expected, std::string got,
            const scenario::SourceLocation& where) {
    result_.failures.push_back({where, n, scenario::ActionName(step.action), "check",
                                std::move(expected), std::move(got), std::nullopt});
  }

  void Diverged(const scenario::Step& step, Divergence divergence) {
    std::string model = "model: " + ModelSide(divergence), backend = BackendSide(divergence);
    result_.failures.push_back({step.where, divergence.step, scenario::ActionName(step.action),
                                "divergence", std::move(model), std::move(backend),
                                std::move(divergence)});
  }

  void RunStep(int n, const scenario::Step& step) {
    StepEvent event{n,
                    step.where.line,
                    scenario::ActionName(step.action),
                    "",
                    "",
                    "",
                    true,
                    ActionText(scenario_, step.action),
                    SituationKey(Prediction(), step.action)};
    if (const auto* expect = std::get_if<scenario::Expect>(&step.action)) {
      CheckExpectStep(n, step, *expect);
    } else {
      event.expected = ExpectedText(step);
      const Status got = RequireAnswer(backend_.Perform(step.action));
      event.outcome = OutcomeText(got);
      if (differential_) {
        const Status want = reference_.Perform(step.action);
        event.model_outcome = OutcomeText(want);
        StepAnswers answers{want, got, [&] { return reference_.Observe(); },
                            [&] { return backend_.Observe(); }};
        if (auto divergence = CompareStep(scenario_, n, step.action, backend_.name(), answers)) {
          Diverged(step, std::move(*divergence));
        }
      }
      if (result_.failures.empty() && !OutcomeMatches(step, got)) {
        Fail(step, n, event.expected, got.ToString(), step.where);
      }
    }
    event.held = result_.failures.empty();
    result_.events.push_back(std::move(event));
  }

  // The backend's disk files against the model's views, bit for bit (merge engine).
  void CheckBytes(int n, const scenario::Step& step) {
    if (auto divergence = CompareBytes(scenario_, n, step.action, backend_, reference_.model())) {
      Diverged(step, std::move(*divergence));
    }
  }

  void CheckExpectStep(int n, const scenario::Step& step, const scenario::Expect& expect) {
    if (differential_) CheckBytes(n, step);
    // Disk bytes are checked on the model's prediction; backends with bytes are compared
    // against that prediction by the merge engine.
    for (const CheckFailure& f :
         CheckExpect(expect, step.where, backend_.Observe(), Prediction())) {
      Fail(step, n, f.expected, f.got, f.where);
    }
  }

  // The model whose views predict the disk bytes.
  const model::Model& Prediction() const {
    return differential_ ? reference_.model() : model_backend_->model();
  }

  const scenario::Scenario& scenario_;
  Backend& backend_;
  ScenarioResult& result_;
  ModelBackend reference_;
  ModelBackend* model_backend_;
  bool differential_;
};

}  // namespace

ScenarioResult RunScenario(const scenario::Scenario& scenario, Backend& backend) {
  ScenarioResult result;
  result.path = scenario.path;
  result.name = scenario.name;
  result.profile = scenario.hypervisor;
  result.backend = backend.name();
  result.replay = fmt::format("snapsim run {} --backend {}", scenario.path, backend.name());
  if (auto reason = backend.CannotRun(scenario)) {
    result.verdict = Verdict::kSkip;
    result.reason = *reason;
    result.profile_not_implemented = !backend.Implements(scenario.hypervisor);
    return result;
  }
  try {
    Replay(scenario, backend, result).Run();
    result.verdict = result.failures.empty() ? Verdict::kPass : Verdict::kFail;
  } catch (const BackendFailure& failure) {
    result.verdict = Verdict::kBackendFailure;
    result.reason = failure.what();
  }
  backend.End();
  return result;
}

}  // namespace snapsim::simulator
