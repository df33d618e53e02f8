#include "simulator/expected_failures.h"

#include <gtest/gtest.h>

#include "simulator/model_backend.h"
#include "simulator/testing/fault_injecting_backend.h"

namespace snapsim::simulator {
namespace {

// base -> A -> B, delete B (the current one) while running: current moves to A, which
// ForgetsCurrentOnDelete gets wrong.
scenario::Scenario DeleteCurrent() {
  scenario::Scenario s;
  s.name = "delete-current";
  s.path = "/somewhere/scenarios/qemu/delete.yaml";
  s.hypervisor = Profile::kQemu;
  s.initial_state = PowerState::kRunning;
  s.disks = {{"vda", 64ull << 20}};
  for (const char* name : {"A", "B"}) s.steps.push_back({scenario::Create{name}, std::nullopt, {}});
  s.steps.push_back({scenario::Delete{"B"}, std::nullopt, {}});
  return s;
}

KnownByBackend Known(const std::string& text) {
  auto entries = ParseKnownFindings(text, "known.txt", "forgets-current");
  EXPECT_TRUE(entries.ok()) << entries.status().message();
  return {{"forgets-current", entries.ok() ? *entries : std::vector<KnownFinding>{}}};
}

ScenarioResult RunForgetful() {
  testing::ForgetsCurrentOnDelete faulty;
  return RunScenario(DeleteCurrent(), faulty);
}

TEST(ExpectedFailuresTest, ACaseThatStillDivergesAsRecordedIsKnown) {
  ScenarioResult result = RunForgetful();
  ASSERT_EQ(result.verdict, Verdict::kFail);
  ApplyKnownFindings(Known("scenarios/qemu/delete.yaml@forgets-current FX ^step 3 \\(delete: B\\): "
                           "forgets-current: expected model: current: A got current: null$\n"),
                     "known.txt", result);
  EXPECT_EQ(result.verdict, Verdict::kKnown);
  EXPECT_EQ(result.finding, "FX");
}

TEST(ExpectedFailuresTest, ACaseThatNoLongerDivergesFailsAndSaysWhichLineToRemove) {
  ModelBackend model;
  ScenarioResult result = RunScenario(DeleteCurrent(), model);
  result.backend = "forgets-current";  // as if the driver had been fixed
  ASSERT_EQ(result.verdict, Verdict::kPass);
  ApplyKnownFindings(Known("# fixed?\nscenarios/qemu/delete.yaml@forgets-current FX current\n"),
                     "known.txt", result);
  EXPECT_EQ(result.verdict, Verdict::kFail);
  ASSERT_EQ(result.failures.size(), 1u);
  EXPECT_EQ(result.failures[0].got, "FX no longer diverges: remove its line (known.txt:2)");
}

TEST(ExpectedFailuresTest, ACaseThatDivergesOtherwiseStaysAFailure) {
  ScenarioResult result = RunForgetful();
  ApplyKnownFindings(Known("scenarios/qemu/delete.yaml@forgets-current FX got state:\n"),
                     "known.txt", result);
  EXPECT_EQ(result.verdict, Verdict::kFail);
  EXPECT_NE(result.failures.back().got.find("failed otherwise"), std::string::npos);
}

TEST(ExpectedFailuresTest, ABackendWideEntryMarksAMatchingFailureKnownButIsNeverStrict) {
  ScenarioResult result = RunForgetful();
  ApplyKnownFindings(Known("forgets-current FX expected model: current: \\S+ got current: null$\n"),
                     "known.txt", result);
  EXPECT_EQ(result.verdict, Verdict::kKnown);
  ModelBackend model;
  ScenarioResult passing = RunScenario(DeleteCurrent(), model);
  passing.backend = "forgets-current";
  ApplyKnownFindings(Known("forgets-current FX got current: null\n"), "known.txt", passing);
  EXPECT_EQ(passing.verdict, Verdict::kPass);
}

TEST(ExpectedFailuresTest, ACaseEntryNamesWholeFolders) {
  ScenarioResult result = RunForgetful();
  ApplyKnownFindings(Known("emu/delete.yaml@forgets-current FX current\n"), "known.txt", result);
  EXPECT_EQ(result.verdict, Verdict::kFail) << "a partial folder name is not the file";
}

}  // namespace
}  // namespace snapsim::simulator
