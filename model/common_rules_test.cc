// §8 "Common to every profile" rows, checked on all four profiles.
#include <gtest/gtest.h>

#include "model/power_machine.h"
#include "model/rules.h"
#include "model/testing/model_harness.h"

namespace snapsim::model {
namespace {

using namespace testing;  // NOLINT

class CommonRules : public ::testing::TestWithParam<Profile> {};

TEST_P(CommonRules, ChildrenWithChildrenOnlyIsInvalidArg) {
  Model m = MakeModel(GetParam());
  Ok(m, Create("a"));
  scenario::Delete d{"a"};
  d.children = d.children_only = true;
  Fails(m, d, ErrorClass::kInvalidArg);
}

TEST_P(CommonRules, RunningWithPausedIsInvalidArg) {
  Model m = MakeModel(GetParam());
  Ok(m, Create("a"));
  scenario::Revert r{"a"};
  r.running = r.paused = true;
  Fails(m, r, ErrorClass::kInvalidArg);
}

TEST_P(CommonRules, PowerStepsInTheWrongStateAreOperationInvalid) {
  // The test driver answers internal-error for start, pause and resume (docs/model.md).
  const ErrorClass wrong =
      GetParam() == Profile::kTest ? ErrorClass::kInternalError : ErrorClass::kOperationInvalid;
  Model off = MakeModel(GetParam());
  Fails(off, scenario::Shutdown{}, ErrorClass::kOperationInvalid);
  Fails(off, scenario::Pause{}, wrong);
  Fails(off, scenario::Resume{}, wrong);
  Model on = MakeModel(GetParam(), PowerState::kRunning);
  Fails(on, scenario::Start{}, wrong);
  Fails(on, scenario::Resume{}, wrong);
  Ok(on, scenario::Pause{});
  // Pausing a paused domain is a no-op through libvirt's QEMU driver (F18).
  if (GetParam() == Profile::kQemu) {
    Ok(on, scenario::Pause{});
    EXPECT_EQ(on.state(), PowerState::kPaused);
  } else {
    Fails(on, scenario::Pause{}, wrong);
  }
  // A paused domain powers off at once, except through libvirt's ESX driver (F11).
  if (GetParam() == Profile::kEsx) {
    Fails(on, scenario::Shutdown{}, ErrorClass::kOperationInvalid);
    Ok(on, scenario::Resume{});
  }
  Ok(on, scenario::Shutdown{});
  EXPECT_EQ(on.state(), PowerState::kShutoff);
}

TEST_P(CommonRules, WriteSucceedsInEveryPowerState) {
  for (PowerState s : {PowerState::kShutoff, PowerState::kRunning, PowerState::kPaused}) {
    Model m = MakeModel(GetParam(), s);
    Ok(m, WriteFill(4096, 4096, 0x5A));
    ASSERT_NE(m.CurrentView("vda").Find(4096), nullptr);
  }
}

TEST_P(CommonRules, NewSnapshotIsChildOfCurrentAndBecomesCurrent) {
  Model m = MakeModel(GetParam());
  Ok(m, Create("a"));
  Ok(m, Create("b"));
  EXPECT_EQ(m.current(), "b");
  EXPECT_EQ(m.Forest(), Node({{"a", Node({{"b", Leaf()}})}}));
}

TEST_P(CommonRules, ViewWhenTakenSurvivesDeletion) {
  Model m = MakeModel(GetParam());
  Ok(m, WriteFill(0, 512, 0x01));
  Ok(m, Create("a"));
  Ok(m, WriteFill(0, 512, 0x02));
  Ok(m, Delete("a"));
  ASSERT_NE(m.ViewWhenTaken("a", "vda"), nullptr);
  EXPECT_EQ(m.SnapshotView("a", "vda"), nullptr);
  const merge::Extent* e = m.ViewWhenTaken("a", "vda")->Find(0);
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(std::get<merge::FillSource>(e->source).byte, 0x01);
}

TEST_P(CommonRules, ExpectIsNotAnAction) {
  Model m = MakeModel(GetParam());
  Fails(m, scenario::Expect{}, ErrorClass::kInternalError);
}

TEST_P(CommonRules, SuppressPowerOnOnPlainDeleteIsInvalidArg) {
  Model m = MakeModel(GetParam());
  Ok(m, Create("a"));
  scenario::Delete d{"a"};
  d.suppress_power_on = true;
  Fails(m, d, ErrorClass::kInvalidArg);
}

TEST_P(CommonRules, DiagramPowerRowsAgreeWithPowerRefusal) {
  // A power row of the MSM table that PowerRefusal refuses is guarded (the guard asks the
  // profile), so the diagram and the checks cannot drift apart.
  for (const TransitionRow& row : PowerTransitionTable()) {
    if (row.operation < 0 || row.operation > static_cast<int>(Operation::kResume)) continue;
    if (PowerRefusal(GetParam(), static_cast<Operation>(row.operation),
                     PowerStateOfName(row.source))) {
      EXPECT_EQ(row.guard, "RulesAllow") << row.source << " " << row.event;
    }
  }
  int power_rows = 0;
  for (const TransitionRow& row : PowerTransitionTable()) {
    power_rows += row.operation >= 0 && row.operation <= static_cast<int>(Operation::kResume);
  }
  EXPECT_EQ(power_rows, 6);  // start, 2x shutdown, 2x pause, resume
}

INSTANTIATE_TEST_SUITE_P(AllProfiles, CommonRules, ::testing::ValuesIn(kAllProfiles),
                         [](const auto& info) { return std::string(ProfileName(info.param)); });

}  // namespace
}  // namespace snapsim::model
