// Rules profile `test`: libvirt 9.0's test driver (reference/semantics.md §8 test).
#include <fmt/format.h>

#include "model/rules.h"

namespace snapsim::model::test {

std::optional<ErrorClass> PowerRefusal(Operation op, PowerState state) {
  // §8 test create/delete/revert: any power state.
  return std::nullopt;
}

std::string Accepts(Operation op) {
  switch (op) {
    case Operation::kCreate:
      return "halt, quiesce, memory (no effect); duplicate -> operation-failed";
    case Operation::kDelete: return "children, children-only; metadata-only -> invalid-arg";
    case Operation::kRevert:
      return "running, paused, force; active -> shut-off snapshot ends shutoff";
    default: return "ok";
  }
}

Status CheckCreate(const Domain& d, PowerState s, const scenario::Create& c, CreatePlan* p) {
  // §8 test create: disk-only, location: external -> invalid-arg
  if (c.disk_only || c.location == scenario::Location::kExternal) {
    return Refuse(ErrorClass::kInvalidArg, "unsupported flags (disk-only/external)");
  }
  // Evidence (decision 33): the test driver's flag check has no NO_METADATA either,
  // "unsupported flags (0x4) in function testDomainSnapshotCreateXML".
  if (c.no_metadata) return Refuse(ErrorClass::kInvalidArg, "unsupported flags (no-metadata)");
  // §8 test create: duplicate name -> operation-failed
  if (d.forest.Find(c.name, Profile::kTest) != kNoNode) {
    return Refuse(ErrorClass::kOperationFailed,
                  fmt::format("domain moment {} already exists", c.name));
  }
  // §8 test create: any power state; quiesce and memory accepted with no effect;
  // §8 common: the recorded state is the power state when taken.
  p->recorded = RecordedFor(s);
  p->memory = IsActive(s);
  p->location = scenario::Location::kInternal;
  // §8 test create: halt as for qemu (shut off afterwards)
  if (c.halt) p->after = PowerState::kShutoff;
  return Status::Ok();
}

Status CheckDelete(const Domain& d, PowerState s, const scenario::Delete& c, DeletePlan* p) {
  // §8 test delete: metadata-only -> invalid-arg
  if (c.metadata_only) return Refuse(ErrorClass::kInvalidArg, "unsupported flags (metadata-only)");
  // §8 common: unknown name -> no-domain-snapshot
  const NodeId target = d.forest.Find(c.name, Profile::kTest);
  if (target == kNoNode) return UnknownSnapshot(ErrorClass::kNoDomainSnapshot, c.name);
  // §8 test delete: plain, children and children-only as for qemu internal
  *p = PlanTreeDelete(target, c);
  return Status::Ok();
}

Status CheckRevert(const Domain& d, PowerState s, const scenario::Revert& c, RevertPlan* p) {
  // §8 common: suppress-power-on exists only on esx -> invalid-arg
  if (c.suppress_power_on)
    return Refuse(ErrorClass::kInvalidArg, "unsupported flags (suppress-power-on)");
  // §8 common: unknown name -> no-domain-snapshot
  const NodeId target = d.forest.Find(c.name, Profile::kTest);
  if (target == kNoNode) return UnknownSnapshot(ErrorClass::kNoDomainSnapshot, c.name);
  const SnapshotNode& node = d.forest.node(target);
  p->target = target;
  if (node.recorded == Recorded::kRunning || node.recorded == Recorded::kPaused) {
    // §8 test revert: as qemu internal for a memory snapshot
    const bool paused = c.paused || (node.recorded == Recorded::kPaused && !c.running);
    p->after = paused ? PowerState::kPaused : PowerState::kRunning;
  } else {
    // §8 test revert: an active domain reverted to a shut-off snapshot ends shutoff, even
    // with running, paused or force. Evidence extends this to a shut-off domain: the
    // 9.0.0 driver leaves it shut off with `running` or `paused` too, where section 8
    // said "as qemu internal" (scenario
    // scenarios/test/revert_to_shutoff_snapshot_stays_shutoff_even_when_asked_to_run.yaml).
    p->after = PowerState::kShutoff;
  }
  return Status::Ok();
}

}  // namespace snapsim::model::test
