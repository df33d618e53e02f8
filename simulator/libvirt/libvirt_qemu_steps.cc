// LibvirtQemuBackend's steps and observations: each one request to the worker.

#include <libvirt/libvirt.h>
#include <signal.h>
#include <sys/wait.h>

#include <fmt/format.h>

#include "core/overloaded.h"
#include "simulator/host/cleanup.h"
#include "simulator/libvirt/libvirt_backend.h"
#include "simulator/libvirt/libvirt_qemu_backend.h"
#include "simulator/libvirt/libvirt_qemu_worker.h"

namespace snapsim::simulator {
namespace {

using Json = nlohmann::json;

scenario::Tree TreeFromJson(const Json& pairs) {
  scenario::Tree tree;
  for (const Json& pair : pairs) {
    tree.children.emplace_back(pair.at(0).get<std::string>(), TreeFromJson(pair.at(1)));
  }
  return tree;
}

}  // namespace

Json LibvirtQemuBackend::Call(const Json& request) const {
  const std::string op = request.value("op", "");
  if (fd_ < 0) throw BackendFailure(fmt::format("`{}` with no libvirt-qemu worker", op));
  std::optional<Json> reply;
  if (SendJsonLine(fd_, request)) reply = ReceiveJsonLine(fd_, buffer_, request_timeout_ms_);
  if (!reply) {
    auto& worker = const_cast<ChildProcess&>(worker_);
    if (!worker.Alive()) {
      throw BackendFailure(
          fmt::format("libvirt-qemu worker ended during `{}` ({}); see its log in the run folder",
                      op, worker.DescribeEnd()));
    }
    throw BackendFailure(fmt::format("libvirt-qemu worker gave no answer to `{}` within {} ms", op,
                                     request_timeout_ms_));
  }
  TrackQemu(reply->value("qemu_pid", 0));
  if (reply->contains("failure")) {
    throw BackendFailure(fmt::format("{}: {}", op, reply->at("failure").get<std::string>()));
  }
  return *reply;
}

void LibvirtQemuBackend::TrackQemu(pid_t pid) const {
  if (pid == qemu_pid_) return;
  // A revert restarts QEMU: the old process is gone, the new one must not outlive us.
  if (qemu_pid_ > 0) cleanup::ForgetPid(qemu_pid_);
  qemu_pid_ = 0;
  if (pid > 0 && !cleanup::RegisterPid(pid)) {
    throw BackendFailure("too many child processes registered for cleanup");
  }
  qemu_pid_ = pid;
}

Status LibvirtQemuBackend::ToStatus(const Json& reply) {
  if (reply.value("ok", false)) return Status::Ok();
  const int code = reply.value("code", 0);
  const std::string message = reply.value("message", "");
  auto error_class = ErrorClassFromLibvirtNumber(code);
  if (!error_class) {
    return Status::Error(
        ErrorClass::kInternalError,
        fmt::format("libvirt error {} (no snapshot error class): {}", code, message));
  }
  return Status::Error(*error_class, message);
}

Status LibvirtQemuBackend::Revert(const scenario::Revert& revert) {
  unsigned flags = 0;
  if (revert.running) flags |= VIR_DOMAIN_SNAPSHOT_REVERT_RUNNING;
  if (revert.paused) flags |= VIR_DOMAIN_SNAPSHOT_REVERT_PAUSED;
  if (revert.force) flags |= VIR_DOMAIN_SNAPSHOT_REVERT_FORCE;
  return ToStatus(Call({{"op", "revert"}, {"name", revert.name}, {"flags", flags}}));
}

Status LibvirtQemuBackend::Write(const scenario::Write& write) {
  Json request = {{"op", "write"},
                  {"target", Target(write.disk)},
                  {"offset", write.offset_bytes},
                  {"length", write.length_bytes}};
  std::visit(Overloaded{[&](const scenario::Fill& fill) { request["fill"] = fill.byte; },
                        [&](const scenario::Seed& seed) { request["seed"] = seed.seed; }},
             write.content);
  return ToStatus(Call(request));
}

Status LibvirtQemuBackend::Perform(const scenario::Action& action) {
  if (fd_ < 0) throw BackendFailure("Perform before Begin");
  try {
    auto power = [&](const char* call) {
      return ToStatus(Call({{"op", "power"}, {"call", call}}));
    };
    return std::visit(
        Overloaded{
            [&](const scenario::Start&) { return power("start"); },
            [&](const scenario::Shutdown&) { return power("destroy"); },
            [&](const scenario::Pause&) { return power("suspend"); },
            [&](const scenario::Resume&) { return power("resume"); },
            [&](const scenario::Write& write) { return Write(write); },
            [&](const scenario::Create& create) { return Create(create); },
            [&](const scenario::Delete& del) { return Delete(del); },
            [&](const scenario::Revert& revert) { return Revert(revert); },
            [](const scenario::Expect&) { return NotAnAction(); },
            [&](const scenario::SetCurrent& set_current) {
              return ToStatus(Call({{"op", "set_current"}, {"name", set_current.name}}));
            },
        },
        action);
  } catch (const BackendFailure& failure) {
    throw BackendFailure(
        fmt::format("step `{}`: {}", scenario::ActionLabel(action), failure.what()));
  }
}

Status LibvirtQemuBackend::Create(const scenario::Create& create) {
  // Disk-only is external (libvirt's default for disk-only, and section 8's), as with
  // `virsh snapshot-create-as --disk-only --diskspec vda,snapshot=external,file=...`;
  // `location: external` is the same. The overlays go in the run's folder.
  std::vector<ExternalSnapshotDisk> external;
  if (create.disk_only || create.location == scenario::Location::kExternal) {
    for (const auto& [disk, target] : targets_) {
      external.push_back(
          {target, dir_->File(fmt::format("disks/{}.{}.qcow2", target, next_overlay_))});
    }
    ++next_overlay_;
  }
  return ToStatus(Call({{"op", "create"},
                        {"xml", SnapshotXml(create, external)},
                        {"flags", SnapshotCreateFlags(create)}}));
}

Status LibvirtQemuBackend::Delete(const scenario::Delete& del) {
  if (del.discard) {
    // The seed's DISCARD: revert to it, then delete it with its children (section 8).
    Status reverted = ToStatus(Call({{"op", "revert"}, {"name", del.name}, {"flags", 0}}));
    if (!reverted.ok()) return reverted;
    return ToStatus(Call(
        {{"op", "delete"}, {"name", del.name}, {"flags", VIR_DOMAIN_SNAPSHOT_DELETE_CHILDREN}}));
  }
  unsigned flags = 0;
  if (del.children) flags |= VIR_DOMAIN_SNAPSHOT_DELETE_CHILDREN;
  if (del.children_only) flags |= VIR_DOMAIN_SNAPSHOT_DELETE_CHILDREN_ONLY;
  if (del.metadata_only) flags |= VIR_DOMAIN_SNAPSHOT_DELETE_METADATA_ONLY;
  return ToStatus(Call({{"op", "delete"}, {"name", del.name}, {"flags", flags}}));
}

Observation LibvirtQemuBackend::Observe() {
  const Json reply = Call({{"op", "observe"}});
  if (!reply.value("ok", false)) {
    throw BackendFailure("observe: " + reply.value("message", std::string()));
  }
  Observation observation;
  const std::string state = reply.at("state");
  observation.state = state == "running"  ? PowerState::kRunning
                      : state == "paused" ? PowerState::kPaused
                                          : PowerState::kShutoff;
  if (reply.contains("current")) observation.current = reply.at("current").get<std::string>();
  observation.forest = TreeFromJson(reply.at("tree"));
  return observation;
}

std::vector<DiskFile> LibvirtQemuBackend::CurrentDisks() {
  // QEMU caches qcow2 metadata: flush it so the files say what the guest sees.
  Call({{"op", "flush"}});
  const Json files = Call({{"op", "disks"}}).at("disks");
  std::vector<DiskFile> disks;
  for (const auto& [disk, target] : targets_) {
    if (!files.contains(target)) throw BackendFailure("libvirt shows no disk " + target);
    disks.push_back({disk, files.at(target).get<std::string>(), "qcow2"});
  }
  return disks;
}

std::optional<DiskFile> LibvirtQemuBackend::SnapshotDisk(std::string_view snapshot,
                                                         std::string_view disk) const {
  auto it = targets_.find(std::string(disk));
  if (it == targets_.end() || fd_ < 0) return std::nullopt;
  const Json reply =
      Call({{"op", "snapshot_disk"}, {"name", std::string(snapshot)}, {"target", it->second}});
  if (!reply.value("ok", false) || !reply.contains("path")) return std::nullopt;
  return DiskFile{std::string(disk), reply.at("path").get<std::string>(), "qcow2"};
}

std::string LibvirtQemuBackend::Target(const std::string& disk) const {
  auto it = targets_.find(disk);
  if (it == targets_.end()) {
    throw BackendFailure(
        fmt::format("write to disk '{}', which the scenario does not declare", disk));
  }
  return it->second;
}

}  // namespace snapsim::simulator
