#include "simulator/runner.h"

#include <gtest/gtest.h>

#include "simulator/model_backend.h"
#include "simulator/testing/fault_injecting_backend.h"

namespace snapsim::simulator {
namespace {

using scenario::Create;
using scenario::Delete;
using scenario::Expect;
using scenario::Step;

Step At(scenario::Action action, int line) {
  Step step;
  step.action = std::move(action);
  step.where = {"mem.yaml", line, 5};
  return step;
}

// base -> A -> B, delete B (the current one) while running: current moves to A.
scenario::Scenario DeleteCurrent(Profile profile) {
  scenario::Scenario s;
  s.name = "delete-current";
  s.path = "mem.yaml";
  s.hypervisor = profile;
  s.initial_state = PowerState::kRunning;
  s.disks = {{"vda", 64ull << 20}};
  s.steps.push_back(At(Create{"A"}, 10));
  s.steps.push_back(At(Create{"B"}, 11));
  s.steps.push_back(At(Delete{"B"}, 12));
  Expect expect;
  expect.current = std::optional<std::string>("A");
  s.steps.push_back(At(expect, 13));
  return s;
}

TEST(RunnerTest, ModelPassesItsOwnScenario) {
  ModelBackend model;
  ScenarioResult result = RunScenario(DeleteCurrent(Profile::kEsx), model);
  EXPECT_EQ(result.verdict, Verdict::kPass)
      << (result.failures.empty() ? "" : result.failures[0].got);
  EXPECT_EQ(result.events.size(), 4u);
}

TEST(RunnerTest, AFailedExpectNamesFileLineAndStep) {
  auto s = DeleteCurrent(Profile::kEsx);
  std::get<Expect>(s.steps[3].action).current = std::optional<std::string>("B");
  ModelBackend model;
  ScenarioResult result = RunScenario(s, model);
  ASSERT_EQ(result.verdict, Verdict::kFail);
  ASSERT_EQ(result.failures.size(), 1u);
  EXPECT_EQ(FormatFailure(result, result.failures[0]),
            "mem.yaml:13: step 4 (expect): model: expected current: B got current: A");
  EXPECT_EQ(result.replay, "snapsim run mem.yaml --backend model");
}

TEST(RunnerTest, ASwallowedStepIsADivergenceAtThatStep) {
  testing::SwallowNthAction faulty(2);  // "create B" answers ok but does nothing
  ScenarioResult result = RunScenario(DeleteCurrent(Profile::kEsx), faulty);
  ASSERT_EQ(result.verdict, Verdict::kFail);
  EXPECT_EQ(result.failures[0].kind, "divergence");
  EXPECT_EQ(result.failures[0].step, 2);
  EXPECT_EQ(result.failures[0].where.line, 11);
  EXPECT_NE(result.failures[0].expected.find("current: B"), std::string::npos);
  EXPECT_NE(result.failures[0].got.find("current: A"), std::string::npos);
}

TEST(RunnerTest, AWrongCurrentAfterDeleteIsCaught) {
  testing::ForgetsCurrentOnDelete faulty;
  ScenarioResult result = RunScenario(DeleteCurrent(Profile::kQemu), faulty);
  ASSERT_EQ(result.verdict, Verdict::kFail);
  EXPECT_EQ(result.failures[0].step, 3);
  EXPECT_EQ(result.failures[0].got, "current: null");
  ASSERT_TRUE(result.failures[0].divergence.has_value());
  EXPECT_EQ(FormatFailure(result, result.failures[0]),
            "mem.yaml:12: step 3 (delete: B): forgets-current: expected model: current: A got "
            "current: null");
}

TEST(RunnerTest, AnUnexpectedErrorIsACheckFailure) {
  auto s = DeleteCurrent(Profile::kEsx);
  s.steps[2] = At(Delete{"nosuch"}, 12);
  ModelBackend model;
  ScenarioResult result = RunScenario(s, model);
  ASSERT_EQ(result.verdict, Verdict::kFail);
  EXPECT_EQ(result.failures[0].expected, "ok");
  EXPECT_EQ(result.failures[0].got.rfind("no-domain-snapshot", 0), 0u);
}

}  // namespace
}  // namespace snapsim::simulator
