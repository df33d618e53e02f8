#pragma once
// A situation: what a snapshot operation meets, in words that do not depend on names.
// The runner records it for every create, delete and revert step of a run; the HTML
// report's portability table computes it for each of its rows, so that a row can show
// what the real backends of the run did wherever they met the same situation.

#include <string>

#include "model/model.h"
#include "scenario/scenario.h"

namespace snapsim::simulator {

// "delete: {name: X, children: true} | from shutoff | target current, internal, 1 child",
// from the model's state before `action`. Empty for steps that are no snapshot operation.
std::string SituationKey(const model::Model& before, const scenario::Action& action);

}  // namespace snapsim::simulator
