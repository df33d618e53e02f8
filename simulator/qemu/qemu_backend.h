#pragma once
// QemuBackend (`--backend qemu`): replays `qemu` profile scenarios on a real QEMU that
// snapsim starts itself (qemu-system-x86_64, TCG, no guest OS, one virtio disk per
// scenario disk on a qcow2 image) and drives over QMP (qmp_client.h):
//
//   start / pause / resume / shutdown   launch (-S, then cont) / stop / cont / quit
//   write                               HMP `qemu-io NODE "write -P|-s ..."`
//   create internal (active)            the snapshot-save job (memory in the first disk)
//   create external (active)            a blockdev-snapshot-sync transaction
//   revert to a memory snapshot         QEMU restarted on the snapshot's images with
//                                       -loadvm, as libvirt 9.0 does; cont unless paused
//   delete internal (active)            the snapshot-delete job
//   delete external (active)            block-commit: intermediate, or active with
//                                       BLOCK_JOB_READY, job-complete and the pivot
//
// Every shut-off step, the snapshot metadata and libvirt 9.0's refusals are the
// qemu-img backend's (this class extends it). Jobs are waited for on QMP events with
// timeouts. The QEMU process and the temporary folder are registered with cleanup::, so
// they go at End(), at exit and on SIGINT/SIGTERM; a QEMU that dies is a BackendFailure
// naming the step.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "simulator/host/child_process.h"
#include "simulator/qemu/qemu_img_backend.h"
#include "simulator/qemu/qmp_client.h"

namespace snapsim::simulator {

class QemuBackend : public QemuImgBackend {
 public:
  // `job_timeout_ms` bounds every QMP command and every wait for a job.
  explicit QemuBackend(int64_t job_timeout_ms = 60'000);
  ~QemuBackend() override;

  std::string name() const override { return "qemu"; }
  std::optional<std::string> CannotRun(const scenario::Scenario& scenario) const override;
  void Begin(const scenario::Scenario& scenario) override;
  Status Perform(const scenario::Action& action) override;
  Observation Observe() override;
  std::vector<DiskFile> CurrentDisks() override;
  void End() override;

  // The running QEMU's pid, or -1 (for tests).
  pid_t qemu_pid() const { return qemu_.pid(); }

  // Why the backend cannot run here (no qemu-system-x86_64, qemu-img, qemu-io), or nullopt.
  static std::optional<std::string> Probe();

 protected:
  Status Revert(const scenario::Revert& revert) override;
  Status Write(const scenario::Write& write) override;
  Status RefuseXml(const scenario::Create& create) const override;
  Status RefuseBeforeMetadata(const scenario::Create& create) const override;
  Status RefuseCreate(const scenario::Create& create) const override;
  Status RefuseChain() const override;
  bool DomainActive() const override { return Active(); }
  Status RefuseDelete(const Snapshot& snapshot) const override;
  void CreateInternal(Snapshot& snapshot) override;
  void CreateExternal(Snapshot& snapshot) override;
  Status DeleteImages(const Snapshot& snapshot) override;
  void CommitOverlay(size_t disk, const DiskPoint& point) override;

 private:
  bool Active() const { return state_ != PowerState::kShutoff; }
  Status PerformStep(const scenario::Action& action);
  Status Start();
  Status Shutdown();
  Status Pause();
  Status Resume();
  // Starts QEMU on the active images, paused with -S, loading `loadvm` if given, and
  // resumes it when `want` is running.
  void Launch(PowerState want, const std::optional<std::string>& loadvm);
  // `quit`, waiting for the process to end (killed if it does not).
  void Quit();
  void RequireAlive() const;
  // How QEMU ended (or that it runs) and its log's last lines.
  std::string DescribeQemu() const;
  // Makes what QEMU wrote readable by the merge engine (qcow2 metadata it caches).
  void Flush();
  // The QMP node name of the qcow2 node opened on `image` (a name in the folder).
  std::string NodeFor(const std::string& image);
  std::vector<std::string> ActiveNodes();
  // The ID of the newest internal snapshot named `name` in `image`, as QEMU lists it.
  std::string SnapshotIdIn(const std::string& image, const std::string& name);
  // Runs a job (snapshot-save, snapshot-delete) to its end; QEMU's error, if any.
  std::optional<std::string> RunJob(const std::string& command, Json arguments);
  // block-commit of `top` into `base` on the chain whose root is `device`.
  void BlockCommit(const std::string& device, const std::string& top, const std::string& base,
                   bool active);
  void WriteChunk(const std::string& node, uint64_t offset_bytes, uint64_t length_bytes,
                  const scenario::Content& content, int chunk);

  int64_t job_timeout_ms_;
  ChildProcess qemu_;
  QmpClient qmp_;
  PowerState state_ = PowerState::kShutoff;
  std::map<std::string, PowerState> recorded_;  // snapshot -> power state when taken
  int next_job_ = 1;
};

}  // namespace snapsim::simulator
