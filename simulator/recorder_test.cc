// snapsim record: on the model, recording a corpus file reproduces the file's own
// outcomes and expectations, byte for byte; what it fills in holds when run.
#include "simulator/recorder.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "scenario/loader.h"
#include "scenario/writer.h"
#include "simulator/model_backend.h"
#include "simulator/runner.h"
#include "simulator/testing/fault_injecting_backend.h"

namespace snapsim::simulator {
namespace {

const std::string kCorpus = std::string(SNAPSIM_SOURCE_DIR) + "/scenarios";

std::vector<std::string> CorpusFiles() {
  auto files = scenario::CollectScenarioFiles({kCorpus});
  return std::get<std::vector<std::string>>(files);
}

std::string Read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

scenario::Scenario MustLoad(const std::string& text, const std::string& path) {
  auto loaded = scenario::LoadScenarioText(text, path);
  if (auto* error = std::get_if<scenario::LoadError>(&loaded)) {
    ADD_FAILURE() << error->ToString() << "\n" << text;
    return {};
  }
  return std::get<scenario::Scenario>(loaded);
}

RecordedText MustRecord(const std::string& text, const std::string& path,
                        const RecordOptions& options = {}) {
  scenario::Scenario s = MustLoad(text, path);
  auto written = WriteRecording(text, s, RecordSteps(s, nullptr, options), options);
  if (!written.ok()) {
    ADD_FAILURE() << written.status().message();
    return {};
  }
  return *written;
}

std::string Changes(const RecordedText& recorded) {
  std::string out;
  for (const RecordChange& c : recorded.changes) out += fmt::format("{}: {}\n", c.line, c.what);
  return out;
}

TEST(Record, EveryCorpusFileIsAlreadyCurrent) {
  const std::vector<std::string> files = CorpusFiles();
  ASSERT_GT(files.size(), 50u);
  for (const std::string& path : files) {
    const std::string text = Read(path);
    RecordedText recorded = MustRecord(text, path);
    EXPECT_TRUE(recorded.changes.empty()) << path << "\n" << Changes(recorded);
    EXPECT_EQ(recorded.text, text) << path;
  }
}

// With every `error:` line taken out, record writes each one back where it was.
TEST(Record, WritesBackEveryErrorOfTheCorpus) {
  static const std::regex kErrorLine(R"(\n +error: [a-z-]+)");
  size_t removed = 0;
  for (const std::string& path : CorpusFiles()) {
    const std::string text = Read(path);
    const std::string stripped = std::regex_replace(text, kErrorLine, "");
    removed += std::count(text.begin(), text.end(), '\n') -
               std::count(stripped.begin(), stripped.end(), '\n');
    RecordedText recorded = MustRecord(stripped, path);
    EXPECT_EQ(recorded.text, text) << path << "\n" << Changes(recorded);
  }
  EXPECT_GT(removed, 100u);
}

// Every expect emptied: record fills each in, and the file then runs clean on the model.
TEST(Record, FillsInEmptiedExpectsThatThenHold) {
  for (const std::string& path : CorpusFiles()) {
    scenario::Scenario original = MustLoad(Read(path), path);
    scenario::Scenario emptied = original;
    size_t expects = 0;
    for (scenario::Step& step : emptied.steps) {
      if (std::holds_alternative<scenario::Expect>(step.action)) {
        step.action = scenario::Expect{};
        ++expects;
      }
    }
    const std::string text = scenario::WriteScenario(emptied);
    RecordedText recorded = MustRecord(text, path);
    EXPECT_EQ(recorded.changes.size(), expects) << path << "\n" << Changes(recorded);
    scenario::Scenario filled = MustLoad(recorded.text, path);
    ModelBackend model;
    ScenarioResult result = RunScenario(filled, model);
    EXPECT_EQ(result.verdict, Verdict::kPass) << path << "\n" << recorded.text;
    // Record again: nothing left to change.
    EXPECT_TRUE(MustRecord(recorded.text, path).changes.empty()) << path;
  }
}

TEST(Record, CorrectsAWrongErrorAndAWrongExpectKeepingTheRest) {
  const std::string text = R"(snapsim: 1
hypervisor: esx
# kept
steps:
  - create: A
    error: operation-invalid
  - revert: B   # a typo, recorded as it fails
  - pause
  - expect: {current: B, state: running}
  # kept too
)";
  RecordedText recorded = MustRecord(text, "case.yaml");
  EXPECT_EQ(recorded.text, R"(snapsim: 1
hypervisor: esx
# kept
steps:
  - create: A
  - revert: B   # a typo, recorded as it fails
    error: no-domain-snapshot
  - pause:
    error: operation-invalid
  - expect:
      state: shutoff
      current: A
  # kept too
)") << Changes(recorded);
  EXPECT_EQ(recorded.changes.size(), 4u) << Changes(recorded);
}

TEST(Record, MarkedStepsAndEveryStepGetAFullExpect) {
  const std::string text =
      "snapsim: 1\nhypervisor: test\nsteps:\n  - start   # record\n  - create: A\n";
  RecordedText marked = MustRecord(text, "case.yaml");
  EXPECT_EQ(marked.text,
            "snapsim: 1\nhypervisor: test\nsteps:\n  - start   # record\n"
            "  - expect:\n      state: running\n      current: null\n"
            "      tree: {}\n      disk:\n        vda:\n"
            "          - {offset: 0, length: 64MiB, fill: 0x00}\n"
            "  - create: A\n");
  RecordOptions every;
  every.every_step = true;
  RecordedText all = MustRecord(text, "case.yaml", every);
  EXPECT_EQ(all.changes.size(), 2u) << Changes(all);
  EXPECT_NE(all.text.find("      current: A\n      tree: {A: {}}\n"), std::string::npos)
      << all.text;
}

// A backend that diverges: said so, and the model's view is recorded unless the backend
// is trusted.
TEST(Record, OnADivergingBackendRecordsTheModelsViewUnlessTrusted) {
  const std::string text = R"(snapsim: 1
hypervisor: test
steps:
  - create: A
  - create: B
  - delete: B
  - expect: {current: A}
)";
  scenario::Scenario s = MustLoad(text, "case.yaml");
  // Deleting the current B makes its parent A current; this backend forgets that.
  testing::ForgetsCurrentOnDelete backend;
  Recording on_model = RecordSteps(s, &backend, {});
  RecordOptions trust;
  trust.trust_backend = true;
  Recording trusted = RecordSteps(s, &backend, trust);
  ASSERT_EQ(on_model.divergences.size(), 1u);
  EXPECT_NE(on_model.divergences[0].find("case.yaml:6: step 3 (delete: B): forgets-current: "
                                         "expected model: "),
            std::string::npos)
      << on_model.divergences[0];
  EXPECT_EQ(trusted.divergences, on_model.divergences);
  EXPECT_NE(on_model.steps[2].observation.current, trusted.steps[2].observation.current);
  auto model_text = WriteRecording(text, s, on_model, {});
  auto trusted_text = WriteRecording(text, s, trusted, trust);
  ASSERT_TRUE(model_text.ok() && trusted_text.ok());
  EXPECT_NE(model_text->text, trusted_text->text);
  EXPECT_NE(trusted_text->text.find("current: null"), std::string::npos) << trusted_text->text;
}

TEST(Record, RefusesLayoutsItCannotEdit) {
  const std::string text = "snapsim: 1\nhypervisor: test\nsteps: [start, start]\n";
  scenario::Scenario s = MustLoad(text, "case.yaml");
  auto written = WriteRecording(text, s, RecordSteps(s, nullptr, {}), {});
  ASSERT_FALSE(written.ok());
  EXPECT_EQ(written.status().fault(), Fault::kBadInput);
  EXPECT_NE(written.status().message().find("case.yaml:3: record cannot edit this step"),
            std::string::npos)
      << written.status().message();
}

}  // namespace
}  // namespace snapsim::simulator
