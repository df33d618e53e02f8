#pragma once
// The model's invariants, checked after one transition (by `explore` and the property
// tests): the forest is well formed and every physical chain reads as its view; current
// is null or exists; VirtualBox has at most one root; a failed operation changes nothing
// (discard: at most its revert); a delete never changes a remaining view or the current
// view; a revert makes the current view equal the snapshot's.

#include <string>

#include "core/status.h"
#include "model/model.h"

namespace snapsim::model {

// `before_text` / `after_text` are the models' Canonical() (callers usually have them).
Status CheckTransition(const Model& before, const std::string& before_text,
                       const scenario::Action& action, const Status& result, const Model& after,
                       const std::string& after_text);

}  // namespace snapsim::model
