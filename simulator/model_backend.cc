#include "simulator/model_backend.h"

namespace snapsim::simulator {

void ModelBackend::Begin(const scenario::Scenario& scenario) {
  model_ = std::make_unique<model::Model>(scenario);
}

Status ModelBackend::Perform(const scenario::Action& action) { return model_->Apply(action); }

Observation ModelBackend::Observe() {
  return Observation{model_->state(), model_->current(), model_->Forest()};
}

}  // namespace snapsim::simulator
