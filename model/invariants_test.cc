// The invariant checker must catch what it promises to catch (else explore proves nothing).
#include "model/invariants.h"

#include <gtest/gtest.h>

#include "model/testing/model_harness.h"

namespace snapsim::model {
namespace {

using namespace testing;  // NOLINT

TEST(InvariantsTest, FailedOperationThatChangedStateIsCaught) {
  Model before = MakeModel(Profile::kEsx);
  Model after = before;
  Ok(after, Start{});
  const Status refused = Status::Error(ErrorClass::kOperationInvalid, "pretend");
  EXPECT_FALSE(
      CheckTransition(before, before.Canonical(), Start{}, refused, after, after.Canonical()).ok());
  EXPECT_TRUE(
      CheckTransition(before, before.Canonical(), Start{}, refused, before, before.Canonical())
          .ok());
}

TEST(InvariantsTest, DeleteThatChangedTheCurrentViewIsCaught) {
  Model before = MakeModel(Profile::kEsx);
  Ok(before, Create("a"));
  Ok(before, Create("b"));
  Model after = before;
  Ok(after, Delete("b"));
  EXPECT_TRUE(CheckTransition(before, before.Canonical(), Delete("b"), Status::Ok(), after,
                              after.Canonical())
                  .ok());
  Ok(after, WriteFill(0, 512, 0x77));  // as if the delete had changed the bytes
  const Status s = CheckTransition(before, before.Canonical(), Delete("b"), Status::Ok(), after,
                                   after.Canonical());
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("current view"), std::string::npos);
}

TEST(InvariantsTest, RevertThatMissedTheSnapshotIsCaught) {
  Model before = MakeModel(Profile::kQemu);
  Ok(before, Create("a"));
  Ok(before, WriteFill(0, 512, 0x66));
  Model after = before;  // "reverted" without restoring the bytes
  EXPECT_FALSE(CheckTransition(before, before.Canonical(), Revert("a"), Status::Ok(), after,
                               after.Canonical())
                   .ok());
  Ok(after, Revert("a"));
  EXPECT_TRUE(CheckTransition(before, before.Canonical(), Revert("a"), Status::Ok(), after,
                              after.Canonical())
                  .ok());
}

TEST(InvariantsTest, FailedDiscardMayKeepItsRevert) {
  // No profile's delete-with-children can fail once its revert succeeded, so the case is
  // built by hand: the reverted state reported with a delete error.
  Model before = MakeModel(Profile::kEsx);
  Ok(before, Create("a"));
  Ok(before, WriteFill(0, 512, 0x55));
  Model reverted = before;
  Ok(reverted, Revert("a"));
  scenario::Delete discard{"a"};
  discard.discard = true;
  const Status failed = Status::Error(ErrorClass::kInternalError, "pretend the delete failed");
  EXPECT_TRUE(
      CheckTransition(before, before.Canonical(), discard, failed, reverted, reverted.Canonical())
          .ok());
  Model other = reverted;
  Ok(other, Start{});
  EXPECT_FALSE(
      CheckTransition(before, before.Canonical(), discard, failed, other, other.Canonical()).ok());
}

}  // namespace
}  // namespace snapsim::model
