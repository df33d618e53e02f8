// QemuImgBackend's snapshot deletion: libvirt 9.0's metadata checks and tree updates
// (reference/semantics.md 2.2 and 2.3) and what happens to the images.
#include <algorithm>
#include <filesystem>

#include <fmt/format.h>

#include "simulator/qemu/qemu_img_backend.h"

namespace snapsim::simulator {

Status QemuImgBackend::Delete(const scenario::Delete& del) {
  // A client looks the snapshot up by name (virDomainSnapshotLookupByName) before it
  // can call delete, so an unknown name wins over refused flags (docs/findings.md F3).
  if (snapshots_.count(del.name) == 0) {
    return Status::Error(ErrorClass::kNoDomainSnapshot,
                         fmt::format("no domain snapshot with matching name '{}'", del.name));
  }
  // libvirt's public entry point refuses the pair before any driver code runs.
  if (del.children && del.children_only) {
    return Status::Error(ErrorClass::kInvalidArg,
                         "flags 'children' and 'children-only' are mutually exclusive");
  }
  if (del.discard) {
    // The seed's DISCARD: revert to it, then delete it with its children; a failed
    // delete leaves the revert done (section 8).
    Status reverted = Revert(scenario::Revert{del.name, false, false, false, false});
    if (!reverted.ok()) return reverted;
    return Delete(scenario::Delete{del.name, true, false, false, false, false});
  }
  const Snapshot& target = snapshots_.at(del.name);
  if (!del.metadata_only) {
    if (Status refused = RefuseDelete(target); !refused.ok()) return refused;
    if (Status refused = CheckExternalDelete(del, target); !refused.ok()) return refused;
  }
  // Descendants go first, leaves before their parents, so each removal is a plain one
  // and `current` climbs towards the target as libvirt's per-descendant removal does.
  std::vector<std::string> doomed;
  if (del.children || del.children_only) {
    doomed = Descendants(del.name);
    std::reverse(doomed.begin(), doomed.end());
  }
  if (!del.children_only) doomed.push_back(del.name);
  for (const std::string& name : doomed) {
    if (!del.metadata_only) {
      if (Status failed = DeleteImages(snapshots_.at(name)); !failed.ok()) return failed;
    }
    RemoveFromTree(name);
  }
  return Status::Ok();
}

// libvirt 9.0's refusals for deleting images (qemuSnapshotDeleteValidate, then the
// external preparation), in its order (docs/model.md decision 24).
Status QemuImgBackend::CheckExternalDelete(const scenario::Delete& del,
                                           const Snapshot& target) const {
  if (del.children || del.children_only) {
    bool external = false;
    bool internal = false;
    for (const auto& name : Descendants(target.name)) {
      (snapshots_.at(name).external ? external : internal) = true;
    }
    if (external) {
      return Status::Error(ErrorClass::kConfigUnsupported,
                           internal ? "deletion of external and internal children disk "
                                      "snapshots not supported"
                                    : "deletion of external children disk snapshots not supported");
    }
    if (del.children && target.external) {
      return Status::Error(ErrorClass::kConfigUnsupported,
                           "deletion of external disk snapshots with children not supported");
    }
    return Status::Ok();
  }
  if (!target.external) return Status::Ok();
  // The overlay written after the snapshot must be in the chain the domain uses.
  for (size_t i = 0; i < disks_.size(); ++i) {
    bool found = false;
    for (auto image = std::optional(active_[i]); image && !found; image = BackingOf(*image)) {
      found = *image == target.disks[i].overlay;
    }
    if (!found) {
      return Status::Error(ErrorClass::kInvalidArg,
                           fmt::format("could not find base disk source in disk source chain "
                                       "(image '{}' of disk '{}')",
                                       target.disks[i].overlay, disks_[i].name));
    }
  }
  if (target.parent && !snapshots_.at(*target.parent).external) {
    return Status::Error(ErrorClass::kOperationUnsupported,
                         "deleting external snapshot that has internal snapshot as parent not "
                         "supported");
  }
  return Status::Ok();
}

Status QemuImgBackend::DeleteImages(const Snapshot& snapshot) {
  if (!snapshot.external) {
    // `qemu-img snapshot -d NAME` on the images the snapshot was taken on. libvirt tries
    // every disk and ignores skipped ones; an image merged away by an external delete is
    // one. With a repeated tag, -d removes the oldest twin, as it does under libvirt.
    for (const DiskPoint& point : snapshot.disks) {
      if (FileExists(point.file)) tools_->SnapshotDelete(point.file, snapshot.name);
    }
    return Status::Ok();
  }
  return MergeExternal(snapshot);
}

// libvirt's block-commit of the overlay written after the snapshot down into the image
// that froze it, done offline: `qemu-img commit`, then the image above re-pointed
// (`rebase -u`: the data it read through the overlay is in the lower image now), then the
// overlay removed.
Status QemuImgBackend::MergeExternal(const Snapshot& snapshot) {
  // CheckExternalDelete found every overlay in the active chain.
  for (size_t i = 0; i < disks_.size(); ++i) {
    const DiskPoint& point = snapshot.disks[i];
    if (BackingOf(point.overlay) != point.file) {
      return Status::Error(ErrorClass::kOperationFailed,
                           "snapshot VM disk source and parent disk source are not the same");
    }
  }
  for (size_t i = 0; i < disks_.size(); ++i) {
    const DiskPoint& point = snapshot.disks[i];
    bool overlay_is_active = active_[i] == point.overlay;
    CommitOverlay(i, point);
    if (overlay_is_active) active_[i] = point.file;
    std::error_code ignored;
    std::filesystem::remove(dir_->File(point.overlay), ignored);
    backing_.erase(point.overlay);
    // External descendants frozen on the overlay are now frozen on the lower image.
    for (auto& [name, other] : snapshots_) {
      if (other.external && other.disks[i].file == point.overlay) {
        other.disks[i].file = point.file;
      }
    }
  }
  return Status::Ok();
}

void QemuImgBackend::CommitOverlay(size_t disk, const DiskPoint& point) {
  tools_->Commit(point.overlay);
  for (auto& [image, backing] : backing_) {
    if (backing != point.overlay) continue;
    // Only the active chain's image above the overlay can read through it here: an
    // external snapshot cannot be reverted to, so no other branch builds on an overlay
    // (internal children live inside it as tables, not files).
    tools_->RebaseUnsafe(image, point.file);
    backing = point.file;
  }
}

// libvirt's metadata removal: children move to the parent, a deleted current snapshot
// hands `current` to its parent (none for a root).
void QemuImgBackend::RemoveFromTree(const std::string& name) {
  Snapshot removed = std::move(snapshots_.at(name));
  snapshots_.erase(name);
  std::vector<std::string>& siblings =
      removed.parent ? snapshots_.at(*removed.parent).children : roots_;
  siblings.erase(std::find(siblings.begin(), siblings.end(), name));
  for (const auto& child : removed.children) {
    snapshots_.at(child).parent = removed.parent;
    siblings.push_back(child);
  }
  if (current_ == name) current_ = removed.parent;
}

// Every descendant of `name`, parents before their children.
std::vector<std::string> QemuImgBackend::Descendants(const std::string& name) const {
  std::vector<std::string> out;
  std::vector<std::string> pending = snapshots_.at(name).children;
  for (size_t i = 0; i < pending.size(); ++i) {
    out.push_back(pending[i]);
    const auto& children = snapshots_.at(pending[i]).children;
    pending.insert(pending.end(), children.begin(), children.end());
  }
  return out;
}

}  // namespace snapsim::simulator
