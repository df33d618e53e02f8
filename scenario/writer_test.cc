#include "scenario/writer.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>
#include <yaml-cpp/yaml.h>

#include <filesystem>

#include "scenario/loader.h"
#include "scenario/testing/scenario_generators.h"

namespace snapsim::scenario {
namespace {

const std::string kTestdata = SNAPSIM_SCENARIO_TESTDATA;

Scenario MustLoadFile(const std::string& path) {
  auto loaded = LoadScenarioFile(path);
  if (auto* error = std::get_if<LoadError>(&loaded)) {
    ADD_FAILURE() << error->ToString();
    return Scenario();
  }
  return std::get<Scenario>(loaded);
}

TEST(Writer, SpecExampleInCanonicalForm) {
  Scenario s = MustLoadFile(kTestdata + "/valid/spec_example.yaml");
  EXPECT_EQ(WriteScenario(s), R"(snapsim: 1
name: spec_example
description: ESX folds a deleted running snapshot into its parent (base -> A -> B -> C).
hypervisor: esx
domain: {state: running}
steps:
  - write: {offset: 0, length: 1MiB, fill: 0xA1}
  - create: A
  - write: {offset: 1MiB, length: 64KiB, seed: 7}
  - create: B
  - create: C
  - write: {offset: 2MiB, length: 4KiB, fill: 0xC3}
  - delete: C
  - expect:
      state: running
      current: B
      tree: {A: {B: {}}}
      disk:
        vda:
          - {offset: 0, length: 1MiB, fill: 0xA1}
          - {offset: 2MiB, length: 4KiB, fill: 0xC3}
  - delete: nosuch
    error: no-domain-snapshot
)");
}

TEST(Writer, ShortAndLongForms) {
  Scenario s;
  s.name = "forms";
  s.hypervisor = Profile::kQemu;
  s.disks = {DiskSpec{"sda", 1536}, DiskSpec{"sdb", 3ull << 30}};
  Create create{"A", MemoryMode::kNo, Location::kExternal, true, false, true};
  s.steps = {Step{Start{}, {}, {}},
             Step{Pause{}, ErrorClass::kOperationInvalid, {}},
             Step{Write{"sdb", 1536ull << 10, 512, Seed{3}}, {}, {}},
             Step{create, {}, {}},
             Step{Delete{"yes"}, AnyError{}, {}},
             Step{Expect{}, {}, {}}};
  EXPECT_EQ(WriteScenario(s), R"(snapsim: 1
name: forms
hypervisor: qemu
domain:
  disks:
    - {name: sda, size: 1536}
    - {name: sdb, size: 3GiB}
steps:
  - start
  - pause: {}
    error: operation-invalid
  - write: {disk: sdb, offset: 1536KiB, length: 512, seed: 3}
  - create: {name: A, memory: no, location: external, disk-only: true, halt: true}
  - delete: "yes"
    error: any
  - expect: {}
)");
}

TEST(QuoteScalar, QuotesOnlyWhatYamlWouldMisread) {
  EXPECT_EQ(QuoteScalar("snap-1.b/c", false), "snap-1.b/c");
  EXPECT_EQ(QuoteScalar("a, b", false), "a, b");
  EXPECT_EQ(QuoteScalar("a, b", true), "\"a, b\"");
  EXPECT_EQ(QuoteScalar("null", false), "\"null\"");
  EXPECT_EQ(QuoteScalar("~", false), "\"~\"");
  EXPECT_EQ(QuoteScalar("", false), "\"\"");
  EXPECT_EQ(QuoteScalar("key: value", false), "\"key: value\"");
  EXPECT_EQ(QuoteScalar("-x", false), "\"-x\"");
  EXPECT_EQ(QuoteScalar("say \"hi\"\n", false), "\"say \\\"hi\\\"\\n\"");
}

RC_GTEST_PROP(QuoteScalar, ReadsBackAsTheSameString, ()) {
  std::string text = *rc::gen::container<std::string>(rc::gen::oneOf(
      rc::gen::inRange<char>(0x01, 0x7f),
      rc::gen::element<char>(' ', ':', '#', '-', ',', '[', '{', '"', '\\', '\n', '\t')));
  bool in_flow = *rc::gen::arbitrary<bool>();
  std::string yaml =
      in_flow ? "{k: " + QuoteScalar(text, true) + "}" : "k: " + QuoteScalar(text, false);
  YAML::Node node = YAML::Load(yaml);
  RC_ASSERT(node["k"].IsScalar());
  RC_ASSERT(node["k"].Scalar() == text);
}

TEST(Writer, RoundTripsEveryValidExample) {
  for (const auto& entry : std::filesystem::directory_iterator(kTestdata + "/valid")) {
    Scenario s = MustLoadFile(entry.path().string());
    std::string text = WriteScenario(s);
    auto reloaded = LoadScenarioText(text, entry.path().string());
    ASSERT_TRUE(std::holds_alternative<Scenario>(reloaded))
        << std::get<LoadError>(reloaded).ToString() << "\n"
        << text;
    EXPECT_EQ(std::get<Scenario>(reloaded), s) << text;
    EXPECT_EQ(WriteScenario(std::get<Scenario>(reloaded)), text);
  }
}

RC_GTEST_PROP(Writer, GeneratedScenariosRoundTrip, ()) {
  Scenario s = *testing::GenScenario();
  std::string text = WriteScenario(s);
  RC_LOG() << text;
  auto loaded = LoadScenarioText(text, "generated.yaml");
  if (auto* error = std::get_if<LoadError>(&loaded)) RC_FAIL(error->ToString());
  RC_ASSERT(std::get<Scenario>(loaded) == s);
  RC_ASSERT(WriteScenario(std::get<Scenario>(loaded)) == text);
}

}  // namespace
}  // namespace snapsim::scenario
