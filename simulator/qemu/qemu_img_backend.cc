#include "simulator/qemu/qemu_img_backend.h"
#include "core/overloaded.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <functional>

#include <fmt/format.h>

namespace snapsim::simulator {
namespace {

// A disk's base image name: the disk name when it is a plain word, else its position.
std::string BaseImageName(const std::string& disk, size_t index,
                          const std::vector<std::string>& taken) {
  const bool plain = !disk.empty() && std::all_of(disk.begin(), disk.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
  });
  std::string stem = plain ? disk : fmt::format("disk{}", index);
  if (std::find(taken.begin(), taken.end(), stem + ".qcow2") != taken.end()) {
    stem += fmt::format("-{}", index);
  }
  return stem + ".qcow2";
}

std::string Stem(const std::string& file) { return file.substr(0, file.find('.')); }

// libvirt's backend sends VIR_DOMAIN_SNAPSHOT_CREATE_DISK_ONLY for both spellings.
bool DiskOnlyFlag(const scenario::Create& create) {
  return create.disk_only || create.location == scenario::Location::kExternal;
}

// Why one step needs something an offline qcow2 backend does not have, or nullopt.
std::optional<std::string> StepCannotRun(const scenario::Action& action) {
  if (std::holds_alternative<scenario::Start>(action)) {
    return "`start` needs a running QEMU; qemu-img works on shut-off domains only";
  }
  if (const auto* create = std::get_if<scenario::Create>(&action)) {
    if (create->name.empty()) return "libvirt names an unnamed snapshot after the clock";
    if (create->halt) return "`halt` stops a running domain; this domain never runs";
  }
  if (const auto* revert = std::get_if<scenario::Revert>(&action)) {
    if (revert->running || revert->paused) {
      return "a revert with `running` or `paused` boots the domain in QEMU";
    }
    if (revert->suppress_power_on) return "suppress-power-on is vSphere's own flag";
  }
  if (const auto* del = std::get_if<scenario::Delete>(&action)) {
    if (del->suppress_power_on) return "suppress-power-on is vSphere's own flag";
  }
  return std::nullopt;
}

Status Error(ErrorClass error_class, std::string message) {
  return Status::Error(error_class, std::move(message));
}

}  // namespace

QemuImgBackend::QemuImgBackend(std::string dir_prefix) : dir_prefix_(std::move(dir_prefix)) {}

QemuImgBackend::~QemuImgBackend() { End(); }

std::optional<std::string> QemuImgBackend::CannotRun(const scenario::Scenario& scenario) const {
  if (scenario.hypervisor != Profile::kQemu) {
    return fmt::format("qemu-img implements the qemu profile only, not {}",
                       ProfileName(scenario.hypervisor));
  }
  if (scenario.initial_state != PowerState::kShutoff) {
    return fmt::format("qemu-img works on shut-off domains only; this one starts {}",
                       PowerStateName(scenario.initial_state));
  }
  for (size_t i = 0; i < scenario.steps.size(); ++i) {
    if (auto reason = StepCannotRun(scenario.steps[i].action)) {
      return fmt::format("step {} ({}): {}", i + 1, scenario::ActionName(scenario.steps[i].action),
                         *reason);
    }
  }
  return std::nullopt;
}

void QemuImgBackend::Begin(const scenario::Scenario& scenario) {
  End();
  auto dir = TempDir::Create(dir_prefix_);
  if (!dir.ok()) throw BackendFailure(dir.status().message());
  dir_ = std::make_unique<TempDir>(std::move(*dir));
  tools_ = std::make_unique<QemuImgTools>(dir_->path());
  disks_ = scenario.disks.empty()
               ? std::vector<scenario::DiskSpec>{{"vda", scenario::kDefaultDiskSizeBytes}}
               : scenario.disks;
  for (size_t i = 0; i < disks_.size(); ++i) {
    const std::string file = BaseImageName(disks_[i].name, i, active_);
    tools_->Create(file, disks_[i].size_bytes);
    active_.push_back(file);
    backing_[file] = std::nullopt;
    known_chain_.push_back(1);
  }
}

