#include "simulator/host/cleanup.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "simulator/host/temp_dir.h"

namespace snapsim::simulator {
namespace {

namespace fs = std::filesystem;

TEST(CleanupTest, RemoveTreeRemovesNestedFoldersFilesAndSymlinksWithoutFollowingThem) {
  auto outside = TempDir::Create("snapsim-cleanup-outside-");
  auto dir = TempDir::Create("snapsim-cleanup-");
  ASSERT_TRUE(outside.ok() && dir.ok());
  const std::string kept = outside->File("kept");
  std::ofstream(kept) << "x";
  fs::create_directories(dir->File("a/b/c"));
  for (int i = 0; i < 300; ++i) std::ofstream(dir->File("a/b/f" + std::to_string(i))) << i;
  fs::create_symlink(outside->path(), dir->File("a/link"));
  const std::string path = dir->path();
  EXPECT_TRUE(cleanup::RemoveTree(path.c_str()));
  EXPECT_FALSE(fs::exists(path));
  EXPECT_TRUE(fs::exists(kept)) << "a symlink was followed";
  EXPECT_TRUE(cleanup::RemoveTree(path.c_str())) << "a missing folder is not an error";
}

TEST(CleanupTest, RunAllKillsRegisteredChildrenAndRemovesRegisteredFolders) {
  auto dir = TempDir::Create("snapsim-cleanup-");
  ASSERT_TRUE(dir.ok());
  std::ofstream(dir->File("f")) << "x";
  const pid_t child = ::fork();
  if (child == 0) {
    ::pause();
    ::_exit(0);
  }
  ASSERT_GT(child, 0);
  ASSERT_TRUE(cleanup::RegisterPid(child));
  ASSERT_TRUE(cleanup::RegisterFolder(dir->path()));
  cleanup::RunAll();
  EXPECT_FALSE(fs::exists(dir->path()));
  // RunAll reaped the child: it is gone, not a zombie waiting for us.
  EXPECT_EQ(::kill(child, 0), -1);
  EXPECT_EQ(errno, ESRCH);
}

TEST(CleanupTest, ForgottenEntriesAreLeftAlone) {
  auto dir = TempDir::Create("snapsim-cleanup-");
  ASSERT_TRUE(dir.ok());
  cleanup::ForgetFolder(dir->path());  // TempDir registered it itself
  ASSERT_TRUE(cleanup::RegisterFolder(dir->path()));
  cleanup::ForgetFolder(dir->path());
  cleanup::RunAll();
  EXPECT_TRUE(fs::exists(dir->path()));
  EXPECT_FALSE(cleanup::RegisterFolder("relative/path"));
}

TEST(CleanupTest, ATempDirIsRegisteredBeforeItIsReturned) {
  auto dir = TempDir::Create("snapsim-cleanup-");
  ASSERT_TRUE(dir.ok());
  const std::string path = dir->path();
  cleanup::RunAll();  // what SIGINT or SIGTERM would do now
  EXPECT_FALSE(fs::exists(path));
}

// The signal path (SIGTERM, SIGINT on a real run) is tested end to end in
// qemu_backend_test.cc (QemuKillTest).

}  // namespace
}  // namespace snapsim::simulator
