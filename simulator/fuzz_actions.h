#pragma once
// Profile-aware RapidCheck generators for scenario actions (only combinations the scenario
// format accepts; the profile may still refuse them, which is what tests its errors).

#include <rapidcheck.h>

#include "scenario/scenario.h"

namespace snapsim::simulator {

inline constexpr uint64_t kFuzzDiskBytes = 1 << 20;  // one small disk, vda
inline constexpr uint64_t kFuzzWriteBytes = 64 << 10;

rc::Gen<scenario::Action> GenAction(Profile profile, int names);

}  // namespace snapsim::simulator
