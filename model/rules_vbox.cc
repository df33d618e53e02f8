// Rules profile `vbox`: libvirt's VirtualBox driver (reference/semantics.md §8 vbox).
#include <fmt/format.h>

#include "model/rules.h"

namespace snapsim::model::vbox {

std::optional<ErrorClass> PowerRefusal(Operation op, PowerState state) {
  // §8 vbox delete: domain running or paused -> operation-invalid
  // §8 vbox revert: domain running or paused -> operation-invalid
  if ((op == Operation::kDelete || op == Operation::kRevert) && IsActive(state)) {
    return ErrorClass::kOperationInvalid;
  }
  return std::nullopt;  // §8 vbox create: any power state
}

std::string Accepts(Operation op) {
  switch (op) {
    case Operation::kCreate: return "no flags (memory ignored); duplicates allowed";
    case Operation::kDelete: return "children, metadata-only; one child at most";
    case Operation::kRevert: return "no flags; ends running or shutoff";
    default: return "ok";
  }
}

Status CheckCreate(const Domain& d, PowerState s, const scenario::Create& c, CreatePlan* p) {
  // §8 vbox create: disk-only, halt, quiesce, location: external -> invalid-arg
  if (c.disk_only || c.halt || c.quiesce || c.location == scenario::Location::kExternal) {
    return Refuse(ErrorClass::kInvalidArg, "unsupported flags for a VirtualBox snapshot");
  }
  // §8 vbox create: duplicate names are allowed (no check).
  // §8 vbox create: a 251st snapshot in one root-to-leaf chain -> internal-error
  const NodeId parent = d.forest.current();
  const int depth = 1 + (parent == kNoNode ? 0 : d.forest.Depth(parent));
  if (depth > kVboxChainLimit) {
    return Refuse(
        ErrorClass::kInternalError,
        fmt::format("could not take snapshot: depth {} exceeds {}", depth, kVboxChainLimit));
  }
  // VirtualBox keeps one root: a new snapshot is the current one's child. With no current
  // snapshot the forest is always empty under these rules (docs/model.md, Decisions);
  // refuse rather than grow a second root if that ever stops holding.
  if (parent == kNoNode && !d.forest.empty()) {
    return Refuse(ErrorClass::kInternalError, "could not take snapshot: no current snapshot");
  }
  // §8 vbox create: recorded running if running or paused, else shutoff; memory ignored
  p->recorded = IsActive(s) ? Recorded::kRunning : Recorded::kShutoff;
  p->memory = IsActive(s);
  p->location = scenario::Location::kInternal;
  return Status::Ok();
}

Status CheckDelete(const Domain& d, PowerState s, const scenario::Delete& c, DeletePlan* p) {
  // §8 vbox delete: children-only -> invalid-arg
  if (c.children_only) return Refuse(ErrorClass::kInvalidArg, "unsupported flags (children-only)");
  // §8 vbox delete: domain running or paused -> operation-invalid
  if (auto refusal = PowerRefusal(Operation::kDelete, s)) {
    return Refuse(*refusal, "cannot delete snapshots of running domain");
  }
  // §8 vbox delete: unknown name -> operation-invalid (breadth-first lookup)
  const NodeId target = d.forest.Find(c.name, Profile::kVbox);
  if (target == kNoNode) return UnknownSnapshot(ErrorClass::kOperationInvalid, c.name);
  *p = PlanTreeDelete(target, c);
  // §8 vbox delete: children: leaves first, each subject to the same rules. Visited
  // leaves first, every node is a leaf when its turn comes, so neither row below fires.
  if (c.children) return Status::Ok();
  const SnapshotNode& node = d.forest.node(target);
  // §8 vbox delete: more than one child -> internal-error
  if (node.children.size() > 1)
    return Refuse(ErrorClass::kInternalError, "could not delete snapshot: more than one child");
  // §8 vbox delete: current with a child -> internal-error
  if (d.forest.current() == target && !node.children.empty()) {
    return Refuse(ErrorClass::kInternalError,
                  "could not delete snapshot: current snapshot has a child");
  }
  // §8 vbox delete: metadata-only on a snapshot with children -> internal-error
  if (c.metadata_only && !node.children.empty()) {
    return Refuse(ErrorClass::kInternalError, "cannot delete metadata of a snapshot with children");
  }
  return Status::Ok();
}

Status CheckRevert(const Domain& d, PowerState s, const scenario::Revert& c, RevertPlan* p) {
  // §8 vbox revert: any flag -> invalid-arg
  if (c.running || c.paused || c.force || c.suppress_power_on) {
    return Refuse(ErrorClass::kInvalidArg, "VirtualBox revert accepts no flags");
  }
  // §8 vbox revert: domain running or paused -> operation-invalid
  if (auto refusal = PowerRefusal(Operation::kRevert, s)) {
    return Refuse(*refusal, "cannot revert snapshot of running domain");
  }
  // §8 common: unknown name on revert -> operation-invalid on vbox
  const NodeId target = d.forest.Find(c.name, Profile::kVbox);
  if (target == kNoNode) return UnknownSnapshot(ErrorClass::kOperationInvalid, c.name);
  p->target = target;
  // §8 vbox revert: a running snapshot ends running; a shut-off one shutoff
  p->after = d.forest.node(target).recorded == Recorded::kRunning ? PowerState::kRunning
                                                                  : PowerState::kShutoff;
  return Status::Ok();
}

}  // namespace snapsim::model::vbox
