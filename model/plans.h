#pragma once
// Carrying out what a rules check planned. Only called after the check passed, so these
// never fail: an operation either changes nothing (refused) or all of this (done).

#include "model/domain.h"
#include "model/rules.h"

namespace snapsim::model {

void ApplyWrite(Domain& d, const scenario::Write& w);
void ApplyCreate(Domain& d, const std::string& name, const CreatePlan& plan);
void ApplyDelete(Domain& d, const DeletePlan& plan);
void ApplyRevert(Domain& d, const RevertPlan& plan);

}  // namespace snapsim::model
