#include "core/profile.h"

namespace snapsim {

std::string_view ProfileName(Profile profile) {
  switch (profile) {
    case Profile::kEsx: return "esx";
    case Profile::kQemu: return "qemu";
    case Profile::kVbox: return "vbox";
    case Profile::kTest: return "test";
  }
  return "unknown";
}

std::optional<Profile> ParseProfile(std::string_view name) {
  for (Profile profile : kAllProfiles) {
    if (ProfileName(profile) == name) return profile;
  }
  return std::nullopt;
}

std::string_view PowerStateName(PowerState state) {
  switch (state) {
    case PowerState::kShutoff: return "shutoff";
    case PowerState::kRunning: return "running";
    case PowerState::kPaused: return "paused";
  }
  return "unknown";
}

std::optional<PowerState> ParsePowerState(std::string_view name) {
  for (PowerState state : {PowerState::kShutoff, PowerState::kRunning, PowerState::kPaused}) {
    if (PowerStateName(state) == name) return state;
  }
  return std::nullopt;
}

}  // namespace snapsim
