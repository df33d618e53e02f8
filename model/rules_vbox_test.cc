// One test per §8 vbox row (reference/semantics.md), named after the row.
#include <gtest/gtest.h>

#include "model/testing/model_harness.h"

namespace snapsim::model {
namespace {

using namespace testing;  // NOLINT
using scenario::MemoryMode;

TEST(VboxCreate, AnyPowerStateRecordedRunningWhenRunningOrPaused) {
  Model m = MakeModel(Profile::kVbox, PowerState::kPaused);
  Ok(m, Create("p"));
  Ok(m, Shutdown{});
  Ok(m, Create("s"));
  EXPECT_EQ(m.Snapshots()[0].recorded, "running");
  EXPECT_EQ(m.Snapshots()[1].recorded, "shutoff");
}

TEST(VboxCreate, MemoryIsIgnored) {
  scenario::Create c{"a"};
  c.memory = MemoryMode::kNo;
  Model m = MakeModel(Profile::kVbox, PowerState::kRunning);
  Ok(m, c);
  EXPECT_EQ(m.Snapshots()[0].recorded, "running");
}

TEST(VboxCreate, DiskOnlyHaltQuiesceExternalAreInvalidArg) {
  Model m = MakeModel(Profile::kVbox, PowerState::kRunning);
  for (int flag = 0; flag < 4; ++flag) {
    scenario::Create c{"a"};
    if (flag == 0) c.disk_only = true;
    if (flag == 1) c.halt = true;
    if (flag == 2) c.quiesce = true;
    if (flag == 3) c.location = scenario::Location::kExternal;
    Fails(m, c, ErrorClass::kInvalidArg);
  }
}

TEST(VboxCreate, DuplicateNamesAllowedFirstMatchBreadthFirst) {
  Model m = MakeModel(Profile::kVbox);
  Ok(m, Create("r"));
  Ok(m, Create("x"));
  Ok(m, WriteFill(0, 512, 0xDD));
  Ok(m, Create("x"));  // r -> x -> x
  EXPECT_EQ(m.Forest(), Node({{"r", Node({{"x", Node({{"x", Leaf()}})}})}}));
  // The shallow x (taken before the write) is the one a name finds.
  EXPECT_EQ(m.SnapshotView("x", "vda")->Find(0), nullptr);
  Ok(m, Revert("x"));
  EXPECT_EQ(m.CurrentView("vda").Find(0), nullptr);
}

TEST(VboxCreate, TwoHundredFiftyFirstInOneChainIsInternalError) {
  Model m = MakeModel(Profile::kVbox);
  for (int i = 0; i < 250; ++i) Ok(m, Create("s"));
  Fails(m, Create("s"), ErrorClass::kInternalError);
}

TEST(VboxCreate, OneRootOnly) {
  Model m = MakeModel(Profile::kVbox);
  Ok(m, Create("a"));
  Ok(m, Create("b"));
  Ok(m, Delete("b"));
  Ok(m, Delete("a"));
  Ok(m, Create("c"));
  EXPECT_EQ(m.Forest().children.size(), 1u);
}

TEST(VboxDelete, RunningOrPausedIsOperationInvalid) {
  Model m = MakeModel(Profile::kVbox, PowerState::kRunning);
  Ok(m, Create("a"));
  Fails(m, Delete("a"), ErrorClass::kOperationInvalid);
  Ok(m, Pause{});
  Fails(m, Delete("a"), ErrorClass::kOperationInvalid);
}

TEST(VboxDelete, TheNameIsLookedUpBeforeFlagsAndPowerState) {
  Model m = MakeModel(Profile::kVbox, PowerState::kRunning);
  Fails(m, Delete("nosuch"), ErrorClass::kOperationInvalid);
  scenario::Delete d{"nosuch"};
  d.children_only = true;  // libvirt looks the name up before the call sees a flag
  Fails(m, d, ErrorClass::kOperationInvalid);
  Ok(m, Shutdown{});
  Ok(m, Create("a"));
  Ok(m, Start{});
  d.name = "a";  // a known name: flags come first
  Fails(m, d, ErrorClass::kInvalidArg);
}

TEST(VboxDelete, UnknownNameIsOperationInvalid) {
  Model m = MakeModel(Profile::kVbox);
  Fails(m, Delete("nosuch"), ErrorClass::kOperationInvalid);
}

TEST(VboxDelete, MoreThanOneChildIsInternalError) {
  Model m = MakeModel(Profile::kVbox);
  Ok(m, Create("a"));
  Ok(m, Create("b"));
  Ok(m, Revert("a"));
  Ok(m, Create("c"));
  Fails(m, Delete("a"), ErrorClass::kInternalError);
}

TEST(VboxDelete, CurrentWithAChildIsInternalError) {
  Model m = MakeModel(Profile::kVbox);
  Ok(m, Create("a"));
  Ok(m, Create("b"));
  Ok(m, Revert("a"));
  Fails(m, Delete("a"), ErrorClass::kInternalError);
}

TEST(VboxDelete, ChildrenDeletesLeavesFirst) {
  Model m = MakeModel(Profile::kVbox);
  Ok(m, Create("a"));
  Ok(m, Create("b"));
  Ok(m, Revert("a"));
  Ok(m, Create("c"));  // a: b, c; current c
  scenario::Delete d{"a"};
  d.children = true;
  Ok(m, d);
  EXPECT_EQ(m.Forest(), Node({}));
  EXPECT_EQ(m.current(), std::nullopt);
  EXPECT_TRUE(m.CheckConsistency().ok());
}

TEST(VboxDelete, ChildrenOnlyIsInvalidArg) {
  Model m = MakeModel(Profile::kVbox);
  Ok(m, Create("a"));
  scenario::Delete d{"a"};
  d.children_only = true;
  Fails(m, d, ErrorClass::kInvalidArg);
}

TEST(VboxDelete, MetadataOnlyOnSnapshotWithChildrenIsInternalError) {
  Model m = MakeModel(Profile::kVbox);
  Ok(m, Create("a"));
  Ok(m, Create("b"));
  scenario::Delete d{"a"};
  d.metadata_only = true;
  Fails(m, d, ErrorClass::kInternalError);
  d.name = "b";
  Ok(m, d);
  EXPECT_EQ(m.current(), "a");
}

TEST(VboxDisk, BaseWithOneChildMergesBackward) {
  Model m = MakeModel(Profile::kVbox);
  Ok(m, WriteFill(0, 4096, 0x01));
  Ok(m, Create("a"));
  Ok(m, WriteFill(4096, 4096, 0x02));
  const merge::ExtentMap current = m.CurrentView("vda");
  Ok(m, Delete("a"));
  const auto layers = m.Layers("vda");
  ASSERT_EQ(layers.size(), 1u);  // only the base remains
  EXPECT_EQ(layers[0].id, "base");
  EXPECT_NE(layers[0].content.Find(4096), nullptr);
  EXPECT_TRUE(merge::SameContent(m.CurrentView("vda"), current));
}

TEST(VboxDisk, DifferencingImageWithOneChildMergesForward) {
  Model m = MakeModel(Profile::kVbox);
  Ok(m, Create("a"));
  Ok(m, WriteFill(0, 4096, 0x01));
  Ok(m, Create("b"));  // base(a) <- diff-2(b) <- diff-3 (active)
  Ok(m, WriteFill(4096, 4096, 0x02));
  const merge::ExtentMap a = *m.SnapshotView("a", "vda");
  const std::string active_id = m.Layers("vda").back().id;
  Ok(m, Delete("b"));
  const auto layers = m.Layers("vda");
  ASSERT_EQ(layers.size(), 2u);
  // diff-2 merged forward into the active differencing image, which keeps its name.
  EXPECT_EQ(layers[1].id, active_id);
  EXPECT_EQ(layers[1].backing, "base");
  EXPECT_NE(layers[1].content.Find(0), nullptr);
  EXPECT_TRUE(merge::SameContent(*m.SnapshotView("a", "vda"), a));
  EXPECT_TRUE(m.CheckConsistency().ok());
}

TEST(VboxRevert, AnyFlagIsInvalidArg) {
  Model m = MakeModel(Profile::kVbox);
  Ok(m, Create("a"));
  for (int flag = 0; flag < 3; ++flag) {
    scenario::Revert r{"a"};
    (flag == 0 ? r.running : flag == 1 ? r.paused : r.force) = true;
    Fails(m, r, ErrorClass::kInvalidArg);
  }
}

TEST(VboxRevert, RunningOrPausedDomainIsOperationInvalid) {
  Model m = MakeModel(Profile::kVbox, PowerState::kRunning);
  Ok(m, Create("a"));
  Fails(m, Revert("a"), ErrorClass::kOperationInvalid);
}

TEST(VboxRevert, RunningSnapshotEndsRunningShutoffOneShutoff) {
  Model m = MakeModel(Profile::kVbox, PowerState::kPaused);
  Ok(m, Create("on"));
  Ok(m, Shutdown{});
  Ok(m, Create("off"));
  Ok(m, Revert("on"));
  EXPECT_EQ(m.state(), PowerState::kRunning);
  Ok(m, Shutdown{});
  Ok(m, Revert("off"));
  EXPECT_EQ(m.state(), PowerState::kShutoff);
}

TEST(VboxRevert, UnknownNameIsOperationInvalid) {
  Model m = MakeModel(Profile::kVbox);
  Fails(m, Revert("nosuch"), ErrorClass::kOperationInvalid);
}

}  // namespace
}  // namespace snapsim::model
