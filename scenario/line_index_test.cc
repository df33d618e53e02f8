// Positions in big files: one line index per file, so finding a step's line and column does
// not rescan the text. Work is counted (comparisons of the index's binary search), never
// timed; bench/lint/lint_big_files.sh measures the time.
#include "scenario/line_index.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <bit>
#include <string>

#include <fmt/format.h>

#include "scenario/loader.h"
#include "scenario/yaml_reader.h"

namespace snapsim::scenario {
namespace {

using internal::LineIndex;
using internal::TextPosition;

// What the index replaces: a scan from the start of the text.
TextPosition ScanFromStart(const std::string& text, size_t offset) {
  TextPosition position;
  for (size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++position.line;
      position.column = 1;
    } else {
      ++position.column;
    }
  }
  return position;
}

// The most comparisons one binary search over `lines` line starts may make.
uint64_t LookupBound(size_t lines) { return std::bit_width(lines) + 1; }

RC_GTEST_PROP(LineIndexProp, AgreesWithAScanFromTheStart, ()) {
  const std::string text =
      *rc::gen::container<std::string>(rc::gen::element('a', ' ', '\n', '\xC3', '\xA9'));
  const size_t offset = *rc::gen::inRange<size_t>(0, text.size() + 2);
  const LineIndex index(text);
  const TextPosition got = index.At(offset);
  const TextPosition want = ScanFromStart(text, offset);
  RC_ASSERT(got.line == want.line);
  RC_ASSERT(got.column == want.column);
  RC_ASSERT(index.comparisons() <= LookupBound(index.line_count()));
}

TEST(LineIndexTest, LineStartsAndEnds) {
  const LineIndex index("ab\n\ncd");
  ASSERT_EQ(index.line_count(), 3u);
  EXPECT_EQ(index.LineStart(1), 3u);
  EXPECT_EQ(index.LineEnd(1), 3u);
  EXPECT_EQ(index.LineStart(2), 4u);
  EXPECT_EQ(index.LineEnd(2), 6u);
  EXPECT_EQ(index.At(5).line, 3);
  EXPECT_EQ(index.At(5).column, 2);
}

// 200,000 steps in one file (3 + 200,000 lines).
std::string BigScenario(int steps) {
  std::string yaml = "snapsim: 1\nhypervisor: test\nsteps:\n";
  for (int i = 0; i < steps; ++i) {
    switch (i % 4) {
      case 0: yaml += fmt::format("  - create: S{}\n", i); break;
      case 1: yaml += "  - write: {offset: 0, length: 512, fill: 1}\n"; break;
      case 2: yaml += "  - expect: {state: shutoff}\n"; break;
      default: yaml += fmt::format("  - delete: {{name: S{}, metadata-only: true}}\n", i - 3);
    }
  }
  return yaml;
}

TEST(LineIndexTest, A200000StepFileLoadsWithEveryStepAtItsLine) {
  constexpr int kSteps = 200'000;
  const std::string yaml = BigScenario(kSteps);
  auto loaded = LoadScenarioText(yaml, "big.yaml");
  ASSERT_TRUE(std::holds_alternative<Scenario>(loaded)) << std::get<LoadError>(loaded).ToString();
  const Scenario& scenario = std::get<Scenario>(loaded);
  ASSERT_EQ(scenario.steps.size(), static_cast<size_t>(kSteps));
  for (int i = 0; i < kSteps; ++i) {
    ASSERT_EQ(scenario.steps[i].where.line, 4 + i) << "step " << i;
    ASSERT_EQ(scenario.steps[i].where.column, 5) << "step " << i;
  }
}

TEST(LineIndexTest, LocatingEveryByteOfA200000StepFileIsLogarithmicPerLookup) {
  const std::string yaml = BigScenario(200'000);
  const internal::YamlReader reader("big.yaml", yaml);
  const size_t lines = reader.lines().line_count();
  ASSERT_EQ(lines, 200'004u);  // the text ends with '\n': an empty last line
  uint64_t lookups = 0;
  for (size_t offset = 0; offset < yaml.size(); offset += 7, ++lookups) {
    const SourceLocation where = reader.WhereByte(offset);
    ASSERT_GE(where.line, 1);
  }
  // A scan from the start would cost about yaml.size() / 2 per lookup.
  EXPECT_LE(reader.lines().comparisons(), lookups * LookupBound(lines));
}

}  // namespace
}  // namespace snapsim::scenario