void QemuImgBackend::End() {
  tools_.reset();
  if (dir_) dir_->Remove();
  dir_.reset();
  disks_.clear();
  active_.clear();
  backing_.clear();
  known_chain_.clear();
  snapshots_.clear();
  roots_.clear();
  current_.reset();
  next_overlay_ = 1;
}

void QemuImgBackend::RequireStarted() const {
  if (!tools_) throw BackendFailure("qemu-img backend used before Begin()");
}

Status QemuImgBackend::Perform(const scenario::Action& action) {
  RequireStarted();
  // shutdown, pause and resume of a shut-off domain: libvirt refuses them all.
  auto not_running = [] { return Error(ErrorClass::kOperationInvalid, "domain is not running"); };
  return std::visit(
      Overloaded{
          [](const scenario::Start&) -> Status {
            throw BackendFailure(
                "qemu-img cannot start a domain (CannotRun should have skipped this)");
          },
          [&](const scenario::Shutdown&) { return not_running(); },
          [&](const scenario::Pause&) { return not_running(); },
          [&](const scenario::Resume&) { return not_running(); },
          [&](const scenario::Write& write) { return Write(write); },
          [&](const scenario::Create& create) { return Create(create); },
          [&](const scenario::Delete& del) { return Delete(del); },
          [&](const scenario::Revert& revert) { return Revert(revert); },
          [](const scenario::Expect&) { return NotAnAction(); },
          [&](const scenario::SetCurrent& set_current) { return SetCurrent(set_current); },
      },
      action);
}

Status QemuImgBackend::Write(const scenario::Write& write) {
  for (size_t i = 0; i < disks_.size(); ++i) {
    if (disks_[i].name != write.disk) continue;
    if (write.offset_bytes > disks_[i].size_bytes ||
        write.length_bytes > disks_[i].size_bytes - write.offset_bytes) {
      throw BackendFailure(
          fmt::format("write of {} bytes at {} runs past the end of disk {} "
                      "({} bytes)",
                      write.length_bytes, write.offset_bytes, write.disk, disks_[i].size_bytes));
    }
    tools_->Write(active_[i], write.offset_bytes, write.length_bytes, write.content);
    return Status::Ok();
  }
  throw BackendFailure(
      fmt::format("write to disk '{}', which the scenario does not declare", write.disk));
}

Status QemuImgBackend::RefuseXml(const scenario::Create& create) const {
  if (create.memory == scenario::MemoryMode::kYes) {
    return Error(ErrorClass::kXmlError,
                 "memory state cannot be saved with offline or disk-only snapshot");
  }
  return Status::Ok();
}

