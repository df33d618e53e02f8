#include "model/explore.h"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace snapsim::model
