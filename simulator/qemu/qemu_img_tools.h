#pragma once
// QemuImgTools: the qemu-img and qemu-io commands the qemu-img backend needs, run in one
// folder with relative file names (so no path ever has to be quoted for qemu-io's own
// command parser). A command that fails throws BackendFailure naming the command line,
// how it ended and its stderr. Every run is counted per command for `stats()`.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "scenario/scenario.h"
#include "simulator/host/run_process.h"

namespace snapsim::simulator {

// One internal snapshot in a qcow2 file, as `qemu-img info` lists it.
struct Qcow2Snapshot {
  std::string id;
  std::string name;
};

// How often one command ran and how long it took in total.
struct CommandStats {
  int count = 0;
  double total_ms = 0;
};

class QemuImgTools {
 public:
  // `folder`: where every relative file name lives (the backend's temp folder).
  explicit QemuImgTools(std::string folder, int64_t timeout_ms = 60'000)
      : folder_(std::move(folder)), timeout_ms_(timeout_ms) {}

  // Why qemu-img or qemu-io cannot run here, or nullopt.
  static std::optional<std::string> Probe();

  void Create(const std::string& file, uint64_t size_bytes);
  // A new empty qcow2 whose backing file is `backing` (relative to the same folder).
  void CreateOverlay(const std::string& overlay, const std::string& backing);
  // `qemu-img snapshot -c NAME`; returns the ID qcow2 gave the new snapshot.
  std::string SnapshotCreate(const std::string& file, const std::string& name);
  // `-a` tries its argument as an ID first, then as a tag: applying by the recorded ID
  // selects exactly the snapshot taken, even when tags repeat in the qcow2 (a snapshot
  // deleted with metadata-only and taken again) or a tag looks like an ID ("1").
  void SnapshotApply(const std::string& file, const std::string& id);
  // `-d` matches tags only (qemu 7.2 looks the argument up by name: `-d 1` does not find
  // ID 1) and deletes the first snapshot in the table with that tag, as libvirt runs it.
  void SnapshotDelete(const std::string& file, const std::string& name);
  std::vector<Qcow2Snapshot> ListSnapshots(const std::string& file);
  // Writes `overlay`'s data into its backing file, leaving `overlay` as it was.
  void Commit(const std::string& overlay);
  // Re-points `file` at `new_backing` without copying (`rebase -u`).
  void RebaseUnsafe(const std::string& file, const std::string& new_backing);
  // Writes `content` over [offset, offset + length) of `file`'s guest view.
  void Write(const std::string& file, uint64_t offset_bytes, uint64_t length_bytes,
             const scenario::Content& content);
  // The guest view of `file` (or of its internal snapshot `snapshot_id`) as a raw file.
  void ConvertToRaw(const std::string& file, const std::optional<std::string>& snapshot_id,
                    const std::string& raw_file);

  const std::string& folder() const { return folder_; }
  // Per command ("qemu-img snapshot", "qemu-io", ...), in name order.
  const std::map<std::string, CommandStats>& stats() const { return stats_; }

 private:
  // Runs argv in the folder; throws BackendFailure unless it exits 0.
  ProcessResult Run(const std::vector<std::string>& argv, const std::string& stats_key);
  void WriteSeeded(const std::string& file, uint64_t offset_bytes, uint64_t length_bytes,
                   uint64_t seed);

  std::string folder_;
  int64_t timeout_ms_;
  std::map<std::string, CommandStats> stats_;
};

}  // namespace snapsim::simulator