Status QemuImgBackend::Create(const scenario::Create& create) {
  // libvirt's order: flags, then parsing the XML, then the definition (name syntax),
  // then the metadata (duplicate name).
  if (create.quiesce && !DiskOnlyFlag(create)) {
    return Error(ErrorClass::kInvalidArg, "quiesce requires disk-only");
  }
  if (Status refused = RefuseXml(create); !refused.ok()) return refused;
  if (create.name.empty()) {
    throw BackendFailure(
        "an unnamed snapshot gets a clock-based name in libvirt; "
        "CannotRun should have skipped this scenario");
  }
  // NO_METADATA: libvirt keeps the snapshot in a temporary object that never enters its
  // list, so neither the name's syntax nor a taken name is checked (decision 33).
  const bool listed = !create.no_metadata;
  if (listed && (create.name.find('/') != std::string::npos || create.name.front() == '.')) {
    return Error(ErrorClass::kXmlDetail,
                 fmt::format("invalid snapshot name '{}': it may not contain '/' nor start "
                             "with '.'",
                             create.name));
  }
  if (Status refused = RefuseBeforeMetadata(create); !refused.ok()) return refused;
  if (listed && snapshots_.count(create.name) != 0) {
    return Error(ErrorClass::kOperationFailed,
                 fmt::format("domain moment {} already exists", create.name));
  }
  if (Status refused = RefuseCreate(create); !refused.ok()) return refused;
  if (DiskOnlyFlag(create)) {
    if (Status refused = RefuseChain(); !refused.ok()) return refused;
  }
  Snapshot snapshot;
  snapshot.name = create.name;
  snapshot.parent = current_;
  // Offline, `disk-only` and `location: external` both make overlays (section 2.3).
  snapshot.external = DiskOnlyFlag(create);
  if (snapshot.external) {
    CreateExternal(snapshot);
  } else {
    CreateInternal(snapshot);
  }
  if (!listed) return Status::Ok();  // in the images only; list and current unchanged
  if (current_) {
    snapshots_.at(*current_).children.push_back(create.name);
  } else {
    roots_.push_back(create.name);
  }
  snapshots_.emplace(create.name, std::move(snapshot));
  current_ = create.name;
  // An overlay made running joins the chain libvirt knows; one made offline hides it.
  if (DiskOnlyFlag(create)) {
    if (DomainActive()) {
      ProbeChains();
    } else {
      known_chain_.assign(disks_.size(), 1);
    }
  }
  return Status::Ok();
}

size_t QemuImgBackend::ChainDepth(size_t disk) const {
  size_t images = 0;
  for (std::optional<std::string> f = active_[disk]; f; f = BackingOf(*f)) ++images;
  return images;
}

void QemuImgBackend::ProbeChains() {
  known_chain_.resize(disks_.size());
  for (size_t i = 0; i < disks_.size(); ++i) known_chain_[i] = ChainDepth(i);
}

Status QemuImgBackend::RefuseChain() const {
  for (size_t i = 0; i < disks_.size(); ++i) {
    const size_t known = i < known_chain_.size() ? known_chain_[i] : 1;
    if (std::min(known, ChainDepth(i)) >= kBackingChainLimit) {
      return Error(ErrorClass::kOperationUnsupported,
                   fmt::format("backing chains more than {} layers deep are not supported for "
                               "disk '{}'",
                               kBackingChainLimit, disks_[i].name));
    }
  }
  return Status::Ok();
}

void QemuImgBackend::CreateInternal(Snapshot& snapshot) {
  for (size_t i = 0; i < disks_.size(); ++i) {
    try {
      const std::string id = tools_->SnapshotCreate(active_[i], snapshot.name);
      snapshot.disks.push_back({active_[i], id, ""});
    } catch (const BackendFailure&) {
      // As libvirt does: take the snapshot back off the disks that already have it.
      for (const DiskPoint& done : snapshot.disks) {
        try {
          tools_->SnapshotDelete(done.file, snapshot.name);
        } catch (const BackendFailure&) {
        }
      }
      throw;
    }
  }
}

void QemuImgBackend::CreateExternal(Snapshot& snapshot) {
  std::vector<std::string> overlays;
  for (size_t i = 0; i < disks_.size(); ++i) {
    const std::string overlay = fmt::format("{}.{}.qcow2", Stem(active_[i]), next_overlay_);
    try {
      tools_->CreateOverlay(overlay, active_[i]);
    } catch (const BackendFailure&) {
      std::error_code ignored;  // libvirt unlinks the overlays it made
      for (const auto& made : overlays) std::filesystem::remove(dir_->File(made), ignored);
      throw;
    }
    overlays.push_back(overlay);
  }
  ++next_overlay_;
  for (size_t i = 0; i < disks_.size(); ++i) {
    snapshot.disks.push_back({active_[i], "", overlays[i]});
    backing_[overlays[i]] = active_[i];
    active_[i] = overlays[i];
  }
}

