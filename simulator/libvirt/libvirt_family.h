#pragma once
// The libvirt family: libvirt-test, libvirt-qemu and libvirt:URI (libvirt-esx needs vcsim
// and lives in simulator/vsphere).

#include <vector>

#include "simulator/backend_registry.h"

namespace snapsim::simulator {

std::vector<BackendEntry> LibvirtFamily();

// "libvirt 9.0.0": the library snapsim runs with.
std::string LibvirtVersion();

}  // namespace snapsim::simulator
