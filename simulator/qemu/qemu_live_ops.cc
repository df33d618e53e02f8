// QemuBackend's snapshot and write steps on a running or paused QEMU; every one falls
// back to the qemu-img backend's offline step while the domain is shut off.
#include <algorithm>
#include <filesystem>
#include <fstream>

#include <fmt/format.h>

#include "core/seeded_stream.h"
#include "simulator/qemu/qemu_backend.h"

namespace snapsim::simulator {
namespace {

// The most one HMP qemu-io write moves (QEMU allocates a buffer of the whole length).
constexpr uint64_t kChunkBytes = 4 << 20;

bool IsExternal(const scenario::Create& create) {
  return create.disk_only || create.location == scenario::Location::kExternal;
}

}  // namespace

Status QemuBackend::RefuseXml(const scenario::Create& create) const {
  // libvirt parses the XML with the offline or disk-only flag: memory state is refused.
  if (!Active() || IsExternal(create)) return QemuImgBackend::RefuseXml(create);
  return Status::Ok();
}

Status QemuBackend::RefuseBeforeMetadata(const scenario::Create& create) const {
  if (!IsExternal(create) && Active() && create.memory == scenario::MemoryMode::kNo) {
    return Status::Error(ErrorClass::kOperationUnsupported,
                         "internal snapshot of a running VM must include the memory state");
  }
  return Status::Ok();
}

Status QemuBackend::RefuseCreate(const scenario::Create& create) const {
  // libvirt asks the guest agent to freeze the guest only for an active domain
  // (qemuDomainAgentAvailable): it must be running, and this domain has no virtio-serial
  // channel, so no agent is configured (docs/findings.md F19).
  if (create.quiesce && state_ == PowerState::kPaused) {
    return Status::Error(ErrorClass::kOperationInvalid, "domain is not running");
  }
  if (create.quiesce && state_ == PowerState::kRunning) {
    return Status::Error(ErrorClass::kArgumentUnsupported, "QEMU guest agent is not configured");
  }
  return Status::Ok();
}

Status QemuBackend::RefuseChain() const {
  if (!Active()) return QemuImgBackend::RefuseChain();
  // Running, libvirt counts the whole chain it probed (docs/model.md decision 30).
  for (size_t i = 0; i < active_.size(); ++i) {
    if (ChainDepth(i) >= kBackingChainLimit) {
      return Status::Error(ErrorClass::kOperationUnsupported,
                           fmt::format("backing chains more than {} layers deep are not "
                                       "supported for disk '{}'",
                                       kBackingChainLimit, disks_[i].name));
    }
  }
  return Status::Ok();
}

std::optional<std::string> QemuBackend::RunJob(const std::string& command, Json arguments) {
  const std::string job = fmt::format("job{}", next_job_++);
  arguments["job-id"] = job;
  qmp_.Require(command, arguments, job_timeout_ms_);
  qmp_.WaitEvent(
      [&](const Json& event) {
        return event.value("event", "") == "JOB_STATUS_CHANGE" &&
               event["data"].value("id", "") == job &&
               event["data"].value("status", "") == "concluded";
      },
      fmt::format("{} {} to conclude", command, job), job_timeout_ms_);
  std::optional<std::string> error;
  for (const Json& entry : qmp_.Require("query-jobs", nullptr, job_timeout_ms_)) {
    if (entry.value("id", "") == job && entry.contains("error")) {
      error = entry["error"].get<std::string>();
    }
  }
  qmp_.Require("job-dismiss", {{"id", job}}, job_timeout_ms_);
  return error;
}

void QemuBackend::CreateInternal(Snapshot& snapshot) {
  if (!Active()) return QemuImgBackend::CreateInternal(snapshot);
  const std::vector<std::string> nodes = ActiveNodes();
  // libvirt 9.0 runs HMP `savevm NAME`, which first deletes any internal snapshot the
  // images still hold under NAME (one a metadata-only delete left); QMP's snapshot-save
  // would refuse it. Nothing to delete is no error (found by snapsim fuzz --backend qemu
  // --seed 2026: create b, delete b metadata-only, create b, on a paused domain).
  RunJob("snapshot-delete", {{"tag", snapshot.name}, {"devices", nodes}});
  // The VM state goes into the first disk, as libvirt's savevm puts it.
  if (auto error = RunJob("snapshot-save",
                          {{"tag", snapshot.name}, {"vmstate", nodes[0]}, {"devices", nodes}})) {
    throw BackendFailure(fmt::format("snapshot-save {}: {}", snapshot.name, *error));
  }
  for (const std::string& image : active_) {
    snapshot.disks.push_back({image, SnapshotIdIn(image, snapshot.name), ""});
  }
}

void QemuBackend::CreateExternal(Snapshot& snapshot) {
  if (!Active()) return QemuImgBackend::CreateExternal(snapshot);
  Json actions = Json::array();
  std::vector<std::string> overlays;
  for (size_t i = 0; i < disks_.size(); ++i) {
    const std::string& image = active_[i];
    overlays.push_back(fmt::format("{}.{}.qcow2", image.substr(0, image.find('.')), next_overlay_));
    actions.push_back({{"type", "blockdev-snapshot-sync"},
                       {"data",
                        {{"node-name", NodeFor(image)},
                         {"snapshot-file", dir_->File(overlays.back())},
                         {"snapshot-node-name", fmt::format("ov{}-{}", next_overlay_, i)},
                         {"format", "qcow2"}}}});
  }
  // One transaction: all disks switch to their overlays, or none does (as libvirt).
  qmp_.Require("transaction", {{"actions", actions}}, job_timeout_ms_);
  ++next_overlay_;
  for (size_t i = 0; i < disks_.size(); ++i) {
    snapshot.disks.push_back({active_[i], "", overlays[i]});
    backing_[overlays[i]] = active_[i];
    active_[i] = overlays[i];
  }
}

Status QemuBackend::Revert(const scenario::Revert& revert) {
  // The name lookup comes first (a separate libvirt call), then the flags.
  auto it = snapshots_.find(revert.name);
  if (it == snapshots_.end()) return QemuImgBackend::Revert(revert);
  if (revert.running && revert.paused) {
    return Status::Error(ErrorClass::kInvalidArg, "flags 'running' and 'paused' are exclusive");
  }
  if (it->second.external) return QemuImgBackend::Revert(revert);  // config-unsupported
  const Snapshot& snapshot = it->second;
  const PowerState taken =
      recorded_.count(revert.name) ? recorded_.at(revert.name) : PowerState::kShutoff;
  // libvirt 9.0 always ends the running QEMU first, whatever the snapshot.
  if (Active()) Quit();
  if (taken == PowerState::kShutoff) {
    // Offline: qemu-img snapshot -a on every disk, then boot fresh only when asked.
    Status status = QemuImgBackend::Revert(revert);
    if (status.ok() && (revert.running || revert.paused)) {
      Launch(revert.paused ? PowerState::kPaused : PowerState::kRunning, std::nullopt);
    }
    return status;
  }
  for (const DiskPoint& point : snapshot.disks) {
    if (!FileExists(point.file)) {
      return Status::Error(
          ErrorClass::kInternalError,
          fmt::format("cannot load {}: image {} no longer exists", revert.name, point.file));
    }
  }
  // A memory snapshot: QEMU restarted on the snapshot's images with -loadvm.
  for (size_t i = 0; i < disks_.size(); ++i) active_[i] = snapshot.disks[i].file;
  const bool paused = revert.paused || (taken == PowerState::kPaused && !revert.running);
  Launch(paused ? PowerState::kPaused : PowerState::kRunning, revert.name);
  current_ = revert.name;
  return Status::Ok();
}

Status QemuBackend::Write(const scenario::Write& write) {
  if (!Active()) return QemuImgBackend::Write(write);
  for (size_t i = 0; i < disks_.size(); ++i) {
    if (disks_[i].name != write.disk) continue;
    if (write.offset_bytes > disks_[i].size_bytes ||
        write.length_bytes > disks_[i].size_bytes - write.offset_bytes) {
      throw BackendFailure(fmt::format("write of {} bytes at {} runs past the end of disk {}",
                                       write.length_bytes, write.offset_bytes, write.disk));
    }
    const std::string node = NodeFor(active_[i]);
    int chunk = 0;
    for (uint64_t done = 0; done < write.length_bytes; done += kChunkBytes, ++chunk) {
      WriteChunk(node, write.offset_bytes + done, std::min(kChunkBytes, write.length_bytes - done),
                 write.content, chunk);
    }
    return Status::Ok();
  }
  throw BackendFailure(
      fmt::format("write to disk '{}', which the scenario does not declare", write.disk));
}

void QemuBackend::WriteChunk(const std::string& node, uint64_t offset_bytes, uint64_t length_bytes,
                             const scenario::Content& content, int chunk) {
  std::string command;
  std::string seed_file;
  if (const auto* fill = std::get_if<scenario::Fill>(&content)) {
    command = fmt::format("write -q -P 0x{:02x} {} {}", fill->byte, offset_bytes, length_bytes);
  } else {
    // qemu-io reads the seeded bytes from a file (QEMU's working folder is ours).
    std::vector<uint8_t> bytes(length_bytes);
    SeededStream(std::get<scenario::Seed>(content).seed).Fill(offset_bytes, bytes);
    seed_file = fmt::format("seed-{}.raw", chunk);
    std::ofstream out(dir_->File(seed_file), std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(bytes.data()),
              static_cast<std::streamsize>(length_bytes));
    if (!out) throw BackendFailure("cannot write seeded data to " + dir_->File(seed_file));
    command = fmt::format("write -q -s {} {} {}", seed_file, offset_bytes, length_bytes);
  }
  const std::string out =
      qmp_.Hmp(fmt::format("qemu-io {} \"{}\"", node, command), job_timeout_ms_);
  if (!seed_file.empty()) {
    std::error_code ignored;
    std::filesystem::remove(dir_->File(seed_file), ignored);
  }
  if (!out.empty()) throw BackendFailure(fmt::format("qemu-io {} {}: {}", node, command, out));
}

Status QemuBackend::RefuseDelete(const Snapshot& snapshot) const {
  if (!Active() || snapshot.external) return Status::Ok();
  // libvirt 9.0 deletes an internal snapshot of an active domain only from the images
  // the domain runs on (a backing image is open read-only in QEMU), checked first.
  for (size_t i = 0; i < disks_.size(); ++i) {
    if (snapshot.disks[i].file != active_[i]) {
      return Status::Error(ErrorClass::kOperationUnsupported,
                           fmt::format("disk image '{}' for internal snapshot '{}' is not the "
                                       "same as disk image currently used by VM",
                                       disks_[i].name, snapshot.name));
    }
  }
  return Status::Ok();
}

Status QemuBackend::DeleteImages(const Snapshot& snapshot) {
  if (!Active() || snapshot.external) return QemuImgBackend::DeleteImages(snapshot);
  // Errors are ignored, as libvirt does ("continue on even in the face of error").
  RunJob("snapshot-delete", {{"tag", snapshot.name}, {"devices", ActiveNodes()}});
  return Status::Ok();
}

void QemuBackend::CommitOverlay(size_t disk, const DiskPoint& point) {
  if (!Active()) return QemuImgBackend::CommitOverlay(disk, point);
  const bool active_commit = active_[disk] == point.overlay;
  const std::string top = NodeFor(point.overlay);
  BlockCommit(NodeFor(active_[disk]), top, NodeFor(point.file), active_commit);
  // The node the launch opened with -blockdev belongs to the monitor: QEMU keeps it after
  // the commit drops it from the chain, still holding the image below as its backing, and
  // that image could take no new overlay ("node is busy"). libvirt deletes such nodes too.
  if (top == fmt::format("d{}", disk)) {
    qmp_.Require("blockdev-del", {{"node-name", top}}, job_timeout_ms_);
  }
  // QEMU re-pointed the image above in the open chain; images in other branches are
  // closed files, re-pointed offline as libvirt does.
  std::vector<std::string> open_chain;
  for (std::optional<std::string> at = active_[disk]; at; at = BackingOf(*at)) {
    open_chain.push_back(*at);
  }
  for (auto& [image, backing] : backing_) {
    if (backing != point.overlay) continue;
    if (std::find(open_chain.begin(), open_chain.end(), image) == open_chain.end()) {
      tools_->RebaseUnsafe(image, point.file);
    }
    backing = point.file;
  }
}

void QemuBackend::BlockCommit(const std::string& device, const std::string& top,
                              const std::string& base, bool active) {
  const std::string job = fmt::format("job{}", next_job_++);
  qmp_.Require("block-commit",
               {{"job-id", job}, {"device", device}, {"top-node", top}, {"base-node", base}},
               job_timeout_ms_);
  auto is = [&](const char* name) {
    return [&, name](const Json& event) {
      return event.value("event", "") == name && event["data"].value("device", "") == job;
    };
  };
  if (active) {
    // An active commit mirrors until both layers agree, then waits to be told to pivot.
    qmp_.WaitEvent(is("BLOCK_JOB_READY"), "block-commit " + job + " to be ready", job_timeout_ms_);
    qmp_.Require("job-complete", {{"id", job}}, job_timeout_ms_);
  }
  const Json done =
      qmp_.WaitEvent(is("BLOCK_JOB_COMPLETED"), "block-commit " + job + " to end", job_timeout_ms_);
  if (done["data"].contains("error")) {
    throw BackendFailure(fmt::format("block-commit {} into {}: {}", top, base,
                                     done["data"]["error"].get<std::string>()));
  }
}

}  // namespace snapsim::simulator
