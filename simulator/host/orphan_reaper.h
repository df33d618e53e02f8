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
//
// The scan runs every 10 ms beside libvirt, which forks from other threads: a child
// forked while this thread held the allocator's lock would wait for it forever (seen
// under AddressSanitizer, whose allocator has one lock). So a scan allocates nothing:
// raw getdents64, open and read into fixed buffers, a fixed table of watched pids.

#include <sys/types.h>

#include <optional>
#include <string>

namespace snapsim::simulator {

// One scan of a root's pid files: remembers the pids it finds, reaps those that ended.
class OrphanScan {
 public:
  static constexpr int kMaxWatched = 64;  // QEMUs alive at once under one root
  explicit OrphanScan(const std::string& root);
  OrphanScan(const OrphanScan&) = delete;
  OrphanScan& operator=(const OrphanScan&) = delete;

  void Once();  // allocates nothing (see above)
  int watched() const { return watched_count_; }

 private:
  void ScanFolder(const char* folder, bool probe_folders);
  void Watch(const char* pid_file);
  void ReapEnded();

  char root_[512];
  char path_[1024];
  pid_t watched_[kMaxWatched];
  int watched_count_ = 0;
};

// Makes this process the subreaper of its descendants and starts a thread that reaps the
// ones in `root`'s pid files. Returns why it could not, or nothing.
std::optional<std::string> StartOrphanReaper(const std::string& root);

}  // namespace snapsim::simulator
