#pragma once
// Reaps, as soon as they end, the QEMU processes libvirt's embedded driver starts.
//
// libvirt daemonizes QEMU (a double fork), so whoever adopts orphans becomes its parent,
// and to stop a domain libvirt signals QEMU and polls every 200 ms until the pid is gone
// (virProcessKillPainfully). A zombie still has its pid: under an init that reaps late
// (about 1.5 s in this project's sandbox), every QEMU stop cost 1.6 s. The worker adopts
// its orphans itself (PR_SET_CHILD_SUBREAPER) and reaps those named in the pid files of
// libvirt's daemonized QEMUs: the domains' (ROOT/run/qemu/NAME.pid) and the capability
// probe's (ROOT/lib/qemu/qmp-*/qmp.pid). Children libvirt forks and waits for itself are
// never in those files, so they stay libvirt's to reap. (The short-lived middle process
// of QEMU's own -daemonize is adopted too and stays a zombie until the worker exits: one
// per capability probe.)

#include <optional>
#include <string>

namespace snapsim::simulator {

// Makes this process the subreaper of its descendants and starts a thread that reaps the
// ones in `root`'s pid files. Returns why it could not, or nothing.
std::optional<std::string> StartOrphanReaper(const std::string& root);

}  // namespace snapsim::simulator
