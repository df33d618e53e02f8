// snapsim explore --backend: every transition of the model's graph is checked on the
// backend, a planted bug comes back once as its shortest scenario, and nothing is random.
#include <set>

#include <gtest/gtest.h>

#include "scenario/loader.h"
#include "scenario/writer.h"
#include "simulator/backend_explorer.h"
#include "simulator/explore_alphabet.h"
#include "simulator/model_backend.h"
#include "simulator/runner.h"
#include "simulator/testing/fault_injecting_backend.h"

namespace snapsim::simulator {
namespace {

BackendExploreOptions Options(Profile profile, int depth, int names) {
  BackendExploreOptions options;
  options.model.profile = profile;
  options.model.depth = depth;
  options.model.names = names;
  return options;
}

BackendMaker Forgetful() {
  return [] { return std::make_unique<testing::ForgetsCurrentOnDelete>(); };
}

// Loads the written text back, as `snapsim run` would.
scenario::Scenario Reloaded(const scenario::Scenario& written) {
  auto loaded = scenario::LoadScenarioText(scenario::WriteScenario(written), "explore.yaml");
  EXPECT_TRUE(std::holds_alternative<scenario::Scenario>(loaded))
      << scenario::WriteScenario(written);
  return std::holds_alternative<scenario::Scenario>(loaded) ? std::get<scenario::Scenario>(loaded)
                                                            : written;
}

TEST(BackendExploreTest, TheModelAgreesWithItselfOnEveryTransition) {
  const auto report = ExploreBackend(Options(Profile::kQemu, 3, 2),
                                     [] { return std::make_unique<ModelBackend>(); });
  EXPECT_TRUE(report.groups.empty()) << report.groups.front().signature;
  EXPECT_GT(report.transitions, 100u);
  EXPECT_EQ(report.checked, report.transitions);
  EXPECT_EQ(report.unconfirmed, 0u);
}

// Each distinct divergence (its signature names the step) comes back once, with the
// number of transitions that showed it, as its shortest scenario.
TEST(BackendExploreTest, APlantedBugComesBackOncePerSignatureAsItsShortestScenario) {
  const auto report = ExploreBackend(Options(Profile::kEsx, 4, 2), Forgetful());
  ASSERT_FALSE(report.groups.empty());
  std::set<std::string> signatures;
  int transitions = 0;
  for (const DivergenceGroup& group : report.groups) {
    EXPECT_TRUE(signatures.insert(group.signature).second) << group.signature;
    EXPECT_NE(group.signature.find("(delete"), std::string::npos) << group.signature;
    EXPECT_NE(group.signature.find("current"), std::string::npos) << group.signature;
    EXPECT_FALSE(group.needs_history);
    EXPECT_LE(group.scenario.steps.size(), 3u) << scenario::WriteScenario(group.scenario);
    transitions += group.transitions;
    const scenario::Scenario replay = Reloaded(group.scenario);
    testing::ForgetsCurrentOnDelete faulty;
    EXPECT_EQ(RunScenario(replay, faulty).verdict, Verdict::kFail);
    ModelBackend model;
    EXPECT_EQ(RunScenario(replay, model).verdict, Verdict::kPass);
  }
  EXPECT_GT(transitions, static_cast<int>(report.groups.size()));  // seen from many states
  EXPECT_EQ(report.checked, report.transitions);
}

// The transition tour: close to one backend operation per transition, not a replay of
// the whole path for each.
TEST(BackendExploreTest, TheTourCostsFewerThanTwoOperationsPerTransition) {
  const auto report = ExploreBackend(Options(Profile::kTest, 4, 2),
                                     [] { return std::make_unique<ModelBackend>(); });
  ASSERT_EQ(report.checked, report.transitions);
  EXPECT_LT(static_cast<double>(report.backend_ops) / report.checked, 2.0)
      << report.backend_ops << " operations for " << report.checked << " transitions";
}

TEST(BackendExploreTest, TheSameOptionsGiveTheSameSearch) {
  const auto first = ExploreBackend(Options(Profile::kQemu, 3, 2), Forgetful());
  const auto second = ExploreBackend(Options(Profile::kQemu, 3, 2), Forgetful());
  ASSERT_EQ(first.groups.size(), second.groups.size());
  for (size_t i = 0; i < first.groups.size(); ++i) {
    EXPECT_EQ(scenario::WriteScenario(first.groups[i].scenario),
              scenario::WriteScenario(second.groups[i].scenario));
    EXPECT_EQ(first.groups[i].transitions, second.groups[i].transitions);
  }
  EXPECT_EQ(first.backend_ops, second.backend_ops);
  EXPECT_EQ(first.walks, second.walks);
}

TEST(BackendExploreTest, AKnownFindingIsCountedAndSetAside) {
  BackendExploreOptions options = Options(Profile::kEsx, 3, 2);
  auto known = ParseKnownFindings("forgets-current F99 \\(delete.*current\n", "known.txt",
                                  "forgets-current");
  ASSERT_TRUE(known.ok()) << known.status().message();
  options.known = std::move(*known);
  const auto report = ExploreBackend(options, Forgetful());
  EXPECT_TRUE(report.groups.empty()) << report.groups.front().signature;
  EXPECT_GT(report.known.at("F99"), 0);
}

TEST(BackendExploreTest, MaxOpsBoundsTheWork) {
  BackendExploreOptions options = Options(Profile::kQemu, 4, 2);
  options.max_ops = 100;
  const auto report = ExploreBackend(options, [] { return std::make_unique<ModelBackend>(); });
  EXPECT_TRUE(report.budget_spent);
  EXPECT_LE(report.backend_ops, 100u + 1);
  EXPECT_LT(report.checked, report.transitions);
}

// A bug that needs a long history (the fifth action of a domain is lost) is not shown by
// the shortest path to its state; the walk that found it is the scenario.
TEST(BackendExploreTest, ABugThatNeedsHistoryKeepsTheWalkAsItsScenario) {
  const auto report = ExploreBackend(Options(Profile::kTest, 3, 2),
                                     [] { return std::make_unique<testing::SwallowNthAction>(5); });
  ASSERT_FALSE(report.groups.empty());
  bool any_history = false;
  for (const DivergenceGroup& group : report.groups) {
    any_history = any_history || group.needs_history;
    testing::SwallowNthAction faulty(5);
    EXPECT_EQ(RunScenario(Reloaded(group.scenario), faulty).verdict, Verdict::kFail)
        << scenario::WriteScenario(group.scenario);
  }
  EXPECT_TRUE(any_history);
}

}  // namespace
}  // namespace snapsim::simulator

