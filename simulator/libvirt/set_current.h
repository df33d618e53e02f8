#pragma once
// `set-current: NAME` as `virsh snapshot-current NAME` does it: look the snapshot up, read
// its XML (with secure details), and redefine it with VIR_DOMAIN_SNAPSHOT_CREATE_REDEFINE
// | CURRENT, adding DISK_ONLY when the XML records a disk-snapshot state (as virsh does).

#include <functional>

typedef struct _virDomain* virDomainPtr;

namespace snapsim::simulator {

// True when NAME is current. On failure `failed` is called with the name of the libvirt
// call that failed while libvirt's last error is still set (before any handle is freed,
// which would reset it), and false is returned.
bool RedefineAsCurrent(virDomainPtr domain, const char* name,
                       const std::function<void(const char* call)>& failed);

}  // namespace snapsim::simulator
