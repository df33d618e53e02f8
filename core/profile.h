#pragma once
// Rules profiles: which hypervisor's snapshot semantics the model follows.

#include <array>
#include <optional>
#include <string_view>

namespace snapsim {

enum class Profile { kEsx, kQemu, kVbox, kTest };

inline constexpr std::array<Profile, 4> kAllProfiles = {Profile::kEsx, Profile::kQemu,
                                                        Profile::kVbox, Profile::kTest};

std::string_view ProfileName(Profile profile);
std::optional<Profile> ParseProfile(std::string_view name);

// Domain power states as libvirt reports them.
enum class PowerState { kShutoff, kRunning, kPaused };

std::string_view PowerStateName(PowerState state);
std::optional<PowerState> ParsePowerState(std::string_view name);

}  // namespace snapsim
