// Scenario files must be UTF-8 (YAML is Unicode text): anything else is rejected at its
// first bad byte; testdata/malformed holds one file per kind of bad sequence.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "scenario/loader.h"
#include "scenario/writer.h"

namespace snapsim::scenario {
namespace {

const std::string kHeader = "snapsim: 1\nhypervisor: test\nsteps:\n";

std::variant<Scenario, LoadError> Load(const std::string& yaml) {
  return LoadScenarioText(yaml, "case.yaml");
}

TEST(Utf8Input, AcceptsAByteOrderMarkAndNonAsciiText) {
  auto loaded = Load("\xEF\xBB\xBF" + kHeader + "  - create: caf\xC3\xA9 \xF0\x9F\x93\xB8\n");
  ASSERT_TRUE(std::holds_alternative<Scenario>(loaded)) << std::get<LoadError>(loaded).ToString();
  const auto& create = std::get<Create>(std::get<Scenario>(loaded).steps.at(0).action);
  EXPECT_EQ(create.name, "caf\xC3\xA9 \xF0\x9F\x93\xB8");
}

// YAML's escapes name code points; all of them load as UTF-8, including the two that
// yaml-cpp decodes into single Latin-1 bytes (\N and \_), and the name round-trips.
TEST(Utf8Input, EveryDoubleQuotedEscapeLoadsAsUtf8) {
  auto loaded = Load(kHeader + "  - create: \"a\\_b\\Nc\\x85d\\u00e9e\\Lf\\U0001F4F8\"\n");
  ASSERT_TRUE(std::holds_alternative<Scenario>(loaded)) << std::get<LoadError>(loaded).ToString();
  const auto& create = std::get<Create>(std::get<Scenario>(loaded).steps.at(0).action);
  EXPECT_EQ(create.name,
            "a\xC2\xA0"
            "b\xC2\x85"
            "c\xC2\x85"
            "d\xC3\xA9"
            "e\xE2\x80\xA8"
            "f\xF0\x9F\x93\xB8");
  auto reloaded = Load(WriteScenario(std::get<Scenario>(loaded)));
  ASSERT_TRUE(std::holds_alternative<Scenario>(reloaded))
      << std::get<LoadError>(reloaded).ToString();
  EXPECT_EQ(std::get<Scenario>(reloaded), std::get<Scenario>(loaded));
}

TEST(Utf8Input, RejectsABadByteAtItsLineAndByteColumn) {
  // The column counts bytes: "  - create: é" is 14 bytes.
  auto loaded = Load(kHeader + "  - create: \xC3\xA9\xFF\n");
  ASSERT_TRUE(std::holds_alternative<LoadError>(loaded));
  const LoadError& error = std::get<LoadError>(loaded);
  EXPECT_EQ(error.ToString(),
            "case.yaml:4:15: error: not UTF-8: byte that never occurs in UTF-8 (byte 0xFF); "
            "scenario files must be UTF-8 text");
}

TEST(Utf8Input, RejectsUtf16) {
  auto loaded =
      Load(std::string("\xFF\xFE"
                       "s\0n\0",
                       6));
  ASSERT_TRUE(std::holds_alternative<LoadError>(loaded));
  EXPECT_EQ(std::get<LoadError>(loaded).where.line, 1);
  EXPECT_EQ(std::get<LoadError>(loaded).where.column, 1);
}

TEST(Utf8Input, RejectsASequenceCutByTheEndOfTheFile) {
  auto loaded = Load(kHeader + "  - create: A\xF0\x9F\x93");
  ASSERT_TRUE(std::holds_alternative<LoadError>(loaded));
  EXPECT_EQ(std::get<LoadError>(loaded).where.column, 14);
  EXPECT_NE(std::get<LoadError>(loaded).message.find("truncated"), std::string::npos);
}

// The file's name is the operating system's bytes, not text: it needs no UTF-8.
TEST(Utf8Input, AFileWhoseNameIsNotUtf8StillLoads) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("snapsim-utf8-input-test-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "snap\xFFshot.yaml").string();
  std::ofstream(path) << kHeader << "  - create: A\n";
  auto loaded = LoadScenarioFile(path);
  std::filesystem::remove_all(dir);
  ASSERT_TRUE(std::holds_alternative<Scenario>(loaded)) << std::get<LoadError>(loaded).ToString();
  EXPECT_EQ(std::get<Scenario>(loaded).name, "snap\xFFshot");
}

}  // namespace
}  // namespace snapsim::scenario