Status QemuImgBackend::Revert(const scenario::Revert& revert) {
  auto it = snapshots_.find(revert.name);
  if (it == snapshots_.end()) {
    return Error(ErrorClass::kNoDomainSnapshot,
                 fmt::format("no domain snapshot with matching name '{}'", revert.name));
  }
  const Snapshot& snapshot = it->second;
  if (snapshot.external) {
    return Error(ErrorClass::kConfigUnsupported, "revert to external snapshot not supported yet");
  }
  // libvirt applies the snapshot on the images the domain had when it was taken, tries
  // every disk, and fails if any was skipped (already applied disks stay applied).
  std::vector<std::string> missing;
  for (const DiskPoint& point : snapshot.disks) {
    if (!FileExists(point.file)) {
      missing.push_back(point.file);
      continue;
    }
    tools_->SnapshotApply(point.file, point.id);
  }
  if (!missing.empty()) {
    return Error(ErrorClass::kInternalError,
                 fmt::format("qemu-img snapshot -a {}: image {} no longer exists (an external "
                             "snapshot delete merged it away)",
                             revert.name, missing.front()));
  }
  // The domain definition becomes the snapshot's: each disk is back on its image.
  for (size_t i = 0; i < disks_.size(); ++i) active_[i] = snapshot.disks[i].file;
  current_ = revert.name;
  return Status::Ok();
}

// libvirt's QEMU driver redefines the snapshot's own XML as current: only its metadata
// changes, in every power state (docs/model.md decision 32); the images stay as they are.
Status QemuImgBackend::SetCurrent(const scenario::SetCurrent& set_current) {
  if (snapshots_.find(set_current.name) == snapshots_.end()) {
    return Error(ErrorClass::kNoDomainSnapshot,
                 fmt::format("no domain snapshot with matching name '{}'", set_current.name));
  }
  current_ = set_current.name;
  return Status::Ok();
}

std::optional<DiskFile> QemuImgBackend::SnapshotDisk(std::string_view snapshot,
                                                     std::string_view disk) const {
  if (!dir_) return std::nullopt;
  auto it = snapshots_.find(std::string(snapshot));
  if (it == snapshots_.end()) return std::nullopt;
  for (size_t i = 0; i < disks_.size(); ++i) {
    if (disks_[i].name != disk) continue;
    const DiskPoint& point = it->second.disks[i];
    std::string path = dir_->File(point.file);
    if (!it->second.external) path += "@" + point.id;
    return DiskFile{disks_[i].name, path, "qcow2"};
  }
  return std::nullopt;
}

std::vector<DiskFile> QemuImgBackend::CurrentDisks() {
  std::vector<DiskFile> files;
  if (!dir_) return files;
  for (size_t i = 0; i < disks_.size(); ++i) {
    files.push_back({disks_[i].name, dir_->File(active_[i]), "qcow2"});
  }
  return files;
}

Observation QemuImgBackend::Observe() {
  RequireStarted();
  Observation observation;
  observation.state = PowerState::kShutoff;
  observation.current = current_;
  std::function<scenario::Tree(const std::vector<std::string>&)> build =
      [&](const std::vector<std::string>& names) {
        scenario::Tree tree;
        for (const auto& name : names) {
          tree.children.emplace_back(name, build(snapshots_.at(name).children));
        }
        return tree;
      };
  observation.forest = build(roots_);
  return observation;
}

std::string QemuImgBackend::folder() const { return dir_ ? dir_->path() : std::string(); }

std::map<std::string, CommandStats> QemuImgBackend::stats() const {
  return tools_ ? tools_->stats() : std::map<std::string, CommandStats>();
}

bool QemuImgBackend::FileExists(const std::string& file) const {
  std::error_code ignored;
  return std::filesystem::exists(dir_->File(file), ignored);
}

std::optional<std::string> QemuImgBackend::BackingOf(const std::string& file) const {
  auto it = backing_.find(file);
  return it == backing_.end() ? std::nullopt : it->second;
}

}  // namespace snapsim::simulator
