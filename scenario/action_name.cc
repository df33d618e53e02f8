#include "scenario/scenario.h"

namespace snapsim::scenario {

const char* ActionName(const Action& action) {
  static constexpr const char* kNames[] = {"start",  "shutdown", "pause",  "resume", "write",
                                           "create", "delete",   "revert", "expect", "set-current"};
  static_assert(std::size(kNames) == std::variant_size_v<Action>);
  return kNames[action.index()];
}

std::string ActionLabel(const Action& action) {
  std::string label = ActionName(action);
  std::visit(
      [&](const auto& a) {
        if constexpr (requires { a.name; }) label += " " + a.name;
      },
      action);
  return label;
}

}  // namespace snapsim::scenario
