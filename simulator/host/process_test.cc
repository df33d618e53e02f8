#include "simulator/host/run_process.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "simulator/host/temp_dir.h"

namespace snapsim::simulator {
namespace {

TEST(ProcessTest, CapturesStdoutStderrAndTheExitStatus) {
  auto result = RunProcess({"sh", "-c", "printf out; printf err >&2; exit 3"});
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->stdout_text, "out");
  EXPECT_EQ(result->stderr_text, "err");
  EXPECT_EQ(result->exit_status, 3);
  EXPECT_FALSE(result->succeeded());
  EXPECT_EQ(result->DescribeEnd(1000), "exit status 3");
}

TEST(ProcessTest, ArgumentsAreNeverInterpretedByAShell) {
  auto result = RunProcess({"printf", "%s|", "a b", "$HOME", "';'"});
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->stdout_text, "a b|$HOME|';'|");
  EXPECT_TRUE(result->succeeded());
}

TEST(ProcessTest, LargeOutputOnBothStreamsDoesNotDeadlock) {
  auto result = RunProcess({"sh", "-c", "head -c 300000 /dev/zero; head -c 300000 /dev/zero >&2"});
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->stdout_text.size(), 300000u);
  EXPECT_EQ(result->stderr_text.size(), 300000u);
}

TEST(ProcessTest, ATimeoutKillsTheChild) {
  auto result = RunProcess({"sleep", "10"}, ProcessOptions{"", 200});
  ASSERT_TRUE(result.ok());
  EXPECT_TRUE(result->timed_out);
  EXPECT_FALSE(result->succeeded());
  EXPECT_LT(result->elapsed_ms, 5000);
  EXPECT_EQ(result->DescribeEnd(200), "timed out after 200 ms");
}

TEST(ProcessTest, RunsInTheWorkingDirectory) {
  auto dir = TempDir::Create("snapsim-process-test-");
  ASSERT_TRUE(dir.ok());
  auto result = RunProcess({"pwd"}, ProcessOptions{dir->path(), 5000});
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->stdout_text, dir->path() + "\n");
}

TEST(ProcessTest, AMissingProgramIsAnError) {
  auto result = RunProcess({"snapsim-no-such-program"});
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.status().message().find("not found on PATH"), std::string::npos);
  EXPECT_FALSE(RunProcess({}).ok());
  EXPECT_FALSE(FindProgram("snapsim-no-such-program").has_value());
  EXPECT_TRUE(FindProgram("sh").has_value());
}

TEST(ProcessTest, CommandLineQuotesOnlyWhatNeedsIt) {
  EXPECT_EQ(CommandLine({"qemu-io", "-c", "write -P 0xaa 0 1", "it's"}),
            "qemu-io -c 'write -P 0xaa 0 1' 'it'\\''s'");
}

TEST(TempDirTest, RemovesItsFolderAndOnlyThat) {
  std::string path;
  {
    auto dir = TempDir::Create("snapsim-temp-dir-test-");
    ASSERT_TRUE(dir.ok());
    path = dir->path();
    ASSERT_TRUE(std::filesystem::is_directory(path));
    std::filesystem::create_directories(dir->File("a/b"));
    TempDir moved = std::move(*dir);
    EXPECT_TRUE(dir->path().empty());
    EXPECT_EQ(moved.path(), path);
  }
  EXPECT_FALSE(std::filesystem::exists(path));
  EXPECT_FALSE(TempDir::Create("bad/prefix").ok());
}

}  // namespace
}  // namespace snapsim::simulator
