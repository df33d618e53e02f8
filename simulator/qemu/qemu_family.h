#pragma once
// The QEMU family: qemu-img (images through qemu-img and qemu-io) and qemu (a real QEMU
// over QMP).

#include <vector>

#include "simulator/backend_registry.h"

namespace snapsim::simulator {

std::vector<BackendEntry> QemuFamily();

}  // namespace snapsim::simulator
