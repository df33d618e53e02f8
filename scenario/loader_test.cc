#include "scenario/loader.h"
#include "scenario/writer.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>

#include <fmt/format.h>

namespace snapsim::scenario {
namespace {

const std::string kTestdata = SNAPSIM_SCENARIO_TESTDATA;

Scenario MustLoad(std::string_view yaml, const std::string& path = "dir/my_case.yaml") {
  auto loaded = LoadScenarioText(yaml, path);
  if (auto* error = std::get_if<LoadError>(&loaded)) {
    ADD_FAILURE() << error->ToString();
    return Scenario();
  }
  return std::get<Scenario>(loaded);
}

LoadError MustFail(std::string_view yaml) {
  auto loaded = LoadScenarioText(yaml, "bad.yaml");
  EXPECT_TRUE(std::holds_alternative<LoadError>(loaded)) << yaml;
  return std::holds_alternative<LoadError>(loaded) ? std::get<LoadError>(loaded) : LoadError();
}

TEST(Loader, SpecExampleLoadsToTheExpectedScenario) {
  auto loaded = LoadScenarioFile(kTestdata + "/valid/spec_example.yaml");
  ASSERT_TRUE(std::holds_alternative<Scenario>(loaded)) << std::get<LoadError>(loaded).ToString();
  const Scenario& s = std::get<Scenario>(loaded);

  Scenario expected;
  expected.name = "spec_example";
  expected.description =
      "ESX folds a deleted running snapshot into its parent (base -> A -> B -> C).";
  expected.hypervisor = Profile::kEsx;
  expected.initial_state = PowerState::kRunning;
  expected.disks = {DiskSpec{"vda", 64ull << 20}};
  Expect expect;
  expect.state = PowerState::kRunning;
  expect.current = std::optional<std::string>("B");
  expect.tree = Tree{{{"A", Tree{{{"B", Tree{}}}}}}};
  expect.disks = {DiskCheck{
      "vda",
      std::vector<RangeCheck>{{0, 1ull << 20, Fill{0xA1}, {}}, {2ull << 20, 4096, Fill{0xC3}, {}}},
      {}}};
  expected.steps = {
      Step{Write{"vda", 0, 1ull << 20, Fill{0xA1}}, {}, {}},
      Step{Create{"A"}, {}, {}},
      Step{Write{"vda", 1ull << 20, 64ull << 10, Seed{7}}, {}, {}},
      Step{Create{"B"}, {}, {}},
      Step{Create{"C"}, {}, {}},
      Step{Write{"vda", 2ull << 20, 4096, Fill{0xC3}}, {}, {}},
      Step{Delete{"C"}, {}, {}},
      Step{expect, {}, {}},
      Step{Delete{"nosuch"}, ErrorClass::kNoDomainSnapshot, {}},
  };
  EXPECT_EQ(s, expected);
  EXPECT_EQ(s.path, kTestdata + "/valid/spec_example.yaml");

  // Locations point at each step's action key, each disk check and each range.
  EXPECT_EQ(s.steps[0].where.line, 6);
  EXPECT_EQ(s.steps[0].where.column, 5);
  EXPECT_EQ(s.steps[8].where.line, 21);
  EXPECT_EQ(s.steps[8].where.file, s.path);
  const auto& disk = std::get<Expect>(s.steps[7].action).disks[0];
  EXPECT_EQ(disk.where.line, 18);
  EXPECT_EQ(disk.where.column, 9);
  const auto& ranges = std::get<std::vector<RangeCheck>>(disk.check);
  EXPECT_EQ(ranges[1].where.line, 20);
  EXPECT_EQ(ranges[1].where.column, 13);
}

TEST(Loader, DefaultsNameDiskAndState) {
  Scenario s = MustLoad("snapsim: 1\nhypervisor: vbox\nsteps: [start]\n");
  EXPECT_EQ(s.name, "my_case");
  EXPECT_EQ(s.description, "");
  EXPECT_EQ(s.hypervisor, Profile::kVbox);
  EXPECT_EQ(s.initial_state, PowerState::kShutoff);
  ASSERT_EQ(s.disks.size(), 1u);
  EXPECT_EQ(s.disks[0], (DiskSpec{"vda", kDefaultDiskSizeBytes}));
  EXPECT_TRUE(s.tags.empty());
}

TEST(Loader, ArgumentFreeActionsHaveThreeSpellings) {
  Scenario s = MustLoad(R"(snapsim: 1
hypervisor: test
steps:
  - start
  - pause:
  - resume: {}
  - shutdown:
    error: any
)");
  ASSERT_EQ(s.steps.size(), 4u);
  EXPECT_TRUE(std::holds_alternative<Start>(s.steps[0].action));
  EXPECT_TRUE(std::holds_alternative<Pause>(s.steps[1].action));
  EXPECT_TRUE(std::holds_alternative<Resume>(s.steps[2].action));
  EXPECT_TRUE(std::holds_alternative<Shutdown>(s.steps[3].action));
  EXPECT_EQ(s.steps[3].error, ExpectedError(AnyError{}));
  EXPECT_EQ(s.steps[3].where.line, 7);
}

TEST(Loader, NamedActionsTakeANameOrAMapping) {
  Scenario s = MustLoad(R"(snapsim: 1
hypervisor: esx
steps:
  - create: A
  - create: {name: A, memory: no, quiesce: yes, halt: no}
  - revert: {name: A, running: true, force: yes, suppress-power-on: true}
  - delete: {name: A, discard: yes, suppress-power-on: yes}
  - delete: {name: A, children: true}
)");
  EXPECT_EQ(std::get<Create>(s.steps[0].action), Create{"A"});
  Create create{"A", MemoryMode::kNo, Location::kInternal, false, true, false};
  EXPECT_EQ(std::get<Create>(s.steps[1].action), create);
  EXPECT_EQ(std::get<Revert>(s.steps[2].action), (Revert{"A", true, false, true, true}));
  Delete discard{"A"};
  discard.discard = discard.suppress_power_on = true;
  EXPECT_EQ(std::get<Delete>(s.steps[3].action), discard);
  Delete children{"A"};
  children.children = true;
  EXPECT_EQ(std::get<Delete>(s.steps[4].action), children);
}

TEST(Loader, SetCurrentTakesANameAndWritesBackTheSame) {
  Scenario s = MustLoad(R"(snapsim: 1
hypervisor: qemu
steps:
  - set-current: A
  - set-current: {name: B}
    error: no-domain-snapshot
)");
  EXPECT_EQ(std::get<SetCurrent>(s.steps[0].action), SetCurrent{"A"});
  EXPECT_EQ(std::get<SetCurrent>(s.steps[1].action), SetCurrent{"B"});
  EXPECT_EQ(ActionLabel(s.steps[1].action), "set-current B");
  EXPECT_EQ(WriteStep(s, s.steps[1]), "set-current: B\n    error: no-domain-snapshot");
}

TEST(Loader, WriteDefaultsToTheFirstDeclaredDisk) {
  Scenario s = MustLoad(R"(snapsim: 1
hypervisor: qemu
domain:
  disks:
    - {name: sdb, size: 1MiB}
    - {name: sda, size: 2MiB}
steps:
  - write: {offset: 512, length: 1KiB, fill: 7}
  - write: {disk: sda, offset: 1MiB, length: 1MiB, seed: 0x10}
)");
  EXPECT_EQ(std::get<Write>(s.steps[0].action), (Write{"sdb", 512, 1024, Fill{7}}));
  EXPECT_EQ(std::get<Write>(s.steps[1].action), (Write{"sda", 1ull << 20, 1ull << 20, Seed{16}}));
  // The last sector of sdb is fine; one more is past the end.
  MustLoad(
      "snapsim: 1\nhypervisor: esx\ndomain: {disks: [{name: a, size: 1MiB}]}\n"
      "steps: [{write: {offset: 1023KiB, length: 1KiB, fill: 0}}]\n");
  LoadError error = MustFail(
      "snapsim: 1\nhypervisor: esx\ndomain: {disks: [{name: a, size: 1MiB}]}\n"
      "steps: [{write: {offset: 1023KiB, length: 1536, fill: 0}}]\n");
  EXPECT_NE(error.message.find("past the end of disk 'a'"), std::string::npos);
}

TEST(Loader, QemuOnlyRulesDoNotApplyToOtherProfiles) {
  const char* kCreate = R"(snapsim: 1
hypervisor: {}
steps:
  - create: {{name: A, location: external, memory: yes}}
  - create: {{name: B, disk-only: true, location: internal}}
)";
  MustLoad(fmt::format(fmt::runtime(kCreate), "esx"));
  MustLoad(fmt::format(fmt::runtime(kCreate), "test"));
  LoadError error = MustFail(fmt::format(fmt::runtime(kCreate), "qemu"));
  EXPECT_EQ(error.where.line, 4);
  EXPECT_NE(error.message.find("not modelled"), std::string::npos);
  // Without an explicit location, disk-only is fine on qemu.
  MustLoad("snapsim: 1\nhypervisor: qemu\nsteps: [{create: {name: B, disk-only: true}}]\n");
}

TEST(Loader, FalseFlagsAreNotCombinations) {
  MustLoad(R"(snapsim: 1
hypervisor: esx
steps:
  - create: A
  - delete: {name: A, discard: true, children: false, metadata-only: no}
  - delete: {name: A, suppress-power-on: false}
)");
}

TEST(Loader, CurrentNullAndTrees) {
  Scenario s = MustLoad(R"(snapsim: 1
hypervisor: test
steps:
  - expect: {current: null, tree: {}}
  - expect:
      current:
      tree:
        A:
          B: {}
        C:
)");
  const Expect& first = std::get<Expect>(s.steps[0].action);
  ASSERT_TRUE(first.current.has_value());
  EXPECT_FALSE(first.current->has_value());
  EXPECT_EQ(first.tree, Tree{});
  const Expect& second = std::get<Expect>(s.steps[1].action);
  EXPECT_FALSE(second.current->has_value());
  Tree tree{{{"A", Tree{{{"B", Tree{}}}}}, {"C", Tree{}}}};
  EXPECT_EQ(second.tree, tree);
}

TEST(Loader, ErrorStringHasFileLineColumn) {
  LoadError error =
      MustFail("snapsim: 1\nhypervisor: esx\nsteps:\n  - delete: {name: A, chilren: 1}\n");
  EXPECT_EQ(error.ToString(),
            "bad.yaml:4:23: error: unknown key 'chilren' (did you mean 'children'?)");
  LoadError whole_file;
  whole_file.where.file = "x.yaml";
  whole_file.message = "no such file";
  EXPECT_EQ(whole_file.ToString(), "x.yaml: error: no such file");
}

TEST(Loader, EveryValidExampleLoads) {
  int count = 0;
  for (const auto& entry : std::filesystem::directory_iterator(kTestdata + "/valid")) {
    auto loaded = LoadScenarioFile(entry.path().string());
    EXPECT_TRUE(std::holds_alternative<Scenario>(loaded)) << std::get<LoadError>(loaded).ToString();
    ++count;
  }
  EXPECT_GE(count, 3);
}

TEST(LoadScenarioFile, MissingFileIsAnError) {
  auto loaded = LoadScenarioFile(kTestdata + "/no_such_file.yaml");
  ASSERT_TRUE(std::holds_alternative<LoadError>(loaded));
  EXPECT_EQ(std::get<LoadError>(loaded).message, "no such file");
  EXPECT_TRUE(std::holds_alternative<LoadError>(LoadScenarioFile(kTestdata)));
}

class CollectTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = std::filesystem::path(::testing::TempDir()) /
            ::testing::UnitTest::GetInstance()->current_test_info()->name();
    std::filesystem::remove_all(root_);
    std::filesystem::create_directories(root_ / "b" / "deep");
    std::filesystem::create_directories(root_ / "empty");
    for (const char* file : {"z.yaml", "a.yaml", "notes.txt", "b/deep/c.yaml", "b/a.yml"}) {
      std::ofstream(root_ / file) << "x";
    }
  }
  void TearDown() override { std::filesystem::remove_all(root_); }
  std::filesystem::path root_;
};

