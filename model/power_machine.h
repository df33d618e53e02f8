#pragma once
// The domain's power state machine (Boost.MSM) behind a small non-template interface;
// all MSM instantiation stays in power_machine.cc.
//
// This header must stay C++17-clean: Boost 1.74's MSM back-end does not parse as C++20
// (it names its constructors with template-ids), so power_machine.cc is compiled as
// C++17 and sees the rest of the model only through PowerHooks.
//
// Snapshot operations are internal transitions of each power state, guarded by the rules
// profile; their actions change the forest and the disks. An operation whose outcome
// moves the power state (revert, create with halt) settles it afterwards with one of the
// explicit EnterShutoff / EnterRunning / EnterPaused events. Why: docs/model.md.

#include <memory>
#include <string>
#include <vector>

#include "core/profile.h"

namespace snapsim::model {

// The operations a step performs (also the rules' vocabulary).
enum class Operation { kStart, kShutdown, kPause, kResume, kWrite, kCreate, kDelete, kRevert };

// The events the machine understands: one per operation plus the settling events.
enum class PowerEvent {
  kStart,
  kShutdown,
  kPause,
  kResume,
  kWriteDisk,
  kCreateSnapshot,
  kDeleteSnapshot,
  kRevertToSnapshot,
  kEnterShutoff,
  kEnterRunning,
  kEnterPaused,
};

// What guards, actions and no_transition call (implemented in power_dispatch.cc).
class PowerHooks {
 public:
  virtual ~PowerHooks() = default;
  // Guard: does the rules profile accept `op` from `state`? (It remembers its plan.)
  virtual bool Allow(Operation op, PowerState state) = 0;
  // Action: carry out the accepted plan of `op`.
  virtual void Perform(Operation op) = 0;
  // no_transition: `event` was refused in `state` (by a missing row or a guard).
  virtual void Refused(const char* event, PowerState state) = 0;
};

class PowerMachine {
 public:
  explicit PowerMachine(PowerState initial);
  PowerMachine(const PowerMachine& other);
  PowerMachine& operator=(const PowerMachine& other);
  PowerMachine(PowerMachine&&) noexcept;
  PowerMachine& operator=(PowerMachine&&) noexcept;
  ~PowerMachine();

  PowerState state() const;
  void Fire(PowerEvent event, PowerHooks& hooks);

 private:
  struct Engine;
  std::unique_ptr<Engine> engine_;
};

// One Row of the MSM transition table, as text read from the table's own types.
struct TransitionRow {
  std::string source;
  std::string event;
  std::string target;  // "none" for an internal transition
  std::string action;  // "none" when the row has no action
  std::string guard;   // "none" when the row has no guard
  int operation = -1;  // the Operation the event performs (-1: a settling event)
};
std::vector<TransitionRow> PowerTransitionTable();
// The power state an MSM state name stands for ("Running" -> kRunning).
PowerState PowerStateOfName(const std::string& state_name);

}  // namespace snapsim::model
