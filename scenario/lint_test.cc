// snapsim lint's engine: every error of a file at once, the checks that need no backend,
// hints for YAML syntax errors, and warnings.
#include "scenario/lint.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>

#include <unistd.h>

namespace snapsim::scenario {
namespace {

const std::string kLintData = std::string(SNAPSIM_SCENARIO_TESTDATA) + "/lint";

std::vector<Diagnostic> ErrorsOf(const LintReport& report) {
  std::vector<Diagnostic> errors;
  for (const Diagnostic& d : report.diagnostics) {
    if (d.severity == Diagnostic::Severity::kError) errors.push_back(d);
  }
  return errors;
}

std::string Text(const LintReport& report) {
  std::string text;
  for (const Diagnostic& d : report.diagnostics) text += d.ToString() + "\n";
  return text;
}

LintReport Lint(const std::string& yaml) { return LintScenarioText(yaml, "case.yaml"); }

// The file's header lists its mistakes as `# error: LINE:COLUMN: MESSAGE-SUBSTRING`.
TEST(Lint, FindsAllFourMistakesOfAFileAtOnce) {
  const std::string path = kLintData + "/four_mistakes.yaml";
  std::ifstream in(path);
  std::vector<std::smatch> expected;
  std::vector<std::string> lines;
  static const std::regex kError(R"(^# error: (\d+):(\d+): (.+)$)");
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  LintReport report = LintScenarioFile(path);
  std::vector<Diagnostic> errors = ErrorsOf(report);
  size_t listed = 0;
  for (const std::string& line : lines) {
    std::smatch match;
    if (!std::regex_match(line, match, kError)) continue;
    ASSERT_LT(listed, errors.size()) << "lint found fewer errors than listed:\n" << Text(report);
    const Diagnostic& error = errors[listed++];
    EXPECT_EQ(error.where.file, path);
    EXPECT_EQ(error.where.line, std::stoi(match[1])) << error.ToString();
    EXPECT_EQ(error.where.column, std::stoi(match[2])) << error.ToString();
    EXPECT_NE(error.message.find(match[3].str()), std::string::npos)
        << "expected '" << match[3] << "' in: " << error.ToString();
  }
  EXPECT_EQ(listed, 4u);
  EXPECT_EQ(errors.size(), 4u) << Text(report);
  // The loader alone stops at the first.
  auto loaded = LoadScenarioFile(path);
  ASSERT_TRUE(std::holds_alternative<LoadError>(loaded));
  EXPECT_EQ(std::get<LoadError>(loaded).where.line, 13);
}

TEST(Lint, ACleanFileHasNoDiagnostics) {
  LintReport report = Lint(R"(snapsim: 1
hypervisor: esx
steps:
  - create: A
  - revert: A
  - delete: nosuch
    error: no-domain-snapshot
  - expect: {current: A, tree: {A: {}}, disk: {vda: {equals: A}}}
)");
  EXPECT_TRUE(report.diagnostics.empty()) << Text(report);
}

TEST(Lint, OnlyACreateWithoutErrorMakesASnapshot) {
  LintReport report = Lint(R"(snapsim: 1
hypervisor: esx
steps:
  - create: A
    error: any
  - revert: A
  - expect: {disk: {vda: {equals: A}}}
)");
  std::vector<Diagnostic> errors = ErrorsOf(report);
  ASSERT_EQ(errors.size(), 2u) << Text(report);
  EXPECT_EQ(errors[0].where.line, 6);
  EXPECT_NE(errors[0].message.find("revert 'A': no earlier step creates"), std::string::npos);
  EXPECT_EQ(errors[1].where.line, 7);
  EXPECT_NE(errors[1].message.find("{equals: A}"), std::string::npos);
}

TEST(Lint, ASnapshotIsNeededBeforeTheStepNotAfter) {
  LintReport report = Lint(R"(snapsim: 1
hypervisor: test
steps:
  - delete: A
  - create: A
)");
  ASSERT_EQ(report.errors(), 1u) << Text(report);
  EXPECT_EQ(report.diagnostics[0].where.line, 4);
}

TEST(Lint, AStepThatFailsToLoadStillCreatesItsSnapshot) {
  // The create has a typo in a flag; the revert after it is not a second error.
  LintReport report = Lint(R"(snapsim: 1
hypervisor: esx
steps:
  - create: {name: A, memroy: no}
  - revert: A
  - expect: {current: A}
)");
  ASSERT_EQ(report.errors(), 1u) << Text(report);
  EXPECT_NE(report.diagnostics[0].message.find("did you mean 'memory'"), std::string::npos);
}

TEST(Lint, ReportsTopLevelDomainAndStepErrorsTogether) {
  LintReport report = Lint(R"(snapsim: 1
hypervisor: exs
colour: blue
domain:
  state: asleep
  disks:
    - {name: vda, size: 64MB}
steps:
  - strat
  - write: {disk: vda, offset: 100, length: 512, fill: 1}
  - pause:
    error: no-snapshot
)");
  std::vector<int> lines;
  for (const Diagnostic& d : ErrorsOf(report)) lines.push_back(d.where.line);
  EXPECT_EQ(lines, (std::vector<int>{2, 3, 5, 7, 9, 10, 12})) << Text(report);
}

TEST(Lint, StopsAtTheLimit) {
  std::string yaml = "snapsim: 1\nhypervisor: test\nsteps:\n";
  for (int i = 0; i < 20; ++i) yaml += "  - strat\n";
  LintReport report = LintScenarioText(yaml, "case.yaml", 5);
  EXPECT_EQ(report.errors(), 5u);
  EXPECT_TRUE(report.truncated);
  EXPECT_EQ(LintScenarioText(yaml, "case.yaml").errors(), 20u);
}

struct SyntaxCase {
  const char* yaml;
  int line;
  const char* hint;
};

TEST(Lint, SyntaxErrorsComeWithTheirLikelyCause) {
  const SyntaxCase cases[] = {
      {"snapsim: 1\nhypervisor: esx\n\tsteps:\n  - start\n", 3, "line 3 indents with a tab"},
      {"snapsim: 1\nhypervisor: esx\ndescription: Revert: drops writes\nsteps:\n  - start\n", 3,
       "put the value in quotes"},
      {"snapsim: 1\nhypervisor: esx\nsteps:\n  - start\n  create: A\n", 5, "a missing '-'?"},
      {"snapsim: 1\nhypervisor: esx\n  steps:\n  - start\n", 3,
       "line 3 is indented deeper than line 2"},
      {"snapsim: 1\nhypervisor: esx\nsteps: [start, pause\n", 4,
       "the '[' on line 3 is never closed"},
      {"snapsim: 1\nhypervisor: esx\nsteps: - start\n", 3, "a list cannot start on its key's line"},
  };
  for (const SyntaxCase& c : cases) {
    LintReport report = Lint(c.yaml);
    ASSERT_EQ(report.errors(), 1u) << c.yaml << Text(report);
    const Diagnostic& error = report.diagnostics[0];
    EXPECT_NE(error.message.find("YAML syntax"), std::string::npos) << error.ToString();
    EXPECT_EQ(error.where.line, c.line) << error.ToString();
    EXPECT_NE(error.hint.find(c.hint), std::string::npos) << c.yaml << error.ToString();
    // run and the loader print the same hint.
    auto loaded = LoadScenarioText(c.yaml, "case.yaml");
    ASSERT_TRUE(std::holds_alternative<LoadError>(loaded));
    EXPECT_EQ(std::get<LoadError>(loaded).hint, error.hint);
  }
}

TEST(Lint, WarnsAboutStepsNoExpectChecks) {
  LintReport report = Lint(R"(snapsim: 1
hypervisor: esx
steps:
  - create: A
  - expect: {current: A}
  - expect: {}
  - start
  - pause:
    error: operation-invalid
  - create: B
)");
  EXPECT_EQ(report.errors(), 0u) << Text(report);
  ASSERT_EQ(report.warnings(), 2u) << Text(report);
  EXPECT_EQ(report.diagnostics[0].where.line, 6);
  EXPECT_NE(report.diagnostics[0].message.find("checks nothing"), std::string::npos);
  // The pause that must fail checks what the start did; the create after it is unchecked.
  EXPECT_EQ(report.diagnostics[1].where.line, 10);
  EXPECT_NE(report.diagnostics[1].message.find("what step 6 (create B) changes"), std::string::npos)
      << Text(report);
  LintReport two = Lint("snapsim: 1\nhypervisor: esx\nsteps:\n  - create: A\n  - start\n");
  ASSERT_EQ(two.warnings(), 1u) << Text(two);
  EXPECT_NE(two.diagnostics[0].message.find("step 1 (create A) and 1 later steps change:"),
            std::string::npos)
      << Text(two);
}

TEST(Lint, AFileEndingInAnErrorStepIsNotWarned) {
  LintReport report = Lint(R"(snapsim: 1
hypervisor: esx
steps:
  - pause:
    error: operation-invalid
)");
  EXPECT_TRUE(report.diagnostics.empty()) << Text(report);
}

TEST(CollectScenarioFiles, TakesYmlLikeYaml) {
  namespace fs = std::filesystem;
  const fs::path dir =
      fs::temp_directory_path() / ("snapsim-lint-test-" + std::to_string(getpid()));
  fs::create_directories(dir / "sub");
  std::ofstream(dir / "a.yaml") << "x";
  std::ofstream(dir / "sub" / "b.yml") << "x";
  std::ofstream(dir / "c.txt") << "x";
  auto files = CollectScenarioFiles({dir.string()});
  fs::remove_all(dir);
  ASSERT_TRUE(std::holds_alternative<std::vector<std::string>>(files));
  const auto& list = std::get<std::vector<std::string>>(files);
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(fs::path(list[0]).filename(), "a.yaml");
  EXPECT_EQ(fs::path(list[1]).filename(), "b.yml");
}

}  // namespace
}  // namespace snapsim::scenario
