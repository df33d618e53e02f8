#include "simulator/divergence.h"

#include <gtest/gtest.h>

#include "scenario/loader.h"
#include "scenario/writer.h"
#include "simulator/fuzzer.h"
#include "simulator/model_backend.h"
#include "simulator/runner.h"
#include "simulator/testing/fault_injecting_backend.h"

namespace snapsim::simulator {
namespace {

scenario::Scenario OneDisk() {
  scenario::Scenario s;
  s.hypervisor = Profile::kQemu;
  s.disks = {{"vda", 1 << 20}};
  return s;
}

Observation View(PowerState state, std::optional<std::string> current) {
  return Observation{state, std::move(current), {}};
}

TEST(DivergenceTest, DifferentOutcomesAreOneDifferenceAndViewsAreNotAsked) {
  scenario::Create create{"A"};
  create.quiesce = true;
  create.location = scenario::Location::kExternal;
  int asked = 0;
  const StepAnswers answers{Status::Error(ErrorClass::kInvalidArg, "quiesce requires disk-only"),
                            Status::Ok(),
                            [&] {
                              ++asked;
                              return Observation{};
                            },
                            [&] {
                              ++asked;
                              return Observation{};
                            }};
  auto d = CompareStep(OneDisk(), 3, create, "qemu", answers);
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(asked, 0);
  ASSERT_EQ(d->differences.size(), 1u);
  EXPECT_EQ(d->differences[0].aspect, Aspect::kOutcome);
  EXPECT_EQ(FormatDivergence(*d),
            "step 3 (create: {name: A, location: external, quiesce: true}): qemu: expected "
            "model: invalid-arg: quiesce requires disk-only got ok");
}

TEST(DivergenceTest, OnlyTheFieldsThatDifferAreNamed) {
  const StepAnswers answers{Status::Ok(), Status::Ok(),
                            [] { return View(PowerState::kRunning, "A"); },
                            [] { return View(PowerState::kShutoff, "A"); }};
  auto d = CompareStep(OneDisk(), 2, scenario::Revert{"A"}, "vcsim", answers);
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(Signature(*d), "(revert: A): vcsim: expected model: state: running got state: shutoff");
  const StepAnswers both{Status::Ok(), Status::Ok(), [] { return View(PowerState::kRunning, "A"); },
                         [] { return View(PowerState::kPaused, std::nullopt); }};
  d = CompareStep(OneDisk(), 2, scenario::Revert{"A"}, "vcsim", both);
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(Signature(*d),
            "(revert: A): vcsim: expected model: state: running; current: A got state: paused; "
            "current: null");
}

TEST(DivergenceTest, AgreementIsNoDivergence) {
  const StepAnswers same{Status::Error(ErrorClass::kOperationInvalid, "a"),
                         Status::Error(ErrorClass::kOperationInvalid, "other words"),
                         [] { return Observation{}; }, [] { return Observation{}; }};
  EXPECT_FALSE(CompareStep(OneDisk(), 1, scenario::Start{}, "x", same).has_value());
}

// The same case found by fuzz and replayed by the runner: one text, so one known-findings
// line matches it in both.
TEST(DivergenceTest, RunnerAndFuzzerReportTheSameDivergence) {
  FuzzOptions options;
  options.profile = Profile::kQemu;
  options.seed = 7;
  options.runs = 200;
  const FuzzReport report =
      Fuzz(options, [] { return std::make_unique<testing::ForgetsCurrentOnDelete>(); });
  ASSERT_TRUE(report.counterexample && report.divergence) << report.failure;
  auto loaded =
      scenario::LoadScenarioText(scenario::WriteScenario(*report.counterexample), "shrunk.yaml");
  ASSERT_TRUE(std::holds_alternative<scenario::Scenario>(loaded));
  testing::ForgetsCurrentOnDelete faulty;
  const ScenarioResult result = RunScenario(std::get<scenario::Scenario>(loaded), faulty);
  ASSERT_EQ(result.verdict, Verdict::kFail);
  ASSERT_TRUE(result.failures[0].divergence.has_value());
  EXPECT_EQ(FormatDivergence(*result.failures[0].divergence), FormatDivergence(*report.divergence));
  EXPECT_EQ(report.failure, FormatDivergence(*report.divergence));
}

}  // namespace
}  // namespace snapsim::simulator
