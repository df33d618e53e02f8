// Sharded campaigns: N shards of `fuzz` run exactly the sequences of one unsharded run of
// N times the runs, and the shards of `explore --backend` check disjoint transitions that
// together are the unsharded run's.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "reports/campaign_json_report.h"
#include "reports/shard_merge.h"
#include "scenario/writer.h"
#include "simulator/backend_explorer.h"
#include "simulator/divergence.h"
#include "simulator/fuzzer.h"
#include "simulator/model_backend.h"
#include "simulator/testing/fault_injecting_backend.h"

namespace snapsim::simulator {
namespace {

using Sequences = std::vector<std::vector<std::string>>;

// The model, writing down every sequence it is sent (one entry per Begin).
class Recording : public BackendWrapper {
 public:
  explicit Recording(Sequences* sequences) : BackendWrapper(&model_), sequences_(sequences) {}
  void Begin(const scenario::Scenario& s) override {
    skeleton_ = s;
    sequences_->push_back({std::string(PowerStateName(s.initial_state))});
    BackendWrapper::Begin(s);
  }
  Status Perform(const scenario::Action& a) override {
    sequences_->back().push_back(ActionText(skeleton_, a));
    return BackendWrapper::Perform(a);
  }

 private:
  ModelBackend model_;
  scenario::Scenario skeleton_;
  Sequences* sequences_;
};

FuzzOptions FuzzShard(int runs, int index, int count) {
  FuzzOptions options;
  options.profile = Profile::kQemu;
  options.seed = 42;
  options.runs = runs;
  options.steps_max = 12;
  options.shard = {index, count};
  return options;
}

TEST(ShardTest, FuzzShardsRunExactlyTheSequencesOfTheUnshardedRun) {
  constexpr int kShards = 3, kRuns = 25;
  Sequences whole;
  const FuzzReport all =
      Fuzz(FuzzShard(kShards * kRuns, 0, 1), [&] { return std::make_unique<Recording>(&whole); });
  ASSERT_FALSE(all.counterexample) << all.failure;
  ASSERT_EQ(whole.size(), static_cast<size_t>(kShards * kRuns));
  std::vector<Sequences> parts(kShards);
  int held = 0;
  for (int k = 0; k < kShards; ++k) {
    const FuzzReport part =
        Fuzz(FuzzShard(kRuns, k, kShards), [&] { return std::make_unique<Recording>(&parts[k]); });
    ASSERT_FALSE(part.counterexample) << part.failure;
    ASSERT_EQ(parts[k].size(), static_cast<size_t>(kRuns)) << "shard " << k;
    held += part.runs;
  }
  EXPECT_EQ(held, all.runs);
  std::set<std::vector<std::string>> distinct;
  for (size_t i = 0; i < whole.size(); ++i) {
    EXPECT_EQ(whole[i], parts[i % kShards][i / kShards]) << "sequence " << i;
    distinct.insert(whole[i]);
  }
  EXPECT_GT(distinct.size(), whole.size() / 2) << "the sequences should differ";
}

// A failure is found at the same campaign index, with the same counterexample, by the
// shard that owns that index; no shard fails earlier.
TEST(ShardTest, TheFirstFailureIsTheShardsEarliestAndShrinksTheSame) {
  constexpr int kShards = 4, kRuns = 50;
  auto make = [] { return std::make_unique<testing::ForgetsCurrentOnDelete>(); };
  const FuzzReport all = Fuzz(FuzzShard(kShards * kRuns, 0, 1), make);
  ASSERT_TRUE(all.counterexample && all.failed_index);
  int found_by = -1;
  for (int k = 0; k < kShards; ++k) {
    const FuzzReport part = Fuzz(FuzzShard(kRuns, k, kShards), make);
    if (!part.failed_index) continue;
    EXPECT_GE(*part.failed_index, *all.failed_index) << "shard " << k;
    EXPECT_EQ(static_cast<int>(*part.failed_index % kShards), k);
    if (*part.failed_index != *all.failed_index) continue;
    found_by = k;
    EXPECT_EQ(scenario::WriteScenario(*part.counterexample),
              scenario::WriteScenario(*all.counterexample));
    EXPECT_EQ(part.failure, all.failure);
  }
  EXPECT_EQ(found_by, static_cast<int>(*all.failed_index % kShards));
}

// A sequence set aside (a known finding) keeps its place: the shards set aside as many
// sequences as the unsharded run, and hold as many.
TEST(ShardTest, SetAsideSequencesKeepTheShardsAligned) {
  constexpr int kShards = 3, kRuns = 30;
  auto known =
      ParseKnownFindings("forgets-current FX expected model: current: \\S+ got current: null$\n",
                         "known.txt", "forgets-current");
  ASSERT_TRUE(known.ok()) << known.status().message();
  auto make = [] { return std::make_unique<testing::ForgetsCurrentOnDelete>(); };
  FuzzOptions whole = FuzzShard(kShards * kRuns, 0, 1);
  whole.known = *known;
  const FuzzReport all = Fuzz(whole, make);
  ASSERT_FALSE(all.counterexample) << all.failure;
  ASSERT_GT(all.set_aside_runs, 0);
  int held = 0, set_aside = 0;
  for (int k = 0; k < kShards; ++k) {
    FuzzOptions options = FuzzShard(kRuns, k, kShards);
    options.known = *known;
    const FuzzReport part = Fuzz(options, make);
    ASSERT_FALSE(part.counterexample) << part.failure;
    held += part.runs;
    set_aside += part.set_aside_runs;
  }
  EXPECT_EQ(held, all.runs);
  EXPECT_EQ(set_aside, all.set_aside_runs);
  EXPECT_EQ(held + set_aside, kShards * kRuns);
}

BackendExploreOptions ExploreShard(Profile profile, int index, int count) {
  BackendExploreOptions options;
  options.model.profile = profile;
  options.model.depth = 3;
  options.model.names = 2;
  options.shard = {index, count};
  options.record_checked = true;
  return options;
}

TEST(ShardTest, ExploreShardsAreDisjointAndTogetherTheUnshardedTransitions) {
  auto make = [] { return std::make_unique<ModelBackend>(); };
  const auto all = ExploreBackend(ExploreShard(Profile::kQemu, 0, 1), make);
  ASSERT_GT(all.transitions, 100u);
  ASSERT_EQ(all.checked, all.transitions);
  const std::set<uint64_t> expected(all.checked_edges.begin(), all.checked_edges.end());
  ASSERT_EQ(expected.size(), all.checked_edges.size());
  for (int shards : {2, 5}) {
    std::set<uint64_t> seen;
    uint64_t transitions = 0;
    for (int k = 0; k < shards; ++k) {
      const auto part = ExploreBackend(ExploreShard(Profile::kQemu, k, shards), make);
      EXPECT_EQ(part.checked, part.transitions) << k << "/" << shards;
      EXPECT_EQ(part.unreached, 0u);
      EXPECT_EQ(part.states, all.states);
      EXPECT_LT(part.transitions, all.transitions);
      transitions += part.transitions;
      for (uint64_t edge : part.checked_edges) {
        EXPECT_TRUE(seen.insert(edge).second) << "edge " << edge << " in two shards";
      }
    }
    EXPECT_EQ(transitions, all.transitions) << shards << " shards";
    EXPECT_EQ(seen, expected) << shards << " shards";
  }
}

TEST(ShardTest, ExploreShardsFindTheUnshardedDivergences) {
  auto make = [] { return std::make_unique<testing::ForgetsCurrentOnDelete>(); };
  const auto all = ExploreBackend(ExploreShard(Profile::kEsx, 0, 1), make);
  ASSERT_FALSE(all.groups.empty());
  std::set<std::string> expected;
  for (const DivergenceGroup& group : all.groups) expected.insert(group.signature);
  std::set<std::string> found;
  uint64_t checked = 0, unreached = 0;
  constexpr int kShards = 3;
  for (int k = 0; k < kShards; ++k) {
    const auto part = ExploreBackend(ExploreShard(Profile::kEsx, k, kShards), make);
    for (const DivergenceGroup& group : part.groups) found.insert(group.signature);
    checked += part.checked;
    unreached += part.unreached;
  }
  EXPECT_EQ(found, expected);
  EXPECT_EQ(checked + unreached, all.checked + all.unreached);
}

// The JSON report `explore --backend B --json` writes for this run.
std::string ExploreJsonOf(const BackendExploreReport& report, const BackendExploreOptions& o,
                          bool sharded) {
  reports::ExploreJson json;
  json.profile = std::string(ProfileName(o.model.profile));
  json.backend = "forgets-current";
  json.depth = o.model.depth;
  json.names = o.model.names;
  json.states = report.states;
  json.transitions = report.all_transitions;
  if (sharded) json.shard = o.shard;
  for (const DivergedTransition& t : report.diverged) {
    json.diverged.push_back({t.edge, t.signature, t.finding, t.path});
  }
  json.checked = report.checked;
  json.unreached = report.unreached;
  return reports::ExploreJsonReport(std::move(json));
}

// Merged, the shards' reports are the unsharded report byte for byte, divergences, known
// findings and counts included.
TEST(ShardTest, MergedExploreShardReportsAreTheUnshardedReport) {
  auto make = [] { return std::make_unique<testing::ForgetsCurrentOnDelete>(); };
  auto known = ParseKnownFindings("forgets-current FX \\(delete: a\\).*got current: null$\n",
                                  "known.txt", "forgets-current");
  ASSERT_TRUE(known.ok()) << known.status().message();
  BackendExploreOptions whole = ExploreShard(Profile::kEsx, 0, 1);
  whole.known = *known;
  const std::string expected = ExploreJsonOf(ExploreBackend(whole, make), whole, false);
  ASSERT_NE(expected.find("\"event\":\"divergence\""), std::string::npos) << expected;
  ASSERT_NE(expected.find("\"event\":\"known\""), std::string::npos) << expected;
  const auto folder =
      std::filesystem::temp_directory_path() / ("snapsim-shard-test-" + std::to_string(::getpid()));
  std::filesystem::create_directories(folder);
  std::vector<std::string> paths;
  constexpr int kShards = 4;
  for (int k = kShards - 1; k >= 0; --k) {  // given in any order
    BackendExploreOptions part = ExploreShard(Profile::kEsx, k, kShards);
    part.known = *known;
    const std::string text = ExploreJsonOf(ExploreBackend(part, make), part, true);
    paths.push_back((folder / ("explore." + std::to_string(k) + ".json")).string());
    std::ofstream(paths.back(), std::ios::binary) << text;
  }
  const auto merged = reports::MergeShardReports(paths);
  std::filesystem::remove_all(folder);
  ASSERT_TRUE(merged.ok()) << merged.status().message();
  EXPECT_EQ(merged->json, expected);
  EXPECT_TRUE(merged->failed);
  EXPECT_EQ(merged->shards, kShards);
}

}  // namespace
}  // namespace snapsim::simulator
