#pragma once
// Checking an `expect:` step against what a backend shows.

#include <string>
#include <vector>

#include "model/model.h"
#include "scenario/scenario.h"
#include "simulator/backend.h"

namespace snapsim::simulator {

struct CheckFailure {
  scenario::SourceLocation where;  // the key that failed (the step, or a disk range)
  std::string expected;
  std::string got;
};

// Checks state, current and tree against `observation`, and disk checks against the
// views `bytes` holds (the model's prediction, or a backend's disks read into a Model-like
// view). Returns every failing check, in file order.
std::vector<CheckFailure> CheckExpect(const scenario::Expect& expect,
                                      const scenario::SourceLocation& where,
                                      const Observation& observation, const model::Model& bytes);

}  // namespace snapsim::simulator
