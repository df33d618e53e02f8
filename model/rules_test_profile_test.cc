// One test per §8 test-profile row (reference/semantics.md), named after the row.
#include <gtest/gtest.h>

#include "model/testing/model_harness.h"

namespace snapsim::model {
namespace {

using namespace testing;  // NOLINT

TEST(TestCreate, AnyPowerStateRecordsIt) {
  Model m = MakeModel(Profile::kTest, PowerState::kPaused);
  Ok(m, Create("a"));
  EXPECT_EQ(m.Snapshots()[0].recorded, "paused");
}

TEST(TestCreate, DuplicateNameIsOperationFailed) {
  Model m = MakeModel(Profile::kTest);
  Ok(m, Create("a"));
  Fails(m, Create("a"), ErrorClass::kOperationFailed);
}

TEST(TestCreate, DiskOnlyOrExternalIsInvalidArg) {
  Model m = MakeModel(Profile::kTest);
  scenario::Create c{"a"};
  c.disk_only = true;
  Fails(m, c, ErrorClass::kInvalidArg);
  c.disk_only = false;
  c.location = scenario::Location::kExternal;
  Fails(m, c, ErrorClass::kInvalidArg);
}

TEST(TestCreate, QuiesceAndMemoryAcceptedWithNoEffect) {
  Model m = MakeModel(Profile::kTest, PowerState::kRunning);
  scenario::Create c{"a"};
  c.quiesce = true;
  c.memory = scenario::MemoryMode::kNo;
  Ok(m, c);
  EXPECT_EQ(m.Snapshots()[0].recorded, "running");
}

TEST(TestCreate, HaltShutsOff) {
  Model m = MakeModel(Profile::kTest, PowerState::kRunning);
  scenario::Create c{"a"};
  c.halt = true;
  Ok(m, c);
  EXPECT_EQ(m.state(), PowerState::kShutoff);
}

TEST(TestSetCurrent, MovesCurrentOnlyInEveryState) {  // decision 32
  for (PowerState state : {PowerState::kShutoff, PowerState::kRunning, PowerState::kPaused}) {
    Model m = MakeModel(Profile::kTest, state);
    Ok(m, Create("a"));
    Ok(m, Create("b"));
    Ok(m, scenario::SetCurrent{"a"});
    EXPECT_EQ(m.current(), "a");
    EXPECT_EQ(m.state(), state);
    Ok(m, Create("c"));
    EXPECT_EQ(m.Forest(), (scenario::Tree{{{"a", {{{"b", {}}, {"c", {}}}}}}}));
    Fails(m, scenario::SetCurrent{"nosuch"}, ErrorClass::kNoDomainSnapshot);
  }
}

TEST(TestCreate, NoMetadataIsInvalidArg) {  // decision 33
  Model m = MakeModel(Profile::kTest, PowerState::kRunning);
  Ok(m, Create("a"));
  scenario::Create n{"n"};
  n.no_metadata = true;
  Fails(m, n, ErrorClass::kInvalidArg);
  n.name = "a";
  Fails(m, n, ErrorClass::kInvalidArg);  // before the duplicate name
}

TEST(EsxCreate, NoMetadataIsIgnored) {  // decision 33
  Model m = MakeModel(Profile::kEsx, PowerState::kRunning);
  scenario::Create n{"n"};
  n.no_metadata = true;
  Ok(m, n);
  EXPECT_EQ(m.current(), "n");
}

TEST(EsxSetCurrent, IsInvalidArgAfterTheLookup) {  // decision 32
  Model m = MakeModel(Profile::kEsx, PowerState::kRunning);
  Ok(m, Create("a"));
  Ok(m, Create("b"));
  Fails(m, scenario::SetCurrent{"a"}, ErrorClass::kInvalidArg);
  EXPECT_EQ(m.current(), "b");
  Fails(m, scenario::SetCurrent{"nosuch"}, ErrorClass::kNoDomainSnapshot);
}

TEST(TestDelete, MetadataOnlyIsInvalidArg) {
  Model m = MakeModel(Profile::kTest);
  Ok(m, Create("a"));
  scenario::Delete d{"a"};
  d.metadata_only = true;
  Fails(m, d, ErrorClass::kInvalidArg);
}

TEST(TestDelete, PlainChildrenAndChildrenOnlyAsQemuInternal) {
  Model m = MakeModel(Profile::kTest);
  Ok(m, Create("a"));
  Ok(m, Create("b"));
  Ok(m, Create("c"));
  scenario::Delete only{"a"};
  only.children_only = true;
  Ok(m, only);
  EXPECT_EQ(m.current(), "a");
  Ok(m, Create("d"));
  Ok(m, Delete("a"));
  EXPECT_EQ(m.Forest(), Node({{"d", Leaf()}}));
  scenario::Delete all{"d"};
  all.children = true;
  Ok(m, all);
  EXPECT_EQ(m.current(), std::nullopt);
}

TEST(TestDelete, UnknownNameIsNoDomainSnapshot) {
  Model m = MakeModel(Profile::kTest);
  Fails(m, Delete("x"), ErrorClass::kNoDomainSnapshot);
}

TEST(TestRevert, ActiveDomainToShutoffSnapshotEndsShutoffEvenWithFlags) {
  Model m = MakeModel(Profile::kTest);
  Ok(m, Create("off"));
  Ok(m, Start{});
  scenario::Revert r{"off"};
  r.running = true;
  r.force = true;
  Ok(m, r);
  EXPECT_EQ(m.state(), PowerState::kShutoff);
}

TEST(TestRevert, ShutoffSnapshotStaysShutoffEvenWhenAskedToRun) {
  // Follows the 9.0.0 driver, not section 8's "as qemu internal" (docs/model.md).
  Model m = MakeModel(Profile::kTest);
  Ok(m, Create("off"));
  scenario::Revert r{"off"};
  r.running = true;
  Ok(m, r);
  EXPECT_EQ(m.state(), PowerState::kShutoff);
  r.running = false;
  r.paused = true;
  Ok(m, r);
  EXPECT_EQ(m.state(), PowerState::kShutoff);
}

TEST(TestPower, WrongStateIsInternalErrorExceptShutdown) {
  // Follows the 9.0.0 driver, not section 8's common power row (docs/model.md).
  Model m = MakeModel(Profile::kTest);
  Fails(m, Pause{}, ErrorClass::kInternalError);
  Fails(m, Resume{}, ErrorClass::kInternalError);
  Fails(m, Shutdown{}, ErrorClass::kOperationInvalid);
  Ok(m, Start{});
  Fails(m, Start{}, ErrorClass::kInternalError);
  Fails(m, Resume{}, ErrorClass::kInternalError);
}

TEST(TestDelete, UnknownNameIsReportedBeforeARefusedFlag) {
  Model m = MakeModel(Profile::kTest);
  scenario::Delete d{"nosuch"};
  d.metadata_only = true;
  Fails(m, d, ErrorClass::kNoDomainSnapshot);
  Ok(m, Create("a"));
  d.name = "a";
  Fails(m, d, ErrorClass::kInvalidArg);
}

TEST(TestRevert, MemorySnapshotAsQemuInternal) {
  Model m = MakeModel(Profile::kTest, PowerState::kPaused);
  Ok(m, Create("p"));
  Ok(m, Shutdown{});
  Ok(m, Revert("p"));
  EXPECT_EQ(m.state(), PowerState::kPaused);
  scenario::Revert r{"p"};
  r.running = true;
  Ok(m, r);
  EXPECT_EQ(m.state(), PowerState::kRunning);
}

}  // namespace
}  // namespace snapsim::model
