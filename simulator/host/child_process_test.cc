#include "simulator/host/child_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "simulator/host/temp_dir.h"

namespace snapsim::simulator {
namespace {

TEST(ChildProcessTest, TheChildKeepsOnlyTheDescriptorsItIsGiven) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);  // without close-on-exec: a plain fork/exec would pass them on
  // High numbers, which no descriptor `ls` opens itself can take.
  const int kept = ::fcntl(fds[1], F_DUPFD, 200);
  const int dropped = ::fcntl(fds[0], F_DUPFD, 300);
  ASSERT_GE(kept, 200);
  ASSERT_GE(dropped, 300);
  ChildOptions options;
  options.pipe_stdout = true;
  options.keep_fds = {kept};
  auto child = ChildProcess::Spawn({"sh", "-c", "ls /proc/self/fd"}, options);
  ASSERT_TRUE(child.ok()) << child.status().message();
  std::string out, err;
  EXPECT_FALSE(child->Drain(10'000, &out, &err));
  EXPECT_EQ(child->exit_status(), 0);
  EXPECT_NE(out.find("\n" + std::to_string(kept) + "\n"), std::string::npos) << out;
  EXPECT_EQ(out.find("\n" + std::to_string(dropped) + "\n"), std::string::npos) << out;
  for (int fd : {fds[0], fds[1], kept, dropped}) ::close(fd);
}

TEST(ChildProcessTest, AWorkerSeesEndOfFileWhenTheParentClosesItsEnd) {
  int fds[2];
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds), 0);
  ChildOptions options;
  options.keep_fds = {fds[1]};
  const int worker_end = fds[1];
  auto child = ChildProcess::Fork(
      [worker_end] {
        char byte;
        while (::read(worker_end, &byte, 1) > 0) {
        }
        ::_exit(0);
      },
      options);
  ASSERT_TRUE(child.ok());
  ::close(fds[1]);
  ::close(fds[0]);  // the only other copy of the parent's end was the child's: none now
  EXPECT_TRUE(child->WaitExit(10'000)) << "the worker still holds the parent's end";
  EXPECT_EQ(child->exit_status(), 0);
}

TEST(ChildProcessTest, AProgramThatCannotRunIsAnErrorWithItsReason) {
  auto dir = TempDir::Create("snapsim-child-test-");
  ASSERT_TRUE(dir.ok());
  const std::string script = dir->File("not-executable");
  std::ofstream(script) << "#!/bin/sh\n";
  auto missing = ChildProcess::Spawn({"snapsim-no-such-program"}, {});
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("not found on PATH"), std::string::npos);
  ::chmod(script.c_str(), 0700);
  std::ofstream(script, std::ios::trunc) << "\x7f"
                                            "ELF garbage";
  auto bad = ChildProcess::Spawn({script}, {});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("cannot run"), std::string::npos) << bad.status().message();
}

TEST(ChildProcessTest, KillEndsAndReapsTheChildAndStopClosesStdinFirst) {
  auto sleeper = ChildProcess::Spawn({"sleep", "60"}, {});
  ASSERT_TRUE(sleeper.ok());
  const pid_t pid = sleeper->pid();
  EXPECT_TRUE(sleeper->Alive());
  sleeper->Kill();
  EXPECT_FALSE(sleeper->Alive());
  EXPECT_EQ(sleeper->signal(), SIGKILL);
  EXPECT_EQ(sleeper->DescribeEnd(), "killed by signal 9 (Killed)");
  EXPECT_NE(::kill(pid, 0), 0);  // reaped: the pid is gone

  ChildOptions options;
  options.pipe_stdin = true;
  auto cat = ChildProcess::Spawn({"cat"}, options);
  ASSERT_TRUE(cat.ok());
  cat->Stop(10'000);
  EXPECT_EQ(cat->exit_status(), 0) << cat->DescribeEnd();  // ended on end of file, not killed
}

TEST(ChildProcessTest, TempDirsCarryThePidAndStaleOnesAreSwept) {
  auto dir = TempDir::Create("snapsim-sweep-test-");
  ASSERT_TRUE(dir.ok());
  const std::string mine = dir->path();
  EXPECT_NE(mine.find("-" + std::to_string(::getpid()) + "-"), std::string::npos) << mine;
  // A folder named for a pid that is gone (a child we reaped) is stale; ours is not.
  auto child = ChildProcess::Spawn({"true"}, {});
  ASSERT_TRUE(child.ok());
  ASSERT_TRUE(child->WaitExit(10'000));
  const std::string base = std::filesystem::path(mine).parent_path();
  const std::string stale =
      base + "/snapsim-sweep-test-" + std::to_string(child->pid()) + "-abcdef";
  std::filesystem::create_directories(stale + "/inside");
  SweepStaleTempDirs();
  EXPECT_FALSE(std::filesystem::exists(stale));
  EXPECT_TRUE(std::filesystem::exists(mine));
}

}  // namespace
}  // namespace snapsim::simulator
