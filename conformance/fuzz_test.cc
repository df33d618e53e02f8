// snapsim fuzz finds a planted bug, shrinks it, and the written file replays it.
#include <gtest/gtest.h>

#include <set>
#include "scenario/loader.h"
#include "scenario/writer.h"

#include "simulator/coverage.h"
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
  EXPECT_LE(report.counterexample->steps.size(), 5u)
      << scenario::WriteScenario(*report.counterexample);

  // The written file loads and replays the failure on the faulty backend ...
  const std::string text = scenario::WriteScenario(*report.counterexample);
  auto loaded = scenario::LoadScenarioText(text, "shrunk.yaml");
  ASSERT_TRUE(std::holds_alternative<scenario::Scenario>(loaded))
      << std::get<scenario::LoadError>(loaded).ToString() << "\n"
      << text;
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

// Two bugs: the model that forgets `current` on delete, and a `pause` that fails once a
// snapshot has been deleted (so that runs meet the first bug too).
class TwoBugs : public testing::ForgetsCurrentOnDelete {
 public:
  void Begin(const scenario::Scenario& s) override {
    deleted_ = false;
    ForgetsCurrentOnDelete::Begin(s);
  }
  Status Perform(const scenario::Action& action) override {
    if (deleted_ && std::holds_alternative<scenario::Pause>(action)) {
      return Status::Error(ErrorClass::kInternalError, "pause is broken");
    }
    Status status = ForgetsCurrentOnDelete::Perform(action);
    deleted_ |= status.ok() && std::holds_alternative<scenario::Delete>(action);
    return status;
  }

 private:
  bool deleted_ = false;
};

TEST(FuzzTest, AKnownFindingIsSetAsideAndTheOtherBugIsFound) {
  auto known =
      ParseKnownFindings("forgets-current FX expected model: current: \\S+ got current: null$\n",
                         "known.txt", "forgets-current");
  ASSERT_TRUE(known.ok()) << known.status().message();
  int seeds_that_set_aside = 0;
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    FuzzOptions options = Options(Profile::kQemu, seed);
    options.known = *known;
    const FuzzReport report = Fuzz(options, [] { return std::make_unique<TwoBugs>(); });
    ASSERT_TRUE(report.counterexample.has_value()) << "seed " << seed << ": no bug found";
    EXPECT_NE(report.failure.find("pause is broken"), std::string::npos)
        << "seed " << seed << ": " << report.failure;
    // The counterexample is the pause bug alone, never a set-aside run.
    testing::ForgetsCurrentOnDelete forgets_only;
    EXPECT_EQ(RunScenario(*report.counterexample, forgets_only).verdict, Verdict::kPass)
        << "seed " << seed << ":\n"
        << scenario::WriteScenario(*report.counterexample);
    seeds_that_set_aside += report.set_aside.count("FX");
  }
  EXPECT_GT(seeds_that_set_aside, 0) << "the known bug never came up before the other";
}

TEST(FuzzTest, OnlyTheKnownBugIsSetAsideNotFound) {
  FuzzOptions options = Options(Profile::kQemu, 7);
  auto known =
      ParseKnownFindings("forgets-current FX expected model: current: \\S+ got current: null$\n",
                         "known.txt", "forgets-current");
  ASSERT_TRUE(known.ok());
  options.known = *known;
  const FuzzReport report =
      Fuzz(options, [] { return std::make_unique<testing::ForgetsCurrentOnDelete>(); });
  EXPECT_FALSE(report.counterexample.has_value()) << report.failure;
  ASSERT_EQ(report.set_aside.count("FX"), 1u);
  EXPECT_GT(report.set_aside.at("FX"), 0);
}

TEST(FuzzTest, TheModelAgreesWithItself) {
  for (Profile profile : kAllProfiles) {
    const FuzzReport report =
        Fuzz(Options(profile, 3), [] { return std::make_unique<ModelBackend>(); });
    EXPECT_FALSE(report.counterexample.has_value())
        << ProfileName(profile) << ": " << report.failure;
  }
}

}  // namespace
}  // namespace snapsim::simulator

