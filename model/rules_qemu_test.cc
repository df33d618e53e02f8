// One test per §8 qemu row (reference/semantics.md), named after the row.
#include <gtest/gtest.h>

#include "model/testing/model_harness.h"

namespace snapsim::model {
namespace {

using namespace testing;  // NOLINT
using scenario::Location;
using scenario::MemoryMode;

scenario::Create External(std::string name) {
  scenario::Create c{std::move(name)};
  c.disk_only = true;
  return c;
}

TEST(QemuCreate, RunningPausedOrShutoff) {
  for (PowerState s : {PowerState::kShutoff, PowerState::kRunning, PowerState::kPaused}) {
    Model m = MakeModel(Profile::kQemu, s);
    Ok(m, Create("a"));
    EXPECT_EQ(m.state(), s);
  }
}

TEST(QemuCreate, InternalOnActiveDomainWithMemoryNoIsOperationUnsupported) {
  scenario::Create c{"a"};
  c.memory = MemoryMode::kNo;
  Model m = MakeModel(Profile::kQemu, PowerState::kRunning);
  Fails(m, c, ErrorClass::kOperationUnsupported);
}

TEST(QemuCreate, InternalOnActiveDomainAlwaysIncludesMemory) {
  Model m = MakeModel(Profile::kQemu, PowerState::kPaused);
  Ok(m, Create("a"));
  EXPECT_TRUE(m.Snapshots()[0].memory);
  EXPECT_EQ(m.Snapshots()[0].recorded, "paused");
}

TEST(QemuCreate, NameWithSlashOrLeadingDotIsXmlDetail) {
  Model m = MakeModel(Profile::kQemu);
  Fails(m, Create("a/b"), ErrorClass::kXmlDetail);
  Fails(m, Create(".a"), ErrorClass::kXmlDetail);
}

TEST(QemuCreate, DuplicateNameIsOperationFailed) {
  Model m = MakeModel(Profile::kQemu);
  Ok(m, Create("a"));
  Fails(m, Create("a"), ErrorClass::kOperationFailed);
}

TEST(QemuCreate, ExternalOnActiveDomainKeepsStateAndRecordsDiskSnapshot) {
  Model m = MakeModel(Profile::kQemu, PowerState::kRunning);
  Ok(m, External("a"));
  EXPECT_EQ(m.state(), PowerState::kRunning);
  EXPECT_EQ(m.Snapshots()[0].recorded, "disk-snapshot");
  EXPECT_TRUE(m.Snapshots()[0].external);
  scenario::Create located{"b"};
  located.location = Location::kExternal;
  Ok(m, located);
  EXPECT_TRUE(m.Snapshots()[1].external);
}

TEST(QemuCreate, ExternalOfflineRecordsShutoff) {
  Model m = MakeModel(Profile::kQemu);
  Ok(m, External("a"));
  EXPECT_EQ(m.Snapshots()[0].recorded, "shutoff");
}

TEST(QemuCreate, MemoryYesOnShutoffDomainIsXmlErrorBeforeTheName) {
  // libvirt 9.0's XML parser, seen on libvirt-qemu (docs/model.md decision 21).
  scenario::Create c{"a"};
  c.memory = MemoryMode::kYes;
  Model m = MakeModel(Profile::kQemu);
  Fails(m, c, ErrorClass::kXmlError);
  c.name = ".x";
  Fails(m, c, ErrorClass::kXmlError);
}

TEST(QemuCreate, MemoryYesWithDiskOnlyIsXmlErrorInEveryState) {
  for (PowerState s : {PowerState::kShutoff, PowerState::kRunning, PowerState::kPaused}) {
    scenario::Create c = External(".a");  // the XML parser comes before the name's syntax
    c.memory = MemoryMode::kYes;
    Model m = MakeModel(Profile::kQemu, s);
    Fails(m, c, ErrorClass::kXmlError);
  }
}

TEST(QemuCreate, HaltShutsOffAndRecordsTheStateBefore) {
  scenario::Create c{"a"};
  c.halt = true;
  Model m = MakeModel(Profile::kQemu, PowerState::kRunning);
  Ok(m, c);
  EXPECT_EQ(m.state(), PowerState::kShutoff);
  EXPECT_EQ(m.Snapshots()[0].recorded, "running");
}

TEST(QemuCreate, QuiesceWithoutDiskOnlyIsInvalidArg) {
  scenario::Create c{"a/b"};  // the bad name is checked after flags
  c.quiesce = true;
  Model m = MakeModel(Profile::kQemu, PowerState::kRunning);
  Fails(m, c, ErrorClass::kInvalidArg);
}

TEST(QemuCreate, QuiesceWithDiskOnlyAsksTheAgentOnlyWhenActive) {
  scenario::Create c = External("a");
  c.quiesce = true;
  Model running = MakeModel(Profile::kQemu, PowerState::kRunning);
  Fails(running, c, ErrorClass::kArgumentUnsupported);  // no agent configured
  Model paused = MakeModel(Profile::kQemu, PowerState::kPaused);
  Fails(paused, c, ErrorClass::kOperationInvalid);  // the agent needs a running domain
  Model off = MakeModel(Profile::kQemu);
  Ok(off, c);  // offline the agent is never asked
  EXPECT_EQ(off.Forest(), Node({{"a", Leaf()}}));
}

TEST(QemuDeleteInternal, AnyPowerStateNoDataMovesChildrenToParent) {
  Model m = MakeModel(Profile::kQemu, PowerState::kRunning);
  Ok(m, WriteFill(0, 4096, 0x10));
  Ok(m, Create("a"));
  Ok(m, WriteFill(0, 4096, 0x20));
  Ok(m, Create("b"));
  const auto tables_before = m.Layers("vda").size();  // active + 2 tables
  Ok(m, Delete("a"));
  EXPECT_EQ(m.Forest(), Node({{"b", Leaf()}}));
  EXPECT_EQ(m.Layers("vda").size(), tables_before - 1);
  for (const Layer& l : m.Layers("vda")) EXPECT_FALSE(l.backing.has_value());  // independent tables
  EXPECT_TRUE(m.CheckConsistency().ok());
}

TEST(QemuDeleteInternal, CurrentMovesToParent) {
  Model m = MakeModel(Profile::kQemu);
  Ok(m, Create("a"));
  Ok(m, Create("b"));
  Ok(m, Delete("b"));
  EXPECT_EQ(m.current(), "a");
}

TEST(QemuDeleteInternal, ChildrenOnlyMovesCurrentToTarget) {
  Model m = MakeModel(Profile::kQemu);
  Ok(m, Create("a"));
  Ok(m, Create("b"));
  scenario::Delete d{"a"};
  d.children_only = true;
  Ok(m, d);
  EXPECT_EQ(m.current(), "a");
  EXPECT_EQ(m.Forest(), Node({{"a", Leaf()}}));
}

TEST(QemuDeleteInternal, ChildrenMovesCurrentToTargetsParent) {
  Model m = MakeModel(Profile::kQemu);
  Ok(m, Create("a"));
  Ok(m, Create("b"));
  Ok(m, Create("c"));
  scenario::Delete d{"b"};
  d.children = true;
  Ok(m, d);
  EXPECT_EQ(m.current(), "a");
}

TEST(QemuDelete, MetadataOnlyTreeAsPlainImagesUntouched) {
  Model m = MakeModel(Profile::kQemu);
  Ok(m, Create("a"));
  const auto layers = m.Layers("vda").size();
  scenario::Delete d{"a"};
  d.metadata_only = true;
  Ok(m, d);
  EXPECT_EQ(m.current(), std::nullopt);
  EXPECT_EQ(m.Layers("vda").size(), layers);  // the table stays in the image
}

TEST(QemuCreate, NoMetadataTakesTheImagesAndKeepsCurrent) {  // decision 33
  for (PowerState state : {PowerState::kShutoff, PowerState::kRunning}) {
    Model m = MakeModel(Profile::kQemu, state);
    Ok(m, Create("a"));
    const auto layers = m.Layers("vda").size();
    scenario::Create n{"n"};
    n.no_metadata = true;
    Ok(m, n);
    EXPECT_EQ(m.current(), "a");
    EXPECT_EQ(m.Forest(), Node({{"a", Leaf()}}));
    EXPECT_EQ(m.Layers("vda").size(), layers + 1);  // n's table or overlay stays
    EXPECT_NE(m.ViewWhenTaken("n", "vda"), nullptr);
    n.name = "a";
    Ok(m, n);  // a taken name is not checked: the snapshot never enters the list
    EXPECT_EQ(m.Forest(), Node({{"a", Leaf()}}));
    Ok(m, Create("n"));  // and an unlisted one can be taken with metadata
    EXPECT_EQ(m.Forest(), Node({{"a", Node({{"n", Leaf()}})}}));
  }
}

TEST(QemuDelete, UnknownNameIsNoDomainSnapshot) {
  Model m = MakeModel(Profile::kQemu);
  Fails(m, Delete("x"), ErrorClass::kNoDomainSnapshot);
}

TEST(QemuDeleteExternal, ChildrenWithExternalInTheSetIsConfigUnsupported) {
  Model m = MakeModel(Profile::kQemu);
  Ok(m, Create("a"));
  Ok(m, External("b"));
  scenario::Delete d{"a"};
  d.children_only = true;
  Fails(m, d, ErrorClass::kConfigUnsupported);
  d.children_only = false;
  d.children = true;
  Fails(m, d, ErrorClass::kConfigUnsupported);
}

scenario::Delete MetadataOnly(std::string name) {
  scenario::Delete d{std::move(name)};
  d.metadata_only = true;
  return d;
}

// a (external) -> b -> c (internal); reverting to b and dropping b's metadata leaves `a`
// current with b's children under it (external snapshots cannot be reverted to).
Model ExternalCurrentWithChildren() {
  Model m = MakeModel(Profile::kQemu);
  Ok(m, External("a"));
  Ok(m, Create("b"));
  Ok(m, Create("c"));
  Ok(m, Revert("b"));
  Ok(m, Create("d"));
  Ok(m, Revert("b"));
  Ok(m, MetadataOnly("b"));  // c and d move under a; current becomes a
  return m;
}

TEST(QemuDeleteExternal, CurrentWithChildrenIsCommitted) {
  Model m = ExternalCurrentWithChildren();
  ASSERT_EQ(m.current(), "a");
  Ok(m, Delete("a"));  // libvirt 9.0 has no "not a leaf" refusal
  EXPECT_EQ(m.current(), std::nullopt);
  EXPECT_EQ(m.Forest(), Node({{"c", Leaf()}, {"d", Leaf()}}));
  EXPECT_TRUE(m.CheckConsistency().ok());
}

TEST(QemuDeleteExternal, OverlayOffTheActiveChainIsInvalidArg) {
  for (bool with_child : {false, true}) {
    Model m = MakeModel(Profile::kQemu);
    Ok(m, Create("x"));
    Ok(m, External("a"));
    if (with_child) Ok(m, Create("b"));
    Ok(m, Revert("x"));  // the domain is back on the image a froze: a's overlay is gone
    // Before the rule for a's internal parent x, which would be operation-unsupported.
    Fails(m, Delete("a"), ErrorClass::kInvalidArg);
  }
}

TEST(QemuDeleteExternal, MoreThanOneChildIsAccepted) {
  Model m = ExternalCurrentWithChildren();
  Ok(m, Create("e"));  // a: c, d, e; current e, so a is in the active chain
  Ok(m, Delete("a"));
  EXPECT_EQ(m.Forest(), Node({{"c", Leaf()}, {"d", Leaf()}, {"e", Leaf()}}));
  EXPECT_TRUE(m.CheckConsistency().ok());
}

TEST(QemuDeleteExternal, ChildrenOnlyOfExternalWithInternalDescendantsIsAccepted) {
  Model m = MakeModel(Profile::kQemu);
  Ok(m, External("a"));
  Ok(m, Create("b"));
  scenario::Delete d{"a"};
  d.children_only = true;
  Ok(m, d);
  EXPECT_EQ(m.Forest(), Node({{"a", Leaf()}}));
  d.children_only = false;
  d.children = true;  // the target itself is external: refused even without descendants
  Fails(m, d, ErrorClass::kConfigUnsupported);
}

TEST(QemuDeleteInternal, OnAnActiveDomainOnlyFromTheImageInUse) {
  for (PowerState s : {PowerState::kRunning, PowerState::kPaused}) {
    Model m = MakeModel(Profile::kQemu, s);
    Ok(m, Create("i"));
    Ok(m, External("x"));  // the domain now writes to x's overlay; i stays in the base
    scenario::Delete d{"i"};
    d.children = true;  // checked before the flags
    Fails(m, d, ErrorClass::kOperationUnsupported);
    Fails(m, Delete("i"), ErrorClass::kOperationUnsupported);
    Ok(m, Create("j"));  // taken in the overlay in use
    Ok(m, Delete("j"));
  }
  Model off = MakeModel(Profile::kQemu);
  Ok(off, Create("i"));
  Ok(off, External("x"));
  Ok(off, Delete("i"));  // offline libvirt runs qemu-img on every image
}

TEST(QemuDeleteExternal, ParentInternalIsOperationUnsupported) {
  Model m = MakeModel(Profile::kQemu);
  Ok(m, Create("x"));
  Ok(m, External("a"));
  Fails(m, Delete("a"), ErrorClass::kOperationUnsupported);
}

TEST(QemuDeleteExternal, CommitsOverlayIntoSnapshotImage) {
  Model m = MakeModel(Profile::kQemu, PowerState::kRunning);
  Ok(m, WriteFill(0, 4096, 0x0A));
  Ok(m, External("a"));
  Ok(m, WriteFill(4096, 4096, 0x0B));
  Ok(m, External("b"));
  Ok(m, WriteFill(8192, 4096, 0x0C));
  const merge::ExtentMap b = *m.SnapshotView("b", "vda");
  const merge::ExtentMap current = m.CurrentView("vda");
  ASSERT_EQ(m.Layers("vda").size(), 3u);
  Ok(m, Delete("a"));
  const auto layers = m.Layers("vda");
  ASSERT_EQ(layers.size(), 2u);
  EXPECT_EQ(layers[0].id, "base");  // the overlay after a was committed down into base
  EXPECT_NE(layers[0].content.Find(4096), nullptr);
  EXPECT_TRUE(merge::SameContent(*m.SnapshotView("b", "vda"), b));
  EXPECT_TRUE(merge::SameContent(m.CurrentView("vda"), current));
  EXPECT_EQ(m.Forest(), Node({{"b", Leaf()}}));
  EXPECT_TRUE(m.CheckConsistency().ok());
}

TEST(QemuRevert, ForceIsAcceptedAndChangesNothing) {
  Model m = MakeModel(Profile::kQemu, PowerState::kRunning);
  Ok(m, Create("a"));
  scenario::Revert r{"a"};
  r.force = true;
  Ok(m, r);
  EXPECT_EQ(m.state(), PowerState::kRunning);
}

TEST(QemuRevert, MemorySnapshotEndsRunningOrPausedAsRecordedOrAsked) {
  Model m = MakeModel(Profile::kQemu, PowerState::kPaused);
  Ok(m, Create("p"));
  Ok(m, Resume{});
  Ok(m, Create("r"));
  Ok(m, Shutdown{});
  Ok(m, Revert("p"));
  EXPECT_EQ(m.state(), PowerState::kPaused);
  scenario::Revert running{"p"};
  running.running = true;
  Ok(m, running);
  EXPECT_EQ(m.state(), PowerState::kRunning);
  scenario::Revert paused{"r"};
  paused.paused = true;
  Ok(m, paused);
  EXPECT_EQ(m.state(), PowerState::kPaused);
  Ok(m, Revert("r"));
  EXPECT_EQ(m.state(), PowerState::kRunning);
}

TEST(QemuRevert, ShutoffSnapshotEndsShutoffUnlessRunningOrPausedBootIt) {
  Model m = MakeModel(Profile::kQemu);
  Ok(m, Create("off"));
  Ok(m, Start{});
  Ok(m, Revert("off"));
  EXPECT_EQ(m.state(), PowerState::kShutoff);
  scenario::Revert r{"off"};
  r.paused = true;
  Ok(m, r);
  EXPECT_EQ(m.state(), PowerState::kPaused);
}

TEST(QemuRevert, ExternalIsConfigUnsupported) {
  Model m = MakeModel(Profile::kQemu);
  Ok(m, External("a"));
  Fails(m, Revert("a"), ErrorClass::kConfigUnsupported);
}

TEST(QemuRevert, SuppressPowerOnIsInvalidArg) {
  Model m = MakeModel(Profile::kQemu);
  Ok(m, Create("a"));
  scenario::Revert r{"a"};
  r.suppress_power_on = true;
  Fails(m, r, ErrorClass::kInvalidArg);
}

TEST(QemuRevert, InternalTableCopiedIntoTheActiveTable) {
  Model m = MakeModel(Profile::kQemu);
  Ok(m, WriteFill(0, 4096, 0x31));
  Ok(m, Create("a"));
  Ok(m, WriteFill(0, 4096, 0x32));
  Ok(m, Revert("a"));
  EXPECT_TRUE(merge::SameContent(m.CurrentView("vda"), *m.SnapshotView("a", "vda")));
  EXPECT_EQ(m.Layers("vda").size(), 2u);  // the active table and a's table
  EXPECT_TRUE(m.CheckConsistency().ok());
}

}  // namespace
}  // namespace snapsim::model
