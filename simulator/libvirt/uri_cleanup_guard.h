#pragma once
// The cleanup guard of `libvirt:URI`: snapsim's signal handlers cannot call libvirt, and
// nothing runs after SIGKILL, so one child per URI and snapsim process runs
// `snapsim clean --backend libvirt:URI --disk-dir DIR --guard-fd N --guard-pid PID`. It
// waits until a pipe only snapsim holds open reaches end of file (snapsim has ended, in
// whatever way), waits for snapsim's pid to be gone, then removes the domains and disk
// folders named after that pid, and no others. After a normal end (End()
// removed everything) it finds nothing. The guard is ChildOptions::outlives_snapsim, like
// libvirt-qemu's, but runs snapsim's own program: libvirt must not be called in a forked
// copy of a threaded process.

#include <string>

#include "core/status.h"

namespace snapsim::simulator {

// Starts the guard for `backend_name` ("libvirt:URI") once per process; later calls with
// the same name do nothing. `snapsim_program` empty: no guard (unit tests).
Status EnsureCleanupGuard(const std::string& snapsim_program, const std::string& backend_name,
                          const std::string& disk_dir);

}  // namespace snapsim::simulator