namespace snapsim::simulator {
namespace {

// The default campaign of each profile (100 runs of up to 30 steps, seed 1) exercises
// every situation the model can reach within three operations: each operation in each
// power state on each target position (current, root, leaf, inner, unknown; new name or
// existing one for a create).
class FuzzCoverage : public ::testing::TestWithParam<Profile> {};

TEST_P(FuzzCoverage, TheDefaultCampaignReachesEveryReachableSituation) {
  FuzzOptions options;
  options.profile = GetParam();
  const FuzzReport report = Fuzz(options, [] { return std::make_unique<ModelBackend>(); });
  ASSERT_FALSE(report.counterexample.has_value()) << report.failure;
  const std::set<std::string> reachable = ReachableCoarseRows(GetParam(), 3, 3);
  ASSERT_GT(reachable.size(), 20u);
  std::string missed;
  for (const std::string& row : reachable) {
    if (report.coverage.coarse_rows().count(row) == 0) missed += "\n  " + row;
  }
  EXPECT_TRUE(missed.empty()) << "never exercised:" << missed;
}

INSTANTIATE_TEST_SUITE_P(Profiles, FuzzCoverage,
                         ::testing::Values(Profile::kEsx, Profile::kQemu, Profile::kVbox,
                                           Profile::kTest),
                         [](const auto& info) { return std::string(ProfileName(info.param)); });

}  // namespace
}  // namespace snapsim::simulator

namespace snapsim::simulator {
namespace {

// The model as a backend for shut-off domains only, as `qemu-img` is: it cannot start,
// pause or resume, boot at a revert, or halt.
class ShutoffOnly : public BackendWrapper {
 public:
  ShutoffOnly() : BackendWrapper(&model_) {}
  std::optional<std::string> CannotRun(const scenario::Scenario& s) const override {
    if (s.initial_state != PowerState::kShutoff) return "shut-off domains only";
    for (const scenario::Step& step : s.steps) {
      const auto& a = step.action;
      const auto* r = std::get_if<scenario::Revert>(&a);
      const auto* c = std::get_if<scenario::Create>(&a);
      if (std::holds_alternative<scenario::Start>(a) ||
          std::holds_alternative<scenario::Pause>(a) ||
          std::holds_alternative<scenario::Resume>(a) || (r && (r->running || r->paused)) ||
          (c && c->halt)) {
        return "shut-off domains only";
      }
    }
    return std::nullopt;
  }

 private:
  ModelBackend model_;
};

// The default qemu campaign grows sequences long enough to branch, on a backend that
// runs every power state and on one for shut-off domains alone: a revert below an
// external snapshot, a delete of a parent with several children, and a delete after a
// metadata-only one.
TEST(FuzzCoverage, TheDefaultQemuCampaignBranchesOnEveryKindOfBackend) {
  const std::vector<std::string> shapes = {"shape: delete after a metadata-only delete",
                                           "shape: delete of a parent with several children",
                                           "shape: revert below an external snapshot"};
  for (const bool shutoff_only : {false, true}) {
    SCOPED_TRACE(shutoff_only ? "shut-off only" : "every power state");
    FuzzOptions options;
    options.profile = Profile::kQemu;
    const FuzzReport report = Fuzz(options, [&]() -> std::unique_ptr<Backend> {
      if (shutoff_only) return std::make_unique<ShutoffOnly>();
      return std::make_unique<ModelBackend>();
    });
    ASSERT_FALSE(report.counterexample.has_value()) << report.failure;
    for (const std::string& shape : shapes) {
      EXPECT_GT(report.coverage.shapes().count(shape) ? report.coverage.shapes().at(shape) : 0, 0u)
          << shape;
    }
  }
}

}  // namespace
}  // namespace snapsim::simulator
