#include "model/forest.h"

#include <gtest/gtest.h>

namespace snapsim::model {
namespace {

using scenario::Location;

Forest Chain(std::initializer_list<const char*> names) {
  Forest f;
  for (const char* n : names) f.Add(n, Recorded::kShutoff, false, Location::kInternal);
  return f;
}

TEST(ForestTest, NewSnapshotIsChildOfCurrentAndBecomesCurrent) {
  Forest f = Chain({"a", "b"});
  const NodeId b = f.current();
  EXPECT_EQ(f.node(b).name, "b");
  EXPECT_EQ(f.node(f.node(b).parent).name, "a");
  EXPECT_TRUE(f.CheckWellFormed().ok());
}

TEST(ForestTest, RemoveSpliceMovesChildrenToParentInCreationOrder) {
  Forest f = Chain({"a", "b", "c"});
  const NodeId a = f.Find("a", Profile::kTest);
  const NodeId b = f.Find("b", Profile::kTest);
  f.set_current(a);
  f.Add("d", Recorded::kShutoff, false, Location::kInternal);  // a: b, d
  f.RemoveSplice(b);                                           // a: c, d (c is older)
  ASSERT_EQ(f.node(a).children.size(), 2u);
  EXPECT_EQ(f.node(f.node(a).children[0]).name, "c");
  EXPECT_EQ(f.node(f.node(a).children[1]).name, "d");
  EXPECT_TRUE(f.CheckWellFormed().ok());
}

TEST(ForestTest, RemoveSubtreeMovesCurrentToTargetOrItsParent) {
  Forest f = Chain({"a", "b", "c"});
  const NodeId b = f.Find("b", Profile::kTest);
  f.RemoveSubtree(b, /*keep_root=*/true);
  EXPECT_EQ(f.current(), b);
  f.Add("x", Recorded::kShutoff, false, Location::kInternal);
  f.RemoveSubtree(b, /*keep_root=*/false);
  EXPECT_EQ(f.node(f.current()).name, "a");
  EXPECT_EQ(f.size(), 1u);
  EXPECT_TRUE(f.CheckWellFormed().ok());
}

TEST(ForestTest, EsxFindsFirstMatchDepthFirstVboxBreadthFirst) {
  // r -> (x -> dup), dup : depth-first finds the deep one, breadth-first the shallow one.
  Forest f = Chain({"r", "x", "dup"});
  f.set_current(f.Find("r", Profile::kEsx));
  f.Add("dup", Recorded::kShutoff, false, Location::kInternal);
  const NodeId deep = f.Find("dup", Profile::kEsx);
  const NodeId shallow = f.Find("dup", Profile::kVbox);
  EXPECT_NE(deep, shallow);
  EXPECT_EQ(f.Depth(deep), 3);
  EXPECT_EQ(f.Depth(shallow), 2);
}

TEST(ForestTest, SlotsAreReusedButSerialsNeverRepeat) {
  Forest f = Chain({"a"});
  const NodeId a = f.current();
  const uint64_t serial = f.node(a).serial;
  f.RemoveSplice(a);
  const NodeId b = f.Add("b", Recorded::kShutoff, false, Location::kInternal);
  EXPECT_EQ(a, b);
  EXPECT_GT(f.node(b).serial, serial);
  EXPECT_EQ(f.roots().size(), 1u);
}

}  // namespace
}  // namespace snapsim::model
