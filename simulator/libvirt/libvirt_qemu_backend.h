#pragma once
// LibvirtQemuBackend (`--backend libvirt-qemu`): libvirt 9.0's real QEMU driver in
// embedded mode (qemu:///embed?root=DIR, DIR a fresh folder per scenario) with a real
// QEMU (TCG), for `qemu` profile scenarios. Snapshots go through libvirt's own code:
//
//   create    virDomainSnapshotCreateXML: internal (with memory when active), or
//             disk-only external with one <disk snapshot='external'><source file=.../>
//             per disk, the overlay in DIR/disks
//   delete    virDomainSnapshotDelete (an external delete is libvirt's block-commit)
//   revert    virDomainRevertToSnapshot
//   set-current  the snapshot's own XML redefined as current (set_current.h)
//   write     HMP `qemu-io` through virDomainQemuMonitorCommand while active, qemu-io on
//             the image when shut off
//
// The driver runs in a worker child (libvirt_qemu_worker.h) that drops to `nobody` when
// snapsim is root, so no `libvirt-qemu` user is needed. The worker, the domain's QEMU and
// DIR are registered with cleanup::, and the worker dies with snapsim
// (PR_SET_PDEATHSIG). libvirt daemonizes QEMU, so a QEMU started in the middle of a step
// is not known to snapsim yet: a guard child (not in the cleanup registry, so it outlives
// snapsim's signal handlers) waits for snapsim to end and then kills every process whose
// command line names DIR, and removes DIR. Disk bytes are read from the qcow2 files libvirt uses,
// after a flush through QEMU while the domain is active.

#include <sys/types.h>

#include <map>
#include <memory>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "simulator/backend.h"
#include "simulator/host/child_process.h"
#include "simulator/host/temp_dir.h"

namespace snapsim::simulator {

class LibvirtQemuBackend : public Backend {
 public:
  // `request_timeout_ms` bounds every request to the worker (a step, an observation).
  explicit LibvirtQemuBackend(int64_t request_timeout_ms = 120'000);
  ~LibvirtQemuBackend() override;

  std::string name() const override { return "libvirt-qemu"; }
  std::optional<std::string> CannotRun(const scenario::Scenario& scenario) const override;
  bool Implements(Profile profile) const override { return profile == Profile::kQemu; }
  bool HasDiskBytes() const override { return true; }
  void Begin(const scenario::Scenario& scenario) override;
  Status Perform(const scenario::Action& action) override;
  Observation Observe() override;
  std::vector<DiskFile> CurrentDisks() override;
  std::optional<DiskFile> SnapshotDisk(std::string_view snapshot,
                                       std::string_view disk) const override;
  void End() override;

  // Why the backend cannot run here, or nullopt.
  static std::optional<std::string> Probe();

  // For tests: the worker's pid, the domain's QEMU pid (0 when none) and DIR.
  pid_t worker_pid() const { return worker_.pid(); }
  pid_t qemu_pid() const { return qemu_pid_; }
  std::string root() const { return dir_ ? dir_->path() : ""; }

 private:
  void StartWorker();
  // Sends one request and returns the reply; a dead or silent worker, or a worker
  // failure, is a BackendFailure.
  nlohmann::json Call(const nlohmann::json& request) const;
  // A reply as a step's outcome: libvirt's error mapped to its class.
  static Status ToStatus(const nlohmann::json& reply);
  Status Create(const scenario::Create& create);
  Status Delete(const scenario::Delete& del);
  Status Revert(const scenario::Revert& revert);
  Status Write(const scenario::Write& write);
  std::string Target(const std::string& disk) const;
  void TrackQemu(pid_t pid) const;

  int64_t request_timeout_ms_;
  std::optional<TempDir> dir_;
  ChildProcess worker_;
  int fd_ = -1;
  ChildProcess guard_;
  int guard_fd_ = -1;  // the guard acts when this closes, also when snapsim dies
  mutable std::string buffer_;
  mutable pid_t qemu_pid_ = 0;
  std::map<std::string, std::string> targets_;  // scenario disk -> vda, vdb, ...
  int next_overlay_ = 1;
};

}  // namespace snapsim::simulator
