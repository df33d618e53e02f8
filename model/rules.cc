#include "model/rules.h"

#include <fmt/format.h>

namespace snapsim::model {

Status UnknownSnapshot(ErrorClass error_class, const std::string& name) {
  return Refuse(error_class, fmt::format("no snapshot named '{}'", name));
}

bool IsActive(PowerState state) { return state != PowerState::kShutoff; }

Recorded RecordedFor(PowerState state) {
  switch (state) {
    case PowerState::kRunning: return Recorded::kRunning;
    case PowerState::kPaused: return Recorded::kPaused;
    case PowerState::kShutoff: return Recorded::kShutoff;
  }
  return Recorded::kShutoff;
}

DeletePlan PlanTreeDelete(NodeId target, const scenario::Delete& c) {
  DeletePlan plan{target, DeleteMode::kPlain, true};
  if (c.children) plan.mode = DeleteMode::kChildren;
  if (c.children_only) plan.mode = DeleteMode::kChildrenOnly;
  if (c.metadata_only) plan.images = false;
  return plan;
}

namespace {

// Evidence over section 8's order of checks (scenario
// scenarios/test/unknown_name_is_reported_before_a_refused_flag.yaml, on libvirt 9.0's
// test driver): a libvirt client must look a snapshot up by name
// (virDomainSnapshotLookupByName) before virDomainSnapshotDelete or
// virDomainRevertToSnapshot can see a single flag, so on every libvirt profile an unknown
// name is reported before any flag check.
Status LookupFirst(const Domain& d, const std::string& name) {
  if (d.forest.Find(name, d.profile) != kNoNode) return Status::Ok();
  // §8 common: unknown name -> no-domain-snapshot (vbox: operation-invalid)
  return UnknownSnapshot(
      d.profile == Profile::kVbox ? ErrorClass::kOperationInvalid : ErrorClass::kNoDomainSnapshot,
      name);
}

// Evidence over section 8's common power row for `test` (scenario
// scenarios/test/power_steps_in_the_wrong_state.yaml, on libvirt 9.0's test driver, the
// authority for this profile): start on an active domain, pause on one that is not
// running and resume on one that is not paused are internal-error there; shutdown of a
// shut-off domain is operation-invalid as everywhere.
std::optional<ErrorClass> TestDriverPowerClass(Operation op, std::optional<ErrorClass> common) {
  if (common && (op == Operation::kStart || op == Operation::kPause || op == Operation::kResume)) {
    return ErrorClass::kInternalError;
  }
  return common;
}

// Evidence over section 8's common power row for `esx` (docs/findings.md F11; scenario
// scenarios/esx/shutdown_of_a_paused_domain_is_operation_invalid.yaml): libvirt's ESX
// driver powers off only a powered-on VM; a suspended one is "not powered on".
std::optional<ErrorClass> EsxDriverPowerClass(Operation op, PowerState state,
                                              std::optional<ErrorClass> common) {
  if (op == Operation::kShutdown && state == PowerState::kPaused) {
    return ErrorClass::kOperationInvalid;
  }
  return common;
}

// Evidence over section 8's common power row for `qemu` (docs/findings.md F18; scenario
// scenarios/qemu/power_steps_in_the_wrong_state_are_operation_invalid.yaml, on
// libvirt-qemu): libvirt 9.0's qemuDomainSuspend stops the CPUs only when the domain is
// not paused yet, so `pause` of a paused domain succeeds and changes nothing.
std::optional<ErrorClass> QemuDriverPowerClass(Operation op, PowerState state,
                                               std::optional<ErrorClass> common) {
  if (op == Operation::kPause && state == PowerState::kPaused) return std::nullopt;
  return common;
}

std::optional<ErrorClass> CommonPowerRefusal(Operation op, PowerState state) {
  // §8 common: power steps in the wrong state -> operation-invalid.
  switch (op) {
    case Operation::kStart:
      return state == PowerState::kShutoff ? std::nullopt
                                           : std::optional(ErrorClass::kOperationInvalid);
    case Operation::kShutdown:
      return state != PowerState::kShutoff ? std::nullopt
                                           : std::optional(ErrorClass::kOperationInvalid);
    case Operation::kPause:
      return state == PowerState::kRunning ? std::nullopt
                                           : std::optional(ErrorClass::kOperationInvalid);
    case Operation::kResume:
      return state == PowerState::kPaused ? std::nullopt
                                          : std::optional(ErrorClass::kOperationInvalid);
    case Operation::kWrite:
      return std::nullopt;  // §8 common: write is allowed in every power state
    default: break;
  }
  return std::nullopt;
}

bool IsPowerStep(Operation op) {
  return op == Operation::kStart || op == Operation::kShutdown || op == Operation::kPause ||
         op == Operation::kResume || op == Operation::kWrite;
}

}  // namespace

std::optional<ErrorClass> PowerRefusal(Profile profile, Operation op, PowerState state) {
  if (IsPowerStep(op)) {
    const auto common = CommonPowerRefusal(op, state);
    if (profile == Profile::kTest) return TestDriverPowerClass(op, common);
    if (profile == Profile::kEsx) return EsxDriverPowerClass(op, state, common);
    if (profile == Profile::kQemu) return QemuDriverPowerClass(op, state, common);
    return common;
  }
  switch (profile) {
    case Profile::kEsx: return esx::PowerRefusal(op, state);
    case Profile::kQemu: return qemu::PowerRefusal(op, state);
    case Profile::kVbox: return vbox::PowerRefusal(op, state);
    case Profile::kTest: return test::PowerRefusal(op, state);
  }
  return std::nullopt;
}

std::string GuardDecision(Profile profile, Operation op, PowerState state) {
  if (auto refusal = PowerRefusal(profile, op, state)) {
    return fmt::format("{}: {}", ProfileName(profile), ErrorClassName(*refusal));
  }
  std::string accepts;
  switch (profile) {
    case Profile::kEsx: accepts = esx::Accepts(op); break;
    case Profile::kQemu: accepts = qemu::Accepts(op); break;
    case Profile::kVbox: accepts = vbox::Accepts(op); break;
    case Profile::kTest: accepts = test::Accepts(op); break;
  }
  return fmt::format("{}: {}", ProfileName(profile), accepts);
}

Status CheckCreate(const Domain& d, PowerState state, const scenario::Create& c, CreatePlan* plan) {
  switch (d.profile) {
    case Profile::kEsx: return esx::CheckCreate(d, state, c, plan);
    case Profile::kQemu: return qemu::CheckCreate(d, state, c, plan);
    case Profile::kVbox: return vbox::CheckCreate(d, state, c, plan);
    case Profile::kTest: return test::CheckCreate(d, state, c, plan);
  }
  return Refuse(ErrorClass::kInternalError, "unknown profile");
}

Status CheckDelete(const Domain& d, PowerState state, const scenario::Delete& c, DeletePlan* plan) {
  if (Status found = LookupFirst(d, c.name); !found.ok()) return found;
  // libvirt's public entry point, before any driver: children with children-only.
  if (c.children && c.children_only) {
    return Refuse(ErrorClass::kInvalidArg, "children and children-only are mutually exclusive");
  }
  // Not modelled (the loader rejects these too): refuse rather than guess.
  if (c.metadata_only && (c.children || c.children_only)) {
    return Refuse(ErrorClass::kInvalidArg, "metadata-only with children is not modelled");
  }
  if (c.suppress_power_on && !c.discard) {
    return Refuse(ErrorClass::kInvalidArg, "suppress-power-on on a delete needs discard");
  }
  switch (d.profile) {
    case Profile::kEsx: return esx::CheckDelete(d, state, c, plan);
    case Profile::kQemu: return qemu::CheckDelete(d, state, c, plan);
    case Profile::kVbox: return vbox::CheckDelete(d, state, c, plan);
    case Profile::kTest: return test::CheckDelete(d, state, c, plan);
  }
  return Refuse(ErrorClass::kInternalError, "unknown profile");
}

Status CheckRevert(const Domain& d, PowerState state, const scenario::Revert& c, RevertPlan* plan) {
  if (Status found = LookupFirst(d, c.name); !found.ok()) return found;
  // libvirt's public entry point, before any driver: running with paused.
  if (c.running && c.paused) {
    return Refuse(ErrorClass::kInvalidArg, "running and paused are mutually exclusive");
  }
  switch (d.profile) {
    case Profile::kEsx: return esx::CheckRevert(d, state, c, plan);
    case Profile::kQemu: return qemu::CheckRevert(d, state, c, plan);
    case Profile::kVbox: return vbox::CheckRevert(d, state, c, plan);
    case Profile::kTest: return test::CheckRevert(d, state, c, plan);
  }
  return Refuse(ErrorClass::kInternalError, "unknown profile");
}

}  // namespace snapsim::model
