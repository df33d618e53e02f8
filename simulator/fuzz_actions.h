#pragma once
// Profile-aware RapidCheck generators for scenario actions (only combinations the scenario
// format accepts; the profile may still refuse them, which is what tests its errors).

#include <optional>
#include <string>
#include <vector>

#include <rapidcheck.h>

#include "scenario/scenario.h"

namespace snapsim::simulator {

inline constexpr uint64_t kFuzzDiskBytes = 1 << 20;  // one small disk, vda
inline constexpr uint64_t kFuzzWriteBytes = 64 << 10;

// Names are drawn from a, b, c, ... (`names` of them) and one that is never created. A
// create mostly takes a name not in `existing`, a delete or revert mostly one in it other
// than `current`, so that sequences grow trees and reach their roots, inner snapshots and
// leaves (the default campaign reaches every situation explore's model reaches in three
// operations: conformance/fuzz_test.cc, FuzzCoverage).
rc::Gen<scenario::Action> GenAction(Profile profile, int names,
                                    const std::vector<std::string>& existing = {},
                                    const std::optional<std::string>& current = std::nullopt);

}  // namespace snapsim::simulator
