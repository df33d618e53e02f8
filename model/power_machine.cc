// The one translation unit that instantiates Boost.MSM (compile time: keep it alone).
// Layout follows MSM's player example: events, states, guards and actions, the
// transition table, no_transition, then the back-end typedef.
#include "model/power_machine.h"

#include <boost/mpl/for_each.hpp>
#include <boost/mpl/vector/vector30.hpp>
#include <boost/msm/back/state_machine.hpp>
#include <boost/msm/front/functor_row.hpp>
#include <boost/msm/front/state_machine_def.hpp>

namespace snapsim::model {
namespace {

namespace msm = boost::msm;
namespace mpl = boost::mpl;
using msm::front::none;
using msm::front::Row;

// ---- Events: named after the API calls --------------------------------------------
template <Operation op>
struct OperationEvent {
  static constexpr int kOperation = static_cast<int>(op);
};
struct Start : OperationEvent<Operation::kStart> {
  static constexpr const char* kName = "Start";
};
struct Shutdown : OperationEvent<Operation::kShutdown> {
  static constexpr const char* kName = "Shutdown";
};
struct Pause : OperationEvent<Operation::kPause> {
  static constexpr const char* kName = "Pause";
};
struct Resume : OperationEvent<Operation::kResume> {
  static constexpr const char* kName = "Resume";
};
struct WriteDisk : OperationEvent<Operation::kWrite> {
  static constexpr const char* kName = "WriteDisk";
};
struct CreateSnapshot : OperationEvent<Operation::kCreate> {
  static constexpr const char* kName = "CreateSnapshot";
};
struct DeleteSnapshot : OperationEvent<Operation::kDelete> {
  static constexpr const char* kName = "DeleteSnapshot";
};
struct RevertToSnapshot : OperationEvent<Operation::kRevert> {
  static constexpr const char* kName = "RevertToSnapshot";
};
// Settling events: move to the state an operation's outcome prescribes.
struct EnterShutoff {
  static constexpr const char* kName = "EnterShutoff";
  static constexpr int kOperation = -1;
};
struct EnterRunning {
  static constexpr const char* kName = "EnterRunning";
  static constexpr int kOperation = -1;
};
struct EnterPaused {
  static constexpr const char* kName = "EnterPaused";
  static constexpr int kOperation = -1;
};

struct PowerFront : msm::front::state_machine_def<PowerFront> {
  using no_exception_thrown = int;  // nothing here throws: skip MSM's try/catch
  using no_message_queue = int;     // events are never posted from actions

  // ---- States: conditions of the domain ---------------------------------------------
  template <PowerState power>
  struct PowerStateDef : msm::front::state<> {
    static constexpr PowerState kPower = power;
    template <class Event, class Fsm>
    void on_entry(const Event&, Fsm& fsm) {
      fsm.power = power;
    }
  };
  struct Shutoff : PowerStateDef<PowerState::kShutoff> {
    static constexpr const char* kName = "Shutoff";
  };
  struct Running : PowerStateDef<PowerState::kRunning> {
    static constexpr const char* kName = "Running";
  };
  struct Paused : PowerStateDef<PowerState::kPaused> {
    static constexpr const char* kName = "Paused";
  };
  using initial_state = Shutoff;

  // ---- Guards: ask the rules profile (which keeps its plan or its refusal) ---------
  struct RulesAllow {
    static constexpr const char* kName = "RulesAllow";
    template <class Evt, class Fsm, class Src, class Tgt>
    bool operator()(const Evt&, Fsm& fsm, Src&, Tgt&) {
      return fsm.hooks->Allow(static_cast<Operation>(Evt::kOperation), Src::kPower);
    }
  };

  // ---- Actions: change the forest and the disks -------------------------------------
  template <Operation op>
  struct PerformDef {
    template <class Evt, class Fsm, class Src, class Tgt>
    void operator()(const Evt&, Fsm& fsm, Src&, Tgt&) {
      fsm.hooks->Perform(op);
    }
  };
  struct TakeSnapshot : PerformDef<Operation::kCreate> {
    static constexpr const char* kName = "TakeSnapshot";
  };
  struct RemoveSnapshot : PerformDef<Operation::kDelete> {
    static constexpr const char* kName = "RemoveSnapshot";
  };
  struct RestoreSnapshot : PerformDef<Operation::kRevert> {
    static constexpr const char* kName = "RestoreSnapshot";
  };
  struct GuestWrite : PerformDef<Operation::kWrite> {
    static constexpr const char* kName = "GuestWrite";
  };

