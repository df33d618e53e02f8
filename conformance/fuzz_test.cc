// snapsim fuzz finds a planted bug, shrinks it, and the written file replays it.
#include <gtest/gtest.h>

#include "scenario/loader.h"
#include "scenario/writer.h"
#include "simulator/fuzzer.h"
#include "simulator/model_backend.h"
#include "simulator/runner.h"
#include "simulator/testing/fault_injecting_backend.h"

namespace snapsim::simulator {
namespace {

FuzzOptions Options(Profile profile, uint64_t seed) {
  FuzzOptions options;
  options.profile = profile;
  options.seed = seed;
  options.runs = 200;
  options.steps_max = 30;
  return options;
}

TEST(FuzzTest, FindsAPlantedBugAndShrinksItToAFewSteps) {
  const FuzzReport report = Fuzz(Options(Profile::kQemu, 7), [] {
    return std::make_unique<testing::ForgetsCurrentOnDelete>();
  });
  ASSERT_TRUE(report.counterexample.has_value()) << "the planted bug was not found";
  EXPECT_LE(report.counterexample->steps.size(), 5u) << scenario::WriteScenario(*report.counterexample);

  // The written file loads and replays the failure on the faulty backend ...
  const std::string text = scenario::WriteScenario(*report.counterexample);
  auto loaded = scenario::LoadScenarioText(text, "shrunk.yaml");
  ASSERT_TRUE(std::holds_alternative<scenario::Scenario>(loaded))
      << std::get<scenario::LoadError>(loaded).ToString() << "\n" << text;
  const auto& shrunk = std::get<scenario::Scenario>(loaded);
  testing::ForgetsCurrentOnDelete faulty;
  EXPECT_EQ(RunScenario(shrunk, faulty).verdict, Verdict::kFail) << text;
  // ... and passes on the model, whose outcomes it records.
  ModelBackend model;
  EXPECT_EQ(RunScenario(shrunk, model).verdict, Verdict::kPass) << text;
}

TEST(FuzzTest, TheSameSeedGivesTheSameCounterexample) {
  auto make = [] { return std::make_unique<testing::ForgetsCurrentOnDelete>(); };
  const FuzzReport first = Fuzz(Options(Profile::kEsx, 11), make);
  const FuzzReport second = Fuzz(Options(Profile::kEsx, 11), make);
  ASSERT_TRUE(first.counterexample && second.counterexample);
  EXPECT_EQ(scenario::WriteScenario(*first.counterexample),
            scenario::WriteScenario(*second.counterexample));
  EXPECT_EQ(first.runs, second.runs);
}

TEST(FuzzTest, TheModelAgreesWithItself) {
  for (Profile profile : kAllProfiles) {
    const FuzzReport report =
        Fuzz(Options(profile, 3), [] { return std::make_unique<ModelBackend>(); });
    EXPECT_FALSE(report.counterexample.has_value()) << ProfileName(profile) << ": " << report.failure;
  }
}

}  // namespace
}  // namespace snapsim::simulator
