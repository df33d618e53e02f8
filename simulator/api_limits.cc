#include "simulator/api_limits.h"

#include <fmt/format.h>

namespace snapsim::simulator {

std::optional<std::string> StepLibvirtCannotSend(const scenario::Scenario& scenario) {
  for (size_t i = 0; i < scenario.steps.size(); ++i) {
    const scenario::Action& action = scenario.steps[i].action;
    std::optional<std::string> reason;
    if (const auto* create = std::get_if<scenario::Create>(&action)) {
      if (create->name.empty()) reason = "libvirt names an unnamed snapshot after the clock";
    } else if (const auto* revert = std::get_if<scenario::Revert>(&action)) {
      if (revert->suppress_power_on)
        reason = "suppress-power-on is vSphere's own flag; libvirt never sends it";
    } else if (const auto* del = std::get_if<scenario::Delete>(&action)) {
      if (del->suppress_power_on)
        reason = "suppress-power-on is vSphere's own flag; libvirt never sends it";
    }
    if (reason) {
      return fmt::format("step {} ({}): {}", i + 1, scenario::ActionName(action), *reason);
    }
  }
  return std::nullopt;
}

}  // namespace snapsim::simulator