  // ---- Transition table ---------------------------------------------------------------
  struct transition_table : mpl::vector24<
                                //  Start     Event             Next      Action           Guard
                                Row<Shutoff, Start, Running, none, RulesAllow>,
                                Row<Running, Shutdown, Shutoff, none, RulesAllow>,
                                Row<Paused, Shutdown, Shutoff, none, RulesAllow>,
                                Row<Running, Pause, Paused, none, RulesAllow>,
                                Row<Paused, Resume, Running, none, RulesAllow>,
                                Row<Paused, Pause, none, none, RulesAllow>,  // qemu: a no-op
                                // snapshot operations: internal transitions, the profile decides
                                Row<Shutoff, CreateSnapshot, none, TakeSnapshot, RulesAllow>,
                                Row<Running, CreateSnapshot, none, TakeSnapshot, RulesAllow>,
                                Row<Paused, CreateSnapshot, none, TakeSnapshot, RulesAllow>,
                                Row<Shutoff, DeleteSnapshot, none, RemoveSnapshot, RulesAllow>,
                                Row<Running, DeleteSnapshot, none, RemoveSnapshot, RulesAllow>,
                                Row<Paused, DeleteSnapshot, none, RemoveSnapshot, RulesAllow>,
                                Row<Shutoff, RevertToSnapshot, none, RestoreSnapshot, RulesAllow>,
                                Row<Running, RevertToSnapshot, none, RestoreSnapshot, RulesAllow>,
                                Row<Paused, RevertToSnapshot, none, RestoreSnapshot, RulesAllow>,
                                Row<Shutoff, WriteDisk, none, GuestWrite, none>,
                                Row<Running, WriteDisk, none, GuestWrite, none>,
                                Row<Paused, WriteDisk, none, GuestWrite, none>,
                                // settling after revert / halt: the outcome names the state
                                Row<Shutoff, EnterRunning, Running, none, none>,
                                Row<Shutoff, EnterPaused, Paused, none, none>,
                                Row<Running, EnterShutoff, Shutoff, none, none>,
                                Row<Running, EnterPaused, Paused, none, none>,
                                Row<Paused, EnterShutoff, Shutoff, none, none>,
                                Row<Paused, EnterRunning, Running, none, none>> {};

  // A refused event is a verdict, never an assertion: the hooks record the error class
  // (the guard's refusal, or operation-invalid for a power step in the wrong state).
  template <class Fsm, class Event>
  void no_transition(const Event&, Fsm& fsm, int) {
    fsm.hooks->Refused(Event::kName, fsm.power);
  }

  PowerHooks* hooks = nullptr;  // set for the duration of one Fire()
  PowerState power = PowerState::kShutoff;
};

using Machine = msm::back::state_machine<PowerFront>;

template <class T, class = void>
struct NameOf {
  static std::string Get() { return "none"; }
};
template <class T>
struct NameOf<T, std::void_t<decltype(T::kName)>> {
  static std::string Get() { return T::kName; }
};

// MSM marks internal transitions (Row<..., none, ...>) by their row tag; their Target
// type is the source state.
template <class R>
constexpr bool kIsInternal = std::is_same_v<typename R::row_type_tag, msm::a_irow_tag> ||
                             std::is_same_v<typename R::row_type_tag, msm::g_irow_tag> ||
                             std::is_same_v<typename R::row_type_tag, msm::irow_tag> ||
                             std::is_same_v<typename R::row_type_tag, msm::_irow_tag>;

struct RowPrinter {
  std::vector<TransitionRow>* rows;
  template <class R>
  void operator()(msm::wrap<R>) const {
    rows->push_back({NameOf<typename R::Source>::Get(), NameOf<typename R::Evt>::Get(),
                     kIsInternal<R> ? std::string("none") : NameOf<typename R::Target>::Get(),
                     NameOf<typename R::Action>::Get(), NameOf<typename R::Guard>::Get(),
                     R::Evt::kOperation});
  }
};

}  // namespace

struct PowerMachine::Engine {
  Machine machine;
};

PowerMachine::PowerMachine(PowerState initial) : engine_(std::make_unique<Engine>()) {
  Machine& m = engine_->machine;
  m.start();
  if (initial == PowerState::kRunning) m.process_event(EnterRunning{});
  if (initial == PowerState::kPaused) m.process_event(EnterPaused{});
}
PowerMachine::PowerMachine(const PowerMachine& other)
    : engine_(std::make_unique<Engine>(*other.engine_)) {}
PowerMachine& PowerMachine::operator=(const PowerMachine& other) {
  if (this != &other) engine_ = std::make_unique<Engine>(*other.engine_);
  return *this;
}
PowerMachine::PowerMachine(PowerMachine&&) noexcept = default;
PowerMachine& PowerMachine::operator=(PowerMachine&&) noexcept = default;
PowerMachine::~PowerMachine() = default;

PowerState PowerMachine::state() const { return engine_->machine.power; }

void PowerMachine::Fire(PowerEvent event, PowerHooks& hooks) {
  Machine& m = engine_->machine;
  m.hooks = &hooks;
  switch (event) {
    case PowerEvent::kStart: m.process_event(Start{}); break;
    case PowerEvent::kShutdown: m.process_event(Shutdown{}); break;
    case PowerEvent::kPause: m.process_event(Pause{}); break;
    case PowerEvent::kResume: m.process_event(Resume{}); break;
    case PowerEvent::kWriteDisk: m.process_event(WriteDisk{}); break;
    case PowerEvent::kCreateSnapshot: m.process_event(CreateSnapshot{}); break;
    case PowerEvent::kDeleteSnapshot: m.process_event(DeleteSnapshot{}); break;
    case PowerEvent::kRevertToSnapshot: m.process_event(RevertToSnapshot{}); break;
    case PowerEvent::kEnterShutoff: m.process_event(EnterShutoff{}); break;
    case PowerEvent::kEnterRunning: m.process_event(EnterRunning{}); break;
    case PowerEvent::kEnterPaused: m.process_event(EnterPaused{}); break;
  }
  m.hooks = nullptr;
}

std::vector<TransitionRow> PowerTransitionTable() {
  std::vector<TransitionRow> rows;
  mpl::for_each<PowerFront::transition_table, msm::wrap<mpl::placeholders::_1>>(RowPrinter{&rows});
  return rows;
}

PowerState PowerStateOfName(const std::string& state_name) {
  if (state_name == PowerFront::Running::kName) return PowerState::kRunning;
  if (state_name == PowerFront::Paused::kName) return PowerState::kPaused;
  return PowerState::kShutoff;
}

}  // namespace snapsim::model
