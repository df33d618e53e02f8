// snapsim learn: the rule table learned from the model under a profile is that profile's
// own, every other profile differs from it somewhere, a planted bug shows as rows that
// differ and replay as divergences, and nothing is random.
#include <gtest/gtest.h>

#include "simulator/model_backend.h"
#include "simulator/rule_comparison.h"
#include "simulator/testing/fault_injecting_backend.h"

namespace snapsim::simulator {
namespace {

LearnOptions Options(Profile header, int depth = 3) {
  LearnOptions options;
  options.header = header;
  options.depth = depth;
  options.names = 2;
  return options;
}

std::vector<TableComparison> CompareWithEveryProfile(const LearnOptions& options,
                                                     const RuleTable& table) {
  std::vector<TableComparison> comparisons;
  for (Profile p : kAllProfiles) {
    comparisons.push_back(CompareTables(table, LearnModelRules(options, p, table), p));
  }
  return comparisons;
}

TEST(LearnTest, EachProfileLearnedFromTheModelIsNearestToItselfAlone) {
  for (Profile profile : kAllProfiles) {
    SCOPED_TRACE(ProfileName(profile));
    ModelBackend model;
    const LearnOptions options = Options(profile);
    const RuleTable table = LearnRules(options, model);
    EXPECT_GT(table.rows.size(), 40u);
    EXPECT_GT(table.states, 10u);
    const auto comparisons = CompareWithEveryProfile(options, table);
    const TableComparison& nearest = Nearest(comparisons);
    EXPECT_EQ(nearest.profile, profile);
    EXPECT_TRUE(nearest.differences.empty()) << nearest.differences.front().situation;
    for (const TableComparison& other : comparisons) {
      if (other.profile != profile) {
        EXPECT_FALSE(other.differences.empty()) << ProfileName(other.profile);
      }
    }
  }
}

TEST(LearnTest, TheTableStatesEffectsRelativeToTheOperation) {
  ModelBackend model;
  const RuleTable table = LearnRules(Options(Profile::kEsx), model);
  EXPECT_EQ(table.EffectsOf("create | shutoff | new name"),
            "ok; current -> new; tree: added under current");
  EXPECT_EQ(table.EffectsOf("revert | shutoff | unknown"), "no-domain-snapshot");
  // ESX folds a deleted snapshot's children into its parent.
  EXPECT_NE(table.Text().find("children moved to target's parent"), std::string::npos)
      << table.Text();
}

TEST(LearnTest, APlantedBugDiffersAndReplaysAsADivergence) {
  testing::ForgetsCurrentOnDelete buggy;
  const LearnOptions options = Options(Profile::kEsx);
  const RuleTable table = LearnRules(options, buggy);
  const auto comparisons = CompareWithEveryProfile(options, table);
  const TableComparison& nearest = Nearest(comparisons);
  ASSERT_EQ(nearest.profile, Profile::kEsx);
  ASSERT_FALSE(nearest.differences.empty());
  const RuleTable model = LearnModelRules(options, Profile::kEsx, table);
  testing::ForgetsCurrentOnDelete replayer;
  auto explained = ExplainDifferences(options, nearest, table, model, replayer, {});
  ASSERT_EQ(explained.size(), nearest.differences.size());
  bool a_delete = false;
  for (const ExplainedDifference& e : explained) {
    EXPECT_EQ(e.example.hypervisor, Profile::kEsx);
    EXPECT_TRUE(e.finding.empty());
    a_delete = a_delete || e.row.situation.rfind("delete", 0) == 0;
  }
  EXPECT_TRUE(a_delete);
  EXPECT_NE(explained.front().explanation.find("new divergence"), std::string::npos)
      << explained.front().explanation;
  // A known-findings entry that matches turns the same difference into a known one.
  auto known = ParseKnownFindings("forgets-current F99 current", "known.txt", "forgets-current");
  ASSERT_TRUE(known.ok());
  explained = ExplainDifferences(options, nearest, table, model, replayer, *known);
  EXPECT_EQ(explained.front().finding, "F99") << explained.front().explanation;
}

TEST(LearnTest, TheSameOptionsLearnTheSameTableWithTheSameOperations) {
  ModelBackend first, second;
  const RuleTable a = LearnRules(Options(Profile::kQemu), first);
  const RuleTable b = LearnRules(Options(Profile::kQemu), second);
  EXPECT_EQ(a.Text(), b.Text());
  EXPECT_EQ(a.backend_ops, b.backend_ops);
}

TEST(LearnTest, MaxOpsBoundsTheSearch) {
  ModelBackend model;
  LearnOptions options = Options(Profile::kQemu);
  options.max_ops = 200;
  const RuleTable table = LearnRules(options, model);
  EXPECT_TRUE(table.budget_spent);
  EXPECT_LE(table.backend_ops, 200u + 8u);  // the last replay may run its path out
}

}  // namespace
}  // namespace snapsim::simulator
