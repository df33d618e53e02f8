#include "model/power_dispatch.h"

#include <fmt/format.h>

#include "model/plans.h"
#include "model/rules.h"

namespace snapsim::model {
namespace {

class RulesHooks : public PowerHooks {
 public:
  RulesHooks(Domain& domain, const scenario::Action& action) : domain_(domain), action_(action) {}

  bool Allow(Operation op, PowerState state) override {
    switch (op) {
      case Operation::kCreate:
        verdict_ = CheckCreate(domain_, state, std::get<scenario::Create>(action_), &create_);
        break;
      case Operation::kDelete:
        verdict_ = CheckDelete(domain_, state, std::get<scenario::Delete>(action_), &delete_);
        break;
      case Operation::kRevert:
        verdict_ = CheckRevert(domain_, state, std::get<scenario::Revert>(action_), &revert_);
        break;
      default:
        // A power step the table has a row for: the profile may still refuse it (esx:
        // shutdown of a paused domain).
        if (auto refusal = PowerRefusal(domain_.profile, op, state)) {
          verdict_ = Status::Error(
              *refusal, fmt::format("{} is not valid while the domain is {}",
                                    scenario::ActionName(action_), PowerStateName(state)));
        } else if (int disk = ChainTooDeepToStart(op); disk >= 0) {
          verdict_ = Status::Error(
              ErrorClass::kInternalError,
              fmt::format("backing store for disk '{}' is self-referential or too deeply nested",
                          domain_.disks.specs()[disk].name));
        } else {
          verdict_ = Status::Ok();
        }
        break;
    }
    return verdict_.ok();
  }

  void Perform(Operation op) override {
    switch (op) {
      case Operation::kCreate:
        ApplyCreate(domain_, std::get<scenario::Create>(action_).name, create_);
        settle_ = create_.after;
        break;
      case Operation::kDelete: ApplyDelete(domain_, delete_); break;
      case Operation::kRevert:
        ApplyRevert(domain_, revert_);
        settle_ = revert_.after;
        break;
      case Operation::kWrite: ApplyWrite(domain_, std::get<scenario::Write>(action_)); break;
      default: break;
    }
  }

  void Refused(const char* event, PowerState state) override {
    if (!verdict_.ok()) return;  // a guard already said why
    // A missing row is a power step in the wrong state: the profile's power row names
    // the class (operation-invalid, or internal-error on the test driver).
    const auto op = static_cast<Operation>(action_.index());  // Operation follows Action
    const ErrorClass refusal =
        PowerRefusal(domain_.profile, op, state).value_or(ErrorClass::kOperationInvalid);
    verdict_ = Status::Error(refusal, fmt::format("{} is not valid while the domain is {}", event,
                                                  PowerStateName(state)));
  }

  const Status& verdict() const { return verdict_; }

  // qemu: libvirt 9.0 probes each disk's backing chain as it starts the domain and gives
  // up past 200 images (decision 30): the disk that is too deep, or -1.
  int ChainTooDeepToStart(Operation op) const {
    if (op != Operation::kStart || domain_.profile != Profile::kQemu) return -1;
    return domain_.disks.ChainAtLeast(kQemuBackingChainLimit + 1);
  }
  std::optional<PowerState> settle() const { return settle_; }

 private:
  Domain& domain_;
  const scenario::Action& action_;
  Status verdict_;
  std::optional<PowerState> settle_;
  CreatePlan create_;
  DeletePlan delete_;
  RevertPlan revert_;
};

PowerEvent EventFor(const scenario::Action& action) {
  switch (action.index()) {
    case 0: return PowerEvent::kStart;
    case 1: return PowerEvent::kShutdown;
    case 2: return PowerEvent::kPause;
    case 3: return PowerEvent::kResume;
    case 4: return PowerEvent::kWriteDisk;
    case 5: return PowerEvent::kCreateSnapshot;
    case 6: return PowerEvent::kDeleteSnapshot;
    default: return PowerEvent::kRevertToSnapshot;
  }
}
static_assert(std::is_same_v<std::variant_alternative_t<7, scenario::Action>, scenario::Revert>,
              "EventFor follows the order of scenario::Action");

PowerEvent EnterEvent(PowerState state) {
  switch (state) {
    case PowerState::kRunning: return PowerEvent::kEnterRunning;
    case PowerState::kPaused: return PowerEvent::kEnterPaused;
    case PowerState::kShutoff: break;
  }
  return PowerEvent::kEnterShutoff;
}

}  // namespace

Status Dispatch(PowerMachine& machine, Domain& domain, const scenario::Action& action) {
  if (std::holds_alternative<scenario::Expect>(action)) {
    return Status::Error(ErrorClass::kInternalError, "expect is not an action");
  }
  if (std::holds_alternative<scenario::SetCurrent>(action)) {
    return Status::Error(ErrorClass::kInternalError, "set-current has no power event");
  }
  RulesHooks hooks(domain, action);
  machine.Fire(EventFor(action), hooks);
  if (hooks.verdict().ok() && hooks.settle() && *hooks.settle() != machine.state()) {
    machine.Fire(EnterEvent(*hooks.settle()), hooks);
  }
  return hooks.verdict();
}

}  // namespace snapsim::model
