#pragma once
// Rules profiles: reference/semantics.md section 8, one file per profile (rules_esx.cc,
// rules_qemu.cc, rules_vbox.cc, rules_test.cc). A check only reads the domain; it returns
// the error class the profile prescribes, or OK with a plan that says exactly what the
// operation will change. Checks run in section 8's order: flags, name syntax, power
// state, name lookup, then the profile's remaining rows in the order they are listed.

#include <optional>
#include <string>

#include "core/profile.h"
#include "core/status.h"
#include "model/domain.h"
#include "model/power_machine.h"
#include "scenario/scenario.h"

namespace snapsim::model {

struct CreatePlan {
  Recorded recorded = Recorded::kShutoff;
  bool memory = false;
  scenario::Location location = scenario::Location::kInternal;
  std::optional<PowerState> after;  // halt
};

enum class DeleteMode { kNothing, kPlain, kChildren, kChildrenOnly };
struct DeletePlan {
  NodeId target = kNoNode;
  DeleteMode mode = DeleteMode::kPlain;
  bool images = true;  // false: metadata only, images untouched
};

struct RevertPlan {
  NodeId target = kNoNode;
  PowerState after = PowerState::kShutoff;
};

// The power-state row of `profile` for `op`: the error class when `state` is refused.
// Shared by the checks and by `snapsim diagram`, so the picture cannot drift.
std::optional<ErrorClass> PowerRefusal(Profile profile, Operation op, PowerState state);
// One line for the diagram: what the profile decides for `op` in `state`.
std::string GuardDecision(Profile profile, Operation op, PowerState state);

Status CheckCreate(const Domain& d, PowerState state, const scenario::Create& c, CreatePlan* plan);
Status CheckDelete(const Domain& d, PowerState state, const scenario::Delete& c, DeletePlan* plan);
Status CheckRevert(const Domain& d, PowerState state, const scenario::Revert& c, RevertPlan* plan);
// `set-current` (rules_set_current.cc): the snapshot to make current, or the refusal.
Status CheckSetCurrent(const Domain& d, const scenario::SetCurrent& c, NodeId* target);

// Per-profile halves (common libvirt entry-point checks have already passed).
#define SNAPSIM_DECLARE_PROFILE_RULES(ns)                                                      \
  namespace ns {                                                                               \
  std::optional<ErrorClass> PowerRefusal(Operation op, PowerState state);                      \
  std::string Accepts(Operation op);                                                           \
  Status CheckCreate(const Domain& d, PowerState s, const scenario::Create& c, CreatePlan* p); \
  Status CheckDelete(const Domain& d, PowerState s, const scenario::Delete& c, DeletePlan* p); \
  Status CheckRevert(const Domain& d, PowerState s, const scenario::Revert& c, RevertPlan* p); \
  }
SNAPSIM_DECLARE_PROFILE_RULES(esx)
SNAPSIM_DECLARE_PROFILE_RULES(qemu)
SNAPSIM_DECLARE_PROFILE_RULES(vbox)
SNAPSIM_DECLARE_PROFILE_RULES(test)
#undef SNAPSIM_DECLARE_PROFILE_RULES

// Helpers the profile files share.
inline Status Refuse(ErrorClass error_class, std::string message) {
  return Status::Error(error_class, std::move(message));
}
Status UnknownSnapshot(ErrorClass error_class, const std::string& name);
bool IsActive(PowerState state);
Recorded RecordedFor(PowerState state);
// Delete plan for the common tree modes (plain, children, children-only, metadata-only).
DeletePlan PlanTreeDelete(NodeId target, const scenario::Delete& c);

inline constexpr int kEsxChainLimit = 32;    // §8 esx: a 33rd snapshot in a chain fails
inline constexpr int kVboxChainLimit = 250;  // §8 vbox: a 251st snapshot in a chain fails
// qemu (libvirt 9.0, qemuDomainStorageSourceValidateDepth): an external snapshot of an
// active domain that would make a disk's backing chain more than 200 images deep fails
// (decision 30).
inline constexpr int kQemuBackingChainLimit = 200;

}  // namespace snapsim::model
