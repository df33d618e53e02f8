#pragma once
// The operations `explore --backend B --every-flag` checks: every flag combination the
// scenario format accepts, for every name, whatever the profile has rows for (the profile's
// own alphabet, model/explore.h, is the few combinations its rules tell apart).

#include <string>
#include <vector>

#include "model/explore.h"
#include "scenario/scenario.h"

namespace snapsim::simulator {

// The power steps; per name every create (memory auto/no/yes x disk-only x halt x
// location internal/external x quiesce x no-metadata), every delete flag set the format
// accepts, every revert flag set (running, paused, force, suppress-power-on), a
// set-current, and one write.
std::vector<scenario::Action> EveryFlagAlphabet(const model::ExploreOptions& options);

// The delete flag sets the format accepts, numbered 0 (plain) to kDeleteFlagSets - 1.
inline constexpr int kDeleteFlagSets = 7;
scenario::Delete DeleteWithFlagSet(std::string name, int set);

}  // namespace snapsim::simulator
