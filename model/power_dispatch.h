#pragma once
// Turns one scenario action into power-machine events and answers the machine's guards
// and actions with the rules profile and the plans.

#include "core/status.h"
#include "model/domain.h"
#include "model/power_machine.h"
#include "scenario/scenario.h"

namespace snapsim::model {

// Performs `action` (anything but Expect and discard, which Model splits first).
Status Dispatch(PowerMachine& machine, Domain& domain, const scenario::Action& action);

}  // namespace snapsim::model