namespace snapsim::simulator {
namespace {

// --every-flag: each combination is one the format accepts (it is written and loaded back
// as it was), and the model agrees with itself on every transition of the larger graph.
TEST(BackendExploreTest, EveryFlagCombinationIsWrittenAndLoadedBackAndExplored) {
  model::ExploreOptions o;
  o.names = 2;
  const auto alphabet = EveryFlagAlphabet(o);
  EXPECT_EQ(alphabet.size(),
            4u + 2u * (96u + 7u + 16u + 1u + 1u));  // creates x no-metadata, set-current
  std::vector<scenario::Step> steps;
  for (const auto& action : alphabet) steps.push_back({action, std::nullopt, {}});
  const scenario::Scenario written = model::PathScenario(o, steps, "every flag");
  EXPECT_EQ(Reloaded(written).steps, written.steps);

  BackendExploreOptions options = Options(Profile::kQemu, 2, 1);
  options.every_flag = true;
  const auto report = ExploreBackend(options, [] { return std::make_unique<ModelBackend>(); });
  const auto plain = ExploreBackend(Options(Profile::kQemu, 2, 1),
                                    [] { return std::make_unique<ModelBackend>(); });
  EXPECT_TRUE(report.groups.empty());
  EXPECT_EQ(report.checked, report.transitions);
  EXPECT_GT(report.transitions, 3 * plain.transitions);
}

}  // namespace
}  // namespace snapsim::simulator
