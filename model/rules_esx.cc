// Rules profile `esx`: libvirt's ESX driver over vSphere (reference/semantics.md §8 esx).
#include <fmt/format.h>

#include "model/rules.h"

namespace snapsim::model::esx {

std::optional<ErrorClass> PowerRefusal(Operation op, PowerState state) {
  // §8 esx create/delete/revert: any power state.
  return std::nullopt;
}

std::string Accepts(Operation op) {
  switch (op) {
    case Operation::kCreate:
      return "memory, disk-only, quiesce; halt -> invalid-arg; external -> config-unsupported; "
             "duplicate -> operation-invalid";
    case Operation::kDelete: return "children, metadata-only (no-op); children-only -> invalid-arg";
    case Operation::kRevert: return "suppress-power-on; ends in the recorded state";
    default: return "ok";
  }
}

Status CheckCreate(const Domain& d, PowerState s, const scenario::Create& c, CreatePlan* p) {
  // Evidence over §8 esx create ("halt: the domain is powered off after the snapshot"):
  // libvirt 9.0's ESX driver refuses the flag, `unsupported flags (0x8) in function
  // esxDomainSnapshotCreateXML`, as section 2.1 reads its code (docs/findings.md F12;
  // scenarios/esx/create_with_halt_is_invalid_arg.yaml).
  if (c.halt) return Refuse(ErrorClass::kInvalidArg, "unsupported flags (halt)");
  // no-metadata passes the same flag check and changes nothing: the ESX driver keeps no
  // metadata of its own (decision 33, libvirt-esx).
  // Evidence over §8 esx create ("location: external: invalid-arg"): libvirt 9.0's ESX
  // driver accepts the flags, parses the XML and refuses any snapshot naming disks
  // (VIR_ERR_CONFIG_UNSUPPORTED) before it looks the name up: with a taken name too
  // (docs/findings.md F13, docs/model.md decision 22;
  // scenarios/esx/create_duplicate_name_and_external_location_are_refused.yaml).
  if (c.location == scenario::Location::kExternal) {
    return Refuse(ErrorClass::kConfigUnsupported, "disk snapshots not supported yet");
  }
  // §8 esx create: duplicate name -> operation-invalid
  if (d.forest.Find(c.name, Profile::kEsx) != kNoNode) {
    return Refuse(ErrorClass::kOperationInvalid,
                  fmt::format("Snapshot '{}' already exists", c.name));
  }
  // §8 esx create: a 33rd snapshot in one root-to-leaf chain -> internal-error
  const NodeId parent = d.forest.current();
  const int depth = 1 + (parent == kNoNode ? 0 : d.forest.Depth(parent));
  if (depth > kEsxChainLimit) {
    return Refuse(
        ErrorClass::kInternalError,
        fmt::format("Could not create snapshot: chain of {} exceeds {}", depth, kEsxChainLimit));
  }
  // §8 esx create: memory when running or paused unless `memory: no` or `disk-only`;
  // recorded running/paused with memory, else shutoff. `quiesce` changes nothing.
  p->memory = IsActive(s) && c.memory != scenario::MemoryMode::kNo && !c.disk_only;
  p->recorded = p->memory ? RecordedFor(s) : Recorded::kShutoff;
  p->location = scenario::Location::kInternal;
  return Status::Ok();
}

Status CheckDelete(const Domain& d, PowerState s, const scenario::Delete& c, DeletePlan* p) {
  // §8 esx delete: children-only -> invalid-arg
  if (c.children_only) return Refuse(ErrorClass::kInvalidArg, "unsupported flags (children-only)");
  // §8 esx delete: any power state. Unknown name -> no-domain-snapshot
  const NodeId target = d.forest.Find(c.name, Profile::kEsx);
  if (target == kNoNode) return UnknownSnapshot(ErrorClass::kNoDomainSnapshot, c.name);
  *p = PlanTreeDelete(target, c);
  // §8 esx delete: metadata-only succeeds and changes nothing
  if (c.metadata_only) p->mode = DeleteMode::kNothing;
  return Status::Ok();
}

Status CheckRevert(const Domain& d, PowerState s, const scenario::Revert& c, RevertPlan* p) {
  // §8 esx revert: running, paused, force -> invalid-arg
  if (c.running || c.paused || c.force) {
    return Refuse(ErrorClass::kInvalidArg, "esx revert accepts no flags");
  }
  // §8 esx revert: unknown name -> no-domain-snapshot
  const NodeId target = d.forest.Find(c.name, Profile::kEsx);
  if (target == kNoNode) return UnknownSnapshot(ErrorClass::kNoDomainSnapshot, c.name);
  p->target = target;
  // §8 esx revert: ends in the recorded state; with suppress-power-on a running snapshot
  // ends paused (suspended with its memory) and a shut-off one shutoff.
  switch (d.forest.node(target).recorded) {
    case Recorded::kRunning:
      p->after = c.suppress_power_on ? PowerState::kPaused : PowerState::kRunning;
      break;
    case Recorded::kPaused: p->after = PowerState::kPaused; break;
    default: p->after = PowerState::kShutoff; break;
  }
  return Status::Ok();
}

}  // namespace snapsim::model::esx
