#pragma once
// What libvirt's snapshot API can express at all, whichever driver answers: the backends
// that speak it (libvirt-*) or stand in for it (qemu, qemu-img) skip what it cannot send.

#include <optional>
#include <string>

#include "scenario/scenario.h"

namespace snapsim::simulator {

// The first step libvirt's API cannot express (an unnamed snapshot, which libvirt would
// name after the clock; vSphere's suppress-power-on), as a skip reason, or nullopt.
std::optional<std::string> StepLibvirtCannotSend(const scenario::Scenario& scenario);

}  // namespace snapsim::simulator
