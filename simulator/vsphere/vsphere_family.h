#pragma once
// The vSphere family: vcsim (VMware's simulator through the vSphere API) and, when built
// with libvirt, libvirt-esx (libvirt's ESX driver on it).

#include <vector>

#include "simulator/backend_registry.h"

namespace snapsim::simulator {

std::vector<BackendEntry> VsphereFamily();

}  // namespace snapsim::simulator
