#include "model/invariants.h"

#include <fmt/format.h>

namespace snapsim::model {
namespace {

Status Broken(std::string what) {
  return Status::Error(ErrorClass::kInternalError, std::move(what));
}

// The serial of the snapshot `name` refers to in `m` (0 when none).
uint64_t SerialOf(const Model& m, const std::string& name) {
  const auto snapshots = m.Snapshots();
  for (const auto& disk : m.disks()) {
    const merge::ExtentMap* view = m.SnapshotView(name, disk.name);
    if (view == nullptr) return 0;
    for (const auto& s : snapshots) {
      if (m.ViewOfSerial(s.serial, disk.name) == view) return s.serial;
    }
  }
  return 0;
}

Status CheckStructure(const Model& m) {
  if (Status s = m.CheckConsistency(); !s.ok()) return s;
  if (auto current = m.current(); current && m.Snapshots().empty()) {
    return Broken(fmt::format("current '{}' does not exist", *current));
  }
  if (m.profile() == Profile::kVbox && m.Forest().children.size() > 1) {
    return Broken("VirtualBox forest has more than one root");
  }
  return Status::Ok();
}

// Every snapshot of `before` that still exists in `after` reads the same, and so does
// the current state when `current_too`.
Status CheckViewsKept(const Model& before, const Model& after, bool current_too) {
  for (const auto& disk : before.disks()) {
    for (const auto& s : before.Snapshots()) {
      const merge::ExtentMap* now = after.ViewOfSerial(s.serial, disk.name);
      if (now && !merge::SameContent(*before.ViewOfSerial(s.serial, disk.name), *now)) {
        return Broken(fmt::format("snapshot '{}' changed its view of {}", s.name, disk.name));
      }
    }
    if (current_too &&
        !merge::SameContent(before.CurrentView(disk.name), after.CurrentView(disk.name))) {
      return Broken(fmt::format("a delete changed the current view of {}", disk.name));
    }
  }
  return Status::Ok();
}

Status CheckReverted(const Model& before, uint64_t serial, const Model& after) {
  for (const auto& disk : after.disks()) {
    const merge::ExtentMap* then = before.ViewOfSerial(serial, disk.name);
    if (then == nullptr || !merge::SameContent(after.CurrentView(disk.name), *then)) {
      return Broken(fmt::format("after the revert, {} does not read as the snapshot", disk.name));
    }
  }
  return Status::Ok();
}

}  // namespace

Status CheckTransition(const Model& before, const std::string& before_text,
                       const scenario::Action& action, const Status& result, const Model& after,
                       const std::string& after_text) {
  if (Status s = CheckStructure(after); !s.ok()) return s;
  const auto* del = std::get_if<scenario::Delete>(&action);
  const bool discard = del && del->discard;
  if (!result.ok()) {
    if (after_text == before_text) return Status::Ok();
    if (discard) {
      // The revert half may stay done when the delete half fails.
      Model reverted = before;
      scenario::Revert r{del->name, false, false, false, del->suppress_power_on};
      if (reverted.Apply(r).ok() && reverted.Canonical() == after_text) return Status::Ok();
    }
    return Broken(fmt::format("a failed {} changed the state", scenario::ActionName(action)));
  }
  if (const auto* rev = std::get_if<scenario::Revert>(&action)) {
    return CheckReverted(before, SerialOf(before, rev->name), after);
  }
  if (del && discard) {
    if (Status s = CheckReverted(before, SerialOf(before, del->name), after); !s.ok()) return s;
    return CheckViewsKept(before, after, /*current_too=*/false);
  }
  if (del) return CheckViewsKept(before, after, /*current_too=*/true);
  return CheckViewsKept(before, after, /*current_too=*/false);  // nothing rewrites history
}

}  // namespace snapsim::model
