#pragma once
// ModelBackend: the reference model behind the Backend interface.

#include <memory>

#include "model/model.h"
#include "simulator/backend.h"

namespace snapsim::simulator {

class ModelBackend : public Backend {
 public:
  std::string name() const override { return "model"; }
  std::optional<std::string> CannotRun(const scenario::Scenario&) const override {
    return std::nullopt;  // the model runs every scenario
  }
  void Begin(const scenario::Scenario& scenario) override;
  Status Perform(const scenario::Action& action) override;
  Observation Observe() override;
  void End() override { model_.reset(); }

  const model::Model& model() const { return *model_; }

 private:
  std::unique_ptr<model::Model> model_;
};

}  // namespace snapsim::simulator
