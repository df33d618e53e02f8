#include "model/explore.h"

#include <set>

#include <gtest/gtest.h>
#include <xxhash.h>

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

// Two threads give the sequential search's result exactly, on every profile.
TEST(ExploreTest, ThreadsDoNotChangeTheResult) {
  for (bool symmetry : {false, true}) {
    for (Profile p : {Profile::kEsx, Profile::kQemu, Profile::kVbox, Profile::kTest}) {
      ExploreOptions o;
      o.profile = p;
      o.depth = 4;
      o.names = 3;
      o.symmetry = symmetry;
      const ExploreResult one = Explore(o);
      o.threads = 2;
      o.chunk_states = 7;  // many chunks in every level but the first
      const ExploreResult two = Explore(o);
      const std::string what = std::string(ProfileName(p)) + (symmetry ? " symmetric" : "");
      EXPECT_EQ(one.states, two.states) << what;
      EXPECT_EQ(one.transitions, two.transitions) << what;
      EXPECT_EQ(one.refused, two.refused) << what;
      EXPECT_EQ(one.states_per_depth, two.states_per_depth) << what;
      EXPECT_GT(two.bytes_per_state, 0u);
      // 16-byte path records and hash slots at most half full; with symmetry also the
      // plain hashes of up to 3! states of each class.
      EXPECT_LE(two.bytes_per_state, symmetry ? 256u : 64u) << what;
    }
  }
}

// The same counterexample, and the same counts up to it, with two threads.
TEST(ExploreTest, ThreadsFindTheSameCounterexample) {
  ExploreOptions o;
  o.profile = Profile::kQemu;
  o.depth = 5;
  o.names = 2;
  // A pretend invariant broken by about one state in 3,000 (by the hash of its canonical
  // text, so pure and safe on several threads): the first is met inside a wide level,
  // after chunks that other threads may finish earlier.
  o.extra_check = [](const Model& m) {
    const std::string text = m.Canonical();
    if (XXH3_64bits(text.data(), text.size()) % 3000 == 17)
      return Status::Error(ErrorClass::kInternalError, "the rare state");
    return Status::Ok();
  };
  const ExploreResult one = Explore(o);
  o.threads = 2;
  o.chunk_states = 5;
  const ExploreResult two = Explore(o);
  ASSERT_TRUE(one.violation.has_value());
  ASSERT_TRUE(two.violation.has_value());
  EXPECT_GT(one.states, 5u * 20) << "found past the first chunks";
  EXPECT_EQ(one.states, two.states);
  EXPECT_EQ(one.transitions, two.transitions);
  EXPECT_EQ(scenario::WriteScenario(one.violation->scenario),
            scenario::WriteScenario(two.violation->scenario));
}

TEST(ExploreTest, SymmetricCanonicalRenamesAndSortsTakenLines) {
  const std::string text =
      "qemu running current#1\n#0 b parent#-1 running mem1 internal\n"
      "#1 a parent#0 running mem0 internal\ndisk vda 1048576\n cur x\n"
      "taken a: 1\ntaken b: 2\n";
  // Swapping a and b gives "#0 a ... #1 b ..." (smaller) and the taken lines re-sorted.
  EXPECT_EQ(SymmetricCanonical(text, 2),
            "qemu running current#1\n#0 a parent#-1 running mem1 internal\n"
            "#1 b parent#0 running mem0 internal\ndisk vda 1048576\n cur x\n"
            "taken a: 2\ntaken b: 1\n");
  EXPECT_EQ(SymmetricCanonical(text, 1), text);  // only a may be renamed: nothing to swap
}

// Under symmetry the search reaches exactly the classes of the states the full search
// reaches (every state's class, by SymmetricCanonical), one state per class, and the
// verdicts agree; on every profile, at small depths.
TEST(ExploreTest, SymmetryKeepsTheReachableClassesAndVerdicts) {
  for (Profile p : {Profile::kEsx, Profile::kQemu, Profile::kVbox, Profile::kTest}) {
    for (int names : {2, 3}) {
      ExploreOptions o;
      o.profile = p;
      o.depth = 3;
      o.names = names;
      std::set<std::string> full, reduced;
      const std::string initial = SymmetricCanonical(
          Model(p, PowerState::kShutoff, {{"vda", o.disk_bytes}}).Canonical(), names);
      full.insert(initial);
      reduced.insert(initial);
      o.extra_check = [&](const Model& m) {
        full.insert(SymmetricCanonical(m.Canonical(), names));
        return Status::Ok();
      };
      const ExploreResult plain = Explore(o);
      o.symmetry = true;
      o.extra_check = [&](const Model& m) {
        reduced.insert(SymmetricCanonical(m.Canonical(), names));
        return Status::Ok();
      };
      const ExploreResult symmetric = Explore(o);
      const std::string what = std::string(ProfileName(p)) + " names " + std::to_string(names);
      EXPECT_FALSE(plain.violation.has_value()) << what;
      EXPECT_FALSE(symmetric.violation.has_value()) << what;
      EXPECT_EQ(full, reduced) << what;
      EXPECT_EQ(symmetric.states, full.size()) << what;
      EXPECT_LT(symmetric.states, plain.states) << what << ": symmetry merges states";
    }
  }
}

// A broken invariant that does not name a snapshot is found with and without symmetry,
// with shortest paths of the same length.
TEST(ExploreTest, SymmetryFindsTheSameViolationDepth) {
  for (Profile p : {Profile::kEsx, Profile::kQemu, Profile::kVbox, Profile::kTest}) {
    ExploreOptions o;
    o.profile = p;
    o.depth = 5;
    o.names = 3;
    o.extra_check = [](const Model& m) {
      if (m.Snapshots().size() == 3) return Status::Error(ErrorClass::kInternalError, "three");
      return Status::Ok();
    };
    const ExploreResult plain = Explore(o);
    o.symmetry = true;
    const ExploreResult symmetric = Explore(o);
    ASSERT_TRUE(plain.violation.has_value()) << ProfileName(p);
    ASSERT_TRUE(symmetric.violation.has_value()) << ProfileName(p);
    EXPECT_EQ(plain.violation->scenario.steps.size(), symmetric.violation->scenario.steps.size())
        << ProfileName(p);
  }
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
