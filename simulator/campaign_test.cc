#include "simulator/campaign.h"

#include <gtest/gtest.h>

#include <set>

#include "simulator/model_backend.h"

namespace snapsim::simulator {
namespace {

TEST(CampaignTest, ShardsAreDisjointAndComplete) {
  std::vector<scenario::Scenario> scenarios(7);
  // A second backend that the harness alone has: another name for the model.
  RegisterBackend({"model-again", "", "the model under another name",
                   [](std::string_view) { return std::optional<std::string>(); },
                   [](std::string_view, const BackendOptions&) -> std::unique_ptr<Backend> {
                     return std::make_unique<ModelBackend>();
                   }});
  std::vector<BackendFactory> backends;
  for (const char* name : {"model", "model-again"}) {
    auto factory = BackendFactory::ForName(name);
    ASSERT_TRUE(factory.ok());
    backends.push_back(*factory);
  }
  const size_t all = PlanCases(scenarios, backends, {}).size();
  ASSERT_EQ(all, 14u);
  for (int count : {1, 2, 3, 5, 14, 20}) {
    std::set<std::pair<const void*, const void*>> seen;
    size_t total = 0;
    for (int index = 0; index < count; ++index) {
      for (const Case& c : PlanCases(scenarios, backends, {index, count})) {
        EXPECT_TRUE(seen.insert({c.scenario, c.backend}).second) << "case in two shards";
        ++total;
      }
    }
    EXPECT_EQ(total, all) << count << " shards";
  }
}

TEST(CampaignTest, ResultsComeBackInCaseOrderWhateverTheThreads) {
  std::vector<scenario::Scenario> scenarios(6);
  for (size_t i = 0; i < scenarios.size(); ++i) {
    scenarios[i].name = "s" + std::to_string(i);
    scenarios[i].path = scenarios[i].name + ".yaml";
    scenarios[i].disks = {{"vda", 1 << 20}};
    scenarios[i].steps.push_back({scenario::Create{"A"}, std::nullopt, {}});
  }
  auto factory = BackendFactory::ForName("model");
  ASSERT_TRUE(factory.ok());
  std::vector<BackendFactory> backends = {*factory};
  const auto cases = PlanCases(scenarios, backends, {});
  const auto results = RunCases(cases, 3);
  ASSERT_EQ(results.size(), cases.size());
  for (size_t i = 0; i < results.size(); ++i) {
    EXPECT_EQ(results[i].path, scenarios[i].path);
    EXPECT_EQ(results[i].verdict, Verdict::kPass);
  }
}

TEST(BackendRegistryTest, UnknownNamesAreBadInput) {
  auto factory = BackendFactory::ForName("vmware");
  ASSERT_FALSE(factory.ok());
  EXPECT_EQ(factory.status().fault(), Fault::kBadInput);
  EXPECT_NE(factory.status().message().find("known: model"), std::string::npos);
}

}  // namespace
}  // namespace snapsim::simulator
