// One test per §8 esx row (reference/semantics.md), named after the row.
#include <gtest/gtest.h>

#include "model/testing/model_harness.h"

namespace snapsim::model {
namespace {

using namespace testing;  // NOLINT
using scenario::Location;
using scenario::MemoryMode;

TEST(EsxCreate, AnyPowerState) {
  for (PowerState s : {PowerState::kShutoff, PowerState::kRunning, PowerState::kPaused}) {
    Model m = MakeModel(Profile::kEsx, s);
    Ok(m, Create("a"));
    EXPECT_EQ(m.state(), s);
    EXPECT_EQ(m.current(), "a");
  }
}

TEST(EsxCreate, RecordedRunningWithMemoryWhenTakenRunning) {
  Model m = MakeModel(Profile::kEsx, PowerState::kRunning);
  Ok(m, Create("a"));
  EXPECT_EQ(m.Snapshots()[0].recorded, "running");
  EXPECT_TRUE(m.Snapshots()[0].memory);
}

TEST(EsxCreate, RecordedPausedWithMemoryWhenTakenPaused) {
  Model m = MakeModel(Profile::kEsx, PowerState::kPaused);
  Ok(m, Create("a"));
  EXPECT_EQ(m.Snapshots()[0].recorded, "paused");
}

TEST(EsxCreate, MemoryNoOrDiskOnlyRecordsShutoff) {
  scenario::Create no_memory{"a"};
  no_memory.memory = MemoryMode::kNo;
  scenario::Create disk_only{"b"};
  disk_only.disk_only = true;
  Model m = MakeModel(Profile::kEsx, PowerState::kRunning);
  Ok(m, no_memory);
  Ok(m, disk_only);
  EXPECT_EQ(m.Snapshots()[0].recorded, "shutoff");
  EXPECT_EQ(m.Snapshots()[1].recorded, "shutoff");
  EXPECT_EQ(m.state(), PowerState::kRunning);
}

TEST(EsxCreate, QuiesceIsAcceptedAndChangesNothing) {
  scenario::Create c{"a"};
  c.quiesce = true;
  Model m = MakeModel(Profile::kEsx, PowerState::kRunning);
  Ok(m, c);
  EXPECT_EQ(m.Snapshots()[0].recorded, "running");
}

TEST(EsxCreate, HaltIsInvalidArgAsTheRealDriverSays) {
  // Evidence over section 8 (docs/findings.md F12).
  scenario::Create c{"a"};
  c.halt = true;
  Model m = MakeModel(Profile::kEsx, PowerState::kRunning);
  Fails(m, c, ErrorClass::kInvalidArg);
  EXPECT_EQ(m.state(), PowerState::kRunning);
}

TEST(EsxPower, ShutdownOfAPausedDomainIsOperationInvalid) {
  // Evidence over section 8's common power row (docs/findings.md F11).
  Model m = MakeModel(Profile::kEsx, PowerState::kPaused);
  Fails(m, scenario::Shutdown{}, ErrorClass::kOperationInvalid);
  EXPECT_EQ(m.state(), PowerState::kPaused);
  Ok(m, scenario::Resume{});
  Ok(m, scenario::Shutdown{});
}

TEST(EsxCreate, DuplicateNameIsOperationInvalid) {
  Model m = MakeModel(Profile::kEsx);
  Ok(m, Create("a"));
  Ok(m, Create("b"));
  Fails(m, Create("a"), ErrorClass::kOperationInvalid);
}

TEST(EsxCreate, LocationExternalIsConfigUnsupportedAsTheRealDriverSays) {
  // Evidence over section 8 (docs/findings.md F13): in any power state, with or without
  // memory, and before the duplicate-name check.
  for (PowerState s : {PowerState::kShutoff, PowerState::kRunning, PowerState::kPaused}) {
    Model m = MakeModel(Profile::kEsx, s);
    Ok(m, Create("a"));
    for (const char* name : {"b", "a"}) {
      scenario::Create c{name};
      c.location = Location::kExternal;
      Fails(m, c, ErrorClass::kConfigUnsupported);
      c.memory = MemoryMode::kNo;
      Fails(m, c, ErrorClass::kConfigUnsupported);
    }
    EXPECT_EQ(m.Snapshots().size(), 1u);
    EXPECT_EQ(m.current(), "a");
    EXPECT_EQ(m.state(), s);
  }
}

TEST(EsxCreate, HaltIsCheckedBeforeLocationExternal) {
  scenario::Create c{"a"};
  c.location = Location::kExternal;
  c.halt = true;
  Model m = MakeModel(Profile::kEsx, PowerState::kRunning);
  Fails(m, c, ErrorClass::kInvalidArg);
}

TEST(EsxCreate, ThirtyThirdSnapshotInOneChainIsInternalError) {
  Model m = MakeModel(Profile::kEsx);
  for (int i = 0; i < 32; ++i) Ok(m, Create("s" + std::to_string(i)));
  Fails(m, Create("s32"), ErrorClass::kInternalError);
  // A sibling branch off the middle is a shorter chain and still fine.
  Ok(m, Revert("s10"));
  Ok(m, Create("side"));
}

TEST(EsxDelete, AnyPowerState) {
  Model m = MakeModel(Profile::kEsx, PowerState::kRunning);
  Ok(m, Create("a"));
  Ok(m, Pause{});
  Ok(m, Delete("a"));
  EXPECT_EQ(m.current(), std::nullopt);
}

TEST(EsxDelete, PlainMovesChildrenToParentAndCurrentToParent) {
  Model m = MakeModel(Profile::kEsx);
  Ok(m, Create("a"));
  Ok(m, Create("b"));
  Ok(m, Create("c"));
  Ok(m, Revert("b"));
  Ok(m, Delete("b"));
  EXPECT_EQ(m.current(), "a");
  EXPECT_EQ(m.Forest(), Node({{"a", Node({{"c", Leaf()}})}}));
}

TEST(EsxDelete, CurrentRootLeavesNoCurrent) {
  Model m = MakeModel(Profile::kEsx);
  Ok(m, Create("a"));
  Ok(m, Delete("a"));
  EXPECT_EQ(m.current(), std::nullopt);
  EXPECT_EQ(m.Forest(), Node({}));
}

TEST(EsxDelete, ChildrenRemovesSubtreeAndCurrentGoesToTargetsParent) {
  Model m = MakeModel(Profile::kEsx);
  Ok(m, Create("a"));
  Ok(m, Create("b"));
  Ok(m, Create("c"));
  scenario::Delete d{"b"};
  d.children = true;
  Ok(m, d);
  EXPECT_EQ(m.current(), "a");
  EXPECT_EQ(m.Forest(), Node({{"a", Leaf()}}));
}

TEST(EsxDelete, ChildrenOnlyIsInvalidArg) {
  Model m = MakeModel(Profile::kEsx);
  Ok(m, Create("a"));
  scenario::Delete d{"a"};
  d.children_only = true;
  Fails(m, d, ErrorClass::kInvalidArg);
}

TEST(EsxDelete, MetadataOnlySucceedsAndChangesNothing) {
  Model m = MakeModel(Profile::kEsx);
  Ok(m, Create("a"));
  const std::string before = m.Canonical();
  scenario::Delete d{"a"};
  d.metadata_only = true;
  Ok(m, d);
  EXPECT_EQ(m.Canonical(), before);
}

TEST(EsxDelete, UnknownNameIsNoDomainSnapshot) {
  Model m = MakeModel(Profile::kEsx);
  Fails(m, Delete("nosuch"), ErrorClass::kNoDomainSnapshot);
}

TEST(EsxDelete, ChildDeltaConsolidatesIntoParentAndViewsStay) {
  Model m = MakeModel(Profile::kEsx, PowerState::kRunning);
  Ok(m, WriteFill(0, 65536, 0xA1));
  Ok(m, Create("a"));
  Ok(m, WriteFill(65536, 65536, 0xB2));
  Ok(m, Create("b"));
  Ok(m, WriteFill(131072, 4096, 0xC3));
  const merge::ExtentMap current = m.CurrentView("vda");
  const merge::ExtentMap a = *m.SnapshotView("a", "vda");
  ASSERT_EQ(m.Layers("vda").size(), 3u);  // base, delta (after a), delta (after b)
  Ok(m, Delete("b"));
  const auto layers = m.Layers("vda");
  ASSERT_EQ(layers.size(), 2u);
  // The delta after b (the C3 write) was folded into the delta ending at b.
  EXPECT_EQ(layers[1].backing, layers[0].id);
  EXPECT_NE(layers[1].content.Find(131072), nullptr);
  EXPECT_NE(layers[1].content.Find(65536), nullptr);
  EXPECT_TRUE(merge::SameContent(m.CurrentView("vda"), current));
  EXPECT_TRUE(merge::SameContent(*m.SnapshotView("a", "vda"), a));
  EXPECT_TRUE(m.CheckConsistency().ok());
}

TEST(EsxDisk, DeltaSharedByTwoBranchesIsKeptThenConsolidated) {
  Model m = MakeModel(Profile::kEsx);
  Ok(m, WriteFill(0, 4096, 0x01));
  Ok(m, Create("a"));
  Ok(m, WriteFill(4096, 4096, 0x02));
  Ok(m, Create("b"));
  Ok(m, Revert("a"));  // a's delta now carries b's delta and the new writable delta
  Ok(m, Delete("a"));  // current with a child: its delta stays, shared by two branches
  EXPECT_EQ(m.Layers("vda").size(), 3u);
  EXPECT_TRUE(m.CheckConsistency().ok());
  Ok(m, Revert("b"));  // the branch off a's old delta goes: one dependent left, merged
  EXPECT_EQ(m.Layers("vda").size(), 2u);
  EXPECT_TRUE(merge::SameContent(m.CurrentView("vda"), *m.ViewWhenTaken("b", "vda")));
  EXPECT_TRUE(m.CheckConsistency().ok());
}

TEST(EsxRevert, RunningPausedForceAreInvalidArg) {
  Model m = MakeModel(Profile::kEsx);
  Ok(m, Create("a"));
  for (int flag = 0; flag < 3; ++flag) {
    scenario::Revert r{"a"};
    (flag == 0 ? r.running : flag == 1 ? r.paused : r.force) = true;
    Fails(m, r, ErrorClass::kInvalidArg);
  }
}

TEST(EsxRevert, RunningSnapshotPowersAnOffDomainOn) {
  Model m = MakeModel(Profile::kEsx, PowerState::kRunning);
  Ok(m, Create("a"));
  Ok(m, Shutdown{});
  Ok(m, Revert("a"));
  EXPECT_EQ(m.state(), PowerState::kRunning);
}

TEST(EsxRevert, EndsInRecordedStateShutoffAndPaused) {
  Model m = MakeModel(Profile::kEsx);
  Ok(m, Create("off"));
  Ok(m, Start{});
  Ok(m, Pause{});
  Ok(m, Create("paused"));
  Ok(m, Revert("off"));
  EXPECT_EQ(m.state(), PowerState::kShutoff);
  Ok(m, Revert("paused"));
  EXPECT_EQ(m.state(), PowerState::kPaused);
}

TEST(EsxRevert, SuppressPowerOnEndsPausedOrShutoff) {
  Model m = MakeModel(Profile::kEsx, PowerState::kRunning);
  Ok(m, Create("on"));
  Ok(m, Shutdown{});
  Ok(m, Create("off"));
  scenario::Revert r{"on"};
  r.suppress_power_on = true;
  Ok(m, r);
  EXPECT_EQ(m.state(), PowerState::kPaused);
  r.name = "off";
  Ok(m, r);
  EXPECT_EQ(m.state(), PowerState::kShutoff);
}

TEST(EsxRevert, UnknownNameIsNoDomainSnapshot) {
  Model m = MakeModel(Profile::kEsx);
  Fails(m, Revert("nosuch"), ErrorClass::kNoDomainSnapshot);
}

TEST(EsxRevert, DiscardsWritesSinceTheSnapshot) {
  Model m = MakeModel(Profile::kEsx);
  Ok(m, WriteFill(0, 4096, 0x11));
  Ok(m, Create("a"));
  Ok(m, WriteFill(0, 8192, 0x22));
  Ok(m, Revert("a"));
  EXPECT_TRUE(merge::SameContent(m.CurrentView("vda"), *m.ViewWhenTaken("a", "vda")));
  EXPECT_TRUE(m.CheckConsistency().ok());
}

TEST(EsxDiscard, RevertsWithSuppressPowerOnThenDeletesWithChildren) {
  Model m = MakeModel(Profile::kEsx, PowerState::kRunning);
  Ok(m, Create("a"));
  Ok(m, Create("b"));
  Ok(m, Create("c"));
  scenario::Delete d{"b"};
  d.discard = true;
  d.suppress_power_on = true;
  Ok(m, d);
  EXPECT_EQ(m.state(), PowerState::kPaused);
  EXPECT_EQ(m.current(), "a");
  EXPECT_EQ(m.Forest(), Node({{"a", Leaf()}}));
  EXPECT_TRUE(merge::SameContent(m.CurrentView("vda"), *m.ViewWhenTaken("b", "vda")));
}

TEST(EsxDiscard, FailedRevertChangesNothing) {
  Model m = MakeModel(Profile::kEsx);
  Ok(m, Create("a"));
  scenario::Delete d{"nosuch"};
  d.discard = true;
  Fails(m, d, ErrorClass::kNoDomainSnapshot);
}

}  // namespace
}  // namespace snapsim::model