TEST_F(CollectTest, FolderMeansEveryYamlAndYmlBelowItSorted) {
  std::string root = root_.string();
  auto files = CollectScenarioFiles({root, root + "/notes.txt"});
  ASSERT_TRUE(std::holds_alternative<std::vector<std::string>>(files));
  std::vector<std::string> expected = {root + "/a.yaml", root + "/b/a.yml", root + "/b/deep/c.yaml",
                                       root + "/z.yaml", root + "/notes.txt"};
  EXPECT_EQ(std::get<std::vector<std::string>>(files), expected);
}

TEST_F(CollectTest, MissingPathAndEmptyFolderAreErrors) {
  auto missing = CollectScenarioFiles({(root_ / "nope").string()});
  ASSERT_TRUE(std::holds_alternative<LoadError>(missing));
  EXPECT_NE(std::get<LoadError>(missing).ToString().find("nope: error: no such file"),
            std::string::npos);
  auto empty = CollectScenarioFiles({(root_ / "empty").string()});
  ASSERT_TRUE(std::holds_alternative<LoadError>(empty));
  EXPECT_NE(std::get<LoadError>(empty).message.find("no *.yaml"), std::string::npos);
}

TEST(Loader, HundredStepFileLoads) {
  // Its speed is measured by bench/scenario/loader_bench, not here.
  std::string yaml = "snapsim: 1\nhypervisor: esx\nsteps:\n";
  for (int i = 0; i < 25; ++i) {
    yaml += fmt::format("  - write: {{offset: {}KiB, length: 4KiB, seed: {}}}\n", i * 4, i);
    yaml += fmt::format("  - create: S{}\n", i);
    yaml += "  - expect: {current: S" + std::to_string(i) + ", state: shutoff}\n";
    yaml += fmt::format("  - delete: {{name: S{}, metadata-only: true}}\n", i);
  }
  EXPECT_EQ(MustLoad(yaml).steps.size(), 100u);
}

}  // namespace
}  // namespace snapsim::scenario

namespace snapsim::scenario {
namespace {

// Inputs libFuzzer once broke the loader with (scenario/fuzz/loader_fuzzer.cc): each must
// now load or fail with a position inside the text.
TEST(LoaderFuzzRegressions, ErrorsPointInsideTheText) {
  const std::string folder = "scenario/testdata/fuzz_regressions";
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(folder)) {
    std::ifstream in(entry.path(), std::ios::binary);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto loaded = LoadScenarioText(text, entry.path().string());
    ++files;
    if (const auto* error = std::get_if<LoadError>(&loaded)) {
      int line = 1;
      size_t start = 0;
      for (size_t i = 0; i < text.size() && line < error->where.line; ++i) {
        if (text[i] == '\n') ++line, start = i + 1;
      }
      ASSERT_EQ(line, error->where.line) << entry.path() << ": " << error->ToString();
      const size_t end = std::min(text.find('\n', start), text.size());
      EXPECT_GE(error->where.column, 1) << entry.path();
      EXPECT_LE(static_cast<size_t>(error->where.column), end - start + 1)
          << entry.path() << ": " << error->ToString();
    }
  }
  EXPECT_GT(files, 0);
}

}  // namespace
}  // namespace snapsim::scenario
