#include "model/explore.h"

#include <gtest/gtest.h>

#include "scenario/loader.h"
#include "scenario/writer.h"

namespace snapsim::model {
namespace {

TEST(ExploreTest, SmallSearchIsDeterministicAndHolds) {
  ExploreOptions o;
  o.profile = Profile::kQemu;
  o.depth = 3;
  o.names = 2;
  const ExploreResult a = Explore(o);
  const ExploreResult b = Explore(o);
  EXPECT_FALSE(a.violation.has_value()) << a.violation->message;
  EXPECT_EQ(a.states, b.states);
  EXPECT_EQ(a.states_per_depth, b.states_per_depth);
  EXPECT_GT(a.states, 10u);
  EXPECT_EQ(a.transitions, (a.states - a.states_per_depth.back()) * ExploreAlphabet(o).size());
}

TEST(ExploreTest, PathScenarioReplaysWithErrors) {
  ExploreOptions o;
  scenario::Step refused{scenario::Shutdown{}, ErrorClass::kOperationInvalid, {}};
  scenario::Step create{scenario::Create{"a"}, std::nullopt, {}};
  const std::string yaml = scenario::WriteScenario(PathScenario(o, {refused, create}, "example"));
  EXPECT_NE(yaml.find("hypervisor: esx"), std::string::npos);
  EXPECT_NE(yaml.find("operation-invalid"), std::string::npos);
  EXPECT_NE(yaml.find("create: a"), std::string::npos);
}

TEST(ExploreTest, BrokenInvariantYieldsShortestReplayableScenario) {
  ExploreOptions o;
  o.profile = Profile::kVbox;
  o.depth = 6;
  o.names = 2;
  // Pretend "b may never be a child of a": shortest path is create a, create b.
  o.extra_check = [](const Model& m) {
    for (const auto& s : m.Snapshots()) {
      if (s.name == "b" && s.parent_serial != 0)
        return Status::Error(ErrorClass::kInternalError, "b under a");
    }
    return Status::Ok();
  };
  const ExploreResult result = Explore(o);
  ASSERT_TRUE(result.violation.has_value());
  EXPECT_EQ(result.violation->message, "b under a");
  const std::string yaml = scenario::WriteScenario(result.violation->scenario);
  auto loaded = scenario::LoadScenarioText(yaml, "counterexample.yaml");
  ASSERT_TRUE(std::holds_alternative<scenario::Scenario>(loaded)) << yaml;
  const auto& s = std::get<scenario::Scenario>(loaded);
  ASSERT_EQ(s.steps.size(), 2u) << yaml;
  // Replaying the file on a fresh model reproduces the path and the broken condition.
  Model m(s);
  for (const auto& step : s.steps) EXPECT_EQ(m.Apply(step.action).ok(), !step.error.has_value());
  EXPECT_FALSE(o.extra_check(m).ok());
}

}  // namespace
}  // namespace snapsim::model
