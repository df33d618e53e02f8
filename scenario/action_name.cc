#include "scenario/scenario.h"

namespace snapsim::scenario {

const char* ActionName(const Action& action) {
  static constexpr const char* kNames[] = {"start",  "shutdown", "pause",  "resume", "write",
                                           "create", "delete",   "revert", "expect"};
  static_assert(std::size(kNames) == std::variant_size_v<Action>);
  return kNames[action.index()];
}

}  // namespace snapsim::scenario
