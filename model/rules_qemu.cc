// Rules profile `qemu`: libvirt 9.0's QEMU driver (reference/semantics.md §8 qemu).
#include <fmt/format.h>

#include "model/rules.h"

namespace snapsim::model::qemu {
namespace {

bool IsExternal(const SnapshotNode& node) { return node.location == scenario::Location::kExternal; }

// §8 qemu delete, external, as libvirt 9.0 has it (docs/model.md decision 24; evidence
// over §8's list, which came from later libvirt: 9.0 has no refusal for "current with
// children", "not in the active chain with children" or "more than one child").
Status CheckExternalDelete(const Domain& d, NodeId target) {
  const Forest& f = d.forest;
  const SnapshotNode& node = f.node(target);
  // The overlay written after the snapshot must be in the domain's backing chain
  // (virStorageSourceChainLookupBySource) -> invalid-arg
  if (int disk = d.disks.PointOffActiveChain(target); disk >= 0) {
    return Refuse(ErrorClass::kInvalidArg,
                  fmt::format("could not find base disk source in disk source chain (disk {})",
                              d.disks.specs()[disk].name));
  }
  // §8 qemu delete external: parent internal -> operation-unsupported
  if (node.parent != kNoNode && !IsExternal(f.node(node.parent))) {
    return Refuse(ErrorClass::kOperationUnsupported,
                  "deleting external snapshot that has internal snapshot as parent not supported");
  }
  return Status::Ok();
}

// libvirt 9.0's qemuSnapshotDeleteValidate for children and children-only: the
// descendants (not the target) may not be external; the target may not be external with
// `children` (§8 qemu delete external, first row).
Status CheckChildrenDelete(const Domain& d, NodeId target, const scenario::Delete& c) {
  bool external = false;
  bool internal = false;
  for (NodeId n : d.forest.DescendantsPostOrder(target)) {
    (IsExternal(d.forest.node(n)) ? external : internal) = true;
  }
  if (external) {
    return Refuse(ErrorClass::kConfigUnsupported,
                  internal
                      ? "deletion of external and internal children disk snapshots not supported"
                      : "deletion of external children disk snapshots not supported");
  }
  if (c.children && IsExternal(d.forest.node(target))) {
    return Refuse(ErrorClass::kConfigUnsupported,
                  "deletion of external disk snapshots with children not supported");
  }
  return Status::Ok();
}

}  // namespace

std::optional<ErrorClass> PowerRefusal(Operation op, PowerState state) {
  // §8 qemu create: running, paused or shutoff; delete and revert: any power state.
  return std::nullopt;
}

std::string Accepts(Operation op) {
  switch (op) {
    case Operation::kCreate: return "internal (memory when active) or external (disk-only); halt";
    case Operation::kDelete: return "children, children-only, metadata-only; external: 9.0 limits";
    case Operation::kRevert: return "running, paused, force; external -> config-unsupported";
    default: return "ok";
  }
}

Status CheckCreate(const Domain& d, PowerState s, const scenario::Create& c, CreatePlan* p) {
  const bool external = c.disk_only || c.location == scenario::Location::kExternal;
  // §8 qemu create: quiesce without disk-only -> invalid-arg. `location: external` is
  // sent with the disk-only flag, so it counts as disk-only here (decision 28).
  if (c.quiesce && !external) return Refuse(ErrorClass::kInvalidArg, "quiesce requires disk-only");
  // Evidence over §8 ("`memory: yes` on a shut-off domain: operation-unsupported (to be
  // confirmed on the real driver)"): libvirt 9.0's snapshot XML parser refuses it,
  // xml-error "memory state cannot be saved with offline or disk-only snapshot", before
  // the name's syntax is looked at (docs/findings.md F17, F20; libvirt-qemu).
  // The same parser refuses memory with `disk-only` in every state (decision 27, found by
  // snapsim fuzz --hypervisor qemu --backend libvirt-qemu --seed 13).
  if ((!IsActive(s) || c.disk_only) && c.memory == scenario::MemoryMode::kYes) {
    return Refuse(ErrorClass::kXmlError,
                  "memory state cannot be saved with offline or disk-only snapshot");
  }
  // §8 qemu create: name containing '/' or starting with '.' -> xml-detail
  if (c.name.find('/') != std::string::npos || (!c.name.empty() && c.name[0] == '.')) {
    return Refuse(ErrorClass::kXmlDetail, fmt::format("invalid snapshot name '{}'", c.name));
  }
  // §8 qemu create: internal on an active domain always has memory; memory: no -> op-unsupported,
  // checked before the duplicate name (decision 29, found by explore --backend libvirt-qemu)
  if (!external && IsActive(s) && c.memory == scenario::MemoryMode::kNo) {
    return Refuse(ErrorClass::kOperationUnsupported,
                  "internal snapshot of a running VM must include the memory state");
  }
  // §8 qemu create: duplicate name -> operation-failed
  if (d.forest.Find(c.name, Profile::kQemu) != kNoNode) {
    return Refuse(ErrorClass::kOperationFailed,
                  fmt::format("domain moment {} already exists", c.name));
  }
  // Evidence over §8 ("with it, a guest agent is needed ...: operation-unsupported";
  // docs/model.md decision 23, findings F19): libvirt 9.0 asks the agent only when it
  // takes a disk-only snapshot of an active domain (qemuDomainAgentAvailable): a paused
  // domain is "not running" (operation-invalid), a running one has no agent configured
  // (argument-unsupported); offline, quiesce is accepted and does nothing.
  if (c.quiesce && s == PowerState::kPaused) {
    return Refuse(ErrorClass::kOperationInvalid, "domain is not running");
  }
  if (c.quiesce && s == PowerState::kRunning) {
    return Refuse(ErrorClass::kArgumentUnsupported, "QEMU guest agent is not configured");
  }
  // libvirt 9.0 counts an active disk's backing chain before it adds an overlay: a chain
  // of 200 images takes no 201st. Offline it knows no chain and takes any number
  // (decision 30; scenarios/qemu/an_external_snapshot_past_200_layers_is_refused.yaml).
  if (external && IsActive(s)) {
    if (const int disk = d.disks.ChainAtLeast(kQemuBackingChainLimit); disk >= 0) {
      return Refuse(ErrorClass::kOperationUnsupported,
                    fmt::format("backing chains more than {} layers deep are not supported for "
                                "disk '{}'",
                                kQemuBackingChainLimit, d.disks.specs()[disk].name));
    }
  }
  p->location = external ? scenario::Location::kExternal : scenario::Location::kInternal;
  if (external) {
    // §8 qemu create: external keeps the power state; recorded disk-snapshot, offline shutoff
    p->memory = false;
    p->recorded = IsActive(s) ? Recorded::kDiskSnapshot : Recorded::kShutoff;
  } else {
    p->memory = IsActive(s);
    p->recorded = RecordedFor(s);
  }
  // §8 qemu create: halt -> shut off afterwards (the recorded state is the one before)
  if (c.halt) p->after = PowerState::kShutoff;
  return Status::Ok();
}

Status CheckDelete(const Domain& d, PowerState s, const scenario::Delete& c, DeletePlan* p) {
  // §8 qemu delete: any power state. Unknown name -> no-domain-snapshot
  const NodeId target = d.forest.Find(c.name, Profile::kQemu);
  if (target == kNoNode) return UnknownSnapshot(ErrorClass::kNoDomainSnapshot, c.name);
  *p = PlanTreeDelete(target, c);
  // §8 qemu delete: metadata-only: metadata goes, images untouched (internal and external)
  if (c.metadata_only) return Status::Ok();
  // Evidence (docs/model.md decision 25): on an active domain libvirt 9.0 deletes an
  // internal snapshot only from the image the domain uses now, checked before any flag.
  if (IsActive(s) && !IsExternal(d.forest.node(target))) {
    if (int disk = d.disks.TableOutsideActiveImage(target); disk >= 0) {
      return Refuse(ErrorClass::kOperationUnsupported,
                    fmt::format("disk image '{}' for internal snapshot '{}' is not the same as "
                                "disk image currently used by VM",
                                d.disks.specs()[disk].name, c.name));
    }
  }
  if (c.children || c.children_only) return CheckChildrenDelete(d, target, c);
  // §8 qemu delete internal: no other restriction; external: the 9.0 rules
  if (IsExternal(d.forest.node(target))) return CheckExternalDelete(d, target);
  return Status::Ok();
}

Status CheckRevert(const Domain& d, PowerState s, const scenario::Revert& c, RevertPlan* p) {
  // §8 common: suppress-power-on exists only on esx -> invalid-arg
  if (c.suppress_power_on)
    return Refuse(ErrorClass::kInvalidArg, "unsupported flags (suppress-power-on)");
  // §8 qemu revert: unknown name -> no-domain-snapshot
  const NodeId target = d.forest.Find(c.name, Profile::kQemu);
  if (target == kNoNode) return UnknownSnapshot(ErrorClass::kNoDomainSnapshot, c.name);
  const SnapshotNode& node = d.forest.node(target);
  // §8 qemu revert external: config-unsupported
  if (IsExternal(node)) {
    return Refuse(ErrorClass::kConfigUnsupported, "revert to external snapshot not supported yet");
  }
  p->target = target;
  if (node.recorded == Recorded::kRunning || node.recorded == Recorded::kPaused) {
    // §8 qemu revert internal, memory: running, or paused if the snapshot was paused and
    // `running` not given, or `paused` given. `force` changes nothing.
    const bool paused = c.paused || (node.recorded == Recorded::kPaused && !c.running);
    p->after = paused ? PowerState::kPaused : PowerState::kRunning;
  } else {
    // §8 qemu revert internal, shut off: shutoff unless running/paused boot it fresh
    p->after = c.running  ? PowerState::kRunning
               : c.paused ? PowerState::kPaused
                          : PowerState::kShutoff;
  }
  return Status::Ok();
}

}  // namespace snapsim::model::qemu
