#pragma once
// Test-only backends that answer wrongly on purpose, to prove that the runner (and fuzz)
// catch and report divergences. Lives in the TESTONLY library snapsim::simulator_testing.

#include <string>

#include "simulator/backend.h"
#include "simulator/model_backend.h"

namespace snapsim::simulator::testing {

// The model, except that the Nth action step (1-based, counting actions only) reports
// success without doing anything.
class SwallowNthAction : public BackendWrapper {
 public:
  explicit SwallowNthAction(int n) : BackendWrapper(&model_), n_(n) {}
  std::string name() const override { return "faulty-model"; }
  void Begin(const scenario::Scenario& s) override {
    seen_ = 0;
    BackendWrapper::Begin(s);
  }
  Status Perform(const scenario::Action& action) override {
    if (++seen_ == n_) return Status::Ok();
    return BackendWrapper::Perform(action);
  }

 private:
  ModelBackend model_;
  int n_;
  int seen_ = 0;
};

// The model, except that deleting a snapshot that is current leaves no current snapshot
// (a plausible driver bug: forgetting to move `current` to the parent).
class ForgetsCurrentOnDelete : public BackendWrapper {
 public:
  ForgetsCurrentOnDelete() : BackendWrapper(&model_) {}
  std::string name() const override { return "forgets-current"; }
  Status Perform(const scenario::Action& action) override {
    const auto* del = std::get_if<scenario::Delete>(&action);
    const bool was_current = del && model_.model().current() == del->name;
    Status status = BackendWrapper::Perform(action);
    if (status.ok() && was_current) forget_ = true;
    const bool sets_current = std::holds_alternative<scenario::Create>(action) ||
                              std::holds_alternative<scenario::Revert>(action);
    if (status.ok() && sets_current) forget_ = false;
    return status;
  }
  Observation Observe() override {
    Observation observation = BackendWrapper::Observe();
    if (forget_) observation.current.reset();
    return observation;
  }
  void Begin(const scenario::Scenario& s) override {
    forget_ = false;
    BackendWrapper::Begin(s);
  }

 private:
  ModelBackend model_;
  bool forget_ = false;
};

}  // namespace snapsim::simulator::testing
