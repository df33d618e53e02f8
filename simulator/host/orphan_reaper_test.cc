#include "simulator/host/orphan_reaper.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <new>
#include <thread>

#include <gtest/gtest.h>

#include "simulator/host/temp_dir.h"

// Every C++ allocation of this test binary, counted while a thread asks for it.
namespace {
std::atomic<long> g_allocations{0};
thread_local bool g_counting = false;
}  // namespace

void* operator new(size_t size) {
  if (g_counting) ++g_allocations;
  if (void* block = std::malloc(size == 0 ? 1 : size)) return block;
  throw std::bad_alloc();
}
void operator delete(void* block) noexcept { std::free(block); }
void operator delete(void* block, size_t) noexcept { std::free(block); }

namespace snapsim::simulator {
namespace {

// Starts a process that sleeps, orphaned (a double fork, as libvirt daemonizes QEMU), and
// returns its pid; with `pid_file`, the pid is written there as libvirt does.
pid_t StartOrphan(const std::string& pid_file) {
  int pipe_fds[2];
  if (pipe(pipe_fds) != 0) return -1;
  const pid_t middle = fork();
  if (middle == 0) {
    const pid_t orphan = fork();
    if (orphan == 0) {
      pause();
      _exit(0);
    }
    if (!pid_file.empty()) std::ofstream(pid_file) << orphan << "\n";
    (void)!write(pipe_fds[1], &orphan, sizeof orphan);
    _exit(0);
  }
  pid_t orphan = -1;
  (void)!read(pipe_fds[0], &orphan, sizeof orphan);
  close(pipe_fds[0]);
  close(pipe_fds[1]);
  waitpid(middle, nullptr, 0);  // the middle process is ours to reap, as libvirt's are
  return orphan;
}

char StateOf(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(stat)), {});
  const size_t close_paren = text.rfind(')');
  if (close_paren == std::string::npos || close_paren + 2 >= text.size()) return '-';
  return text[close_paren + 2];
}

// Waits up to 5 s for `pid` to be in `state` ('-': gone).
bool Becomes(pid_t pid, char state) {
  for (int i = 0; i < 500; ++i) {
    if (StateOf(pid) == state) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

// In a child process (the subreaper setting is per process): an orphan named in a pid
// file is reaped once it ends; one that is not stays a zombie, left to its owner.
int ReapsOnlyListedOrphans(const std::string& root) {
  std::filesystem::create_directories(root + "/run/qemu");
  if (StartOrphanReaper(root)) return 10;
  const pid_t listed = StartOrphan(root + "/run/qemu/snapsim-x.pid");
  const pid_t unlisted = StartOrphan("");
  if (listed <= 0 || unlisted <= 0) return 11;
  kill(listed, SIGTERM);
  kill(unlisted, SIGTERM);
  if (!Becomes(listed, '-')) return 12;    // adopted and reaped
  if (!Becomes(unlisted, 'Z')) return 13;  // adopted, ended, not reaped
  return waitpid(unlisted, nullptr, 0) == unlisted ? 0 : 14;
}

TEST(OrphanReaperTest, ReapsTheOrphansLibvirtsPidFilesNameAndNoOthers) {
  auto dir = TempDir::Create("snapsim-reaper-test-");
  ASSERT_TRUE(dir.ok()) << dir.status().message();
  const std::string root = dir->path();
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) _exit(ReapsOnlyListedOrphans(root));
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0) << "10: no subreaper, 11: fork, 12: listed orphan not "
                                       "reaped, 13: unlisted orphan touched, 14: wait";
}

// The scan runs beside libvirt's forks (see orphan_reaper.h): it must never allocate.
TEST(OrphanReaperTest, AScanAllocatesNothing) {
  auto dir = TempDir::Create("snapsim-reaper-test-");
  ASSERT_TRUE(dir.ok()) << dir.status().message();
  const std::string root = dir->path();
  std::filesystem::create_directories(root + "/run/qemu");
  std::filesystem::create_directories(root + "/lib/qemu/qmp-abc");
  const pid_t sleeper = fork();
  ASSERT_GE(sleeper, 0);
  if (sleeper == 0) {
    pause();
    _exit(0);
  }
  std::ofstream(root + "/run/qemu/snapsim-x.pid") << sleeper << "\n";
  std::ofstream(root + "/run/qemu/driver.pid") << getpid() << "\n";
  std::ofstream(root + "/lib/qemu/qmp-abc/qmp.pid") << sleeper + 1 << "\n";
  OrphanScan scan(root);
  g_counting = true;
  for (int i = 0; i < 100; ++i) scan.Once();
  g_counting = false;
  EXPECT_EQ(g_allocations.load(), 0);
  // The domain's pid is watched (a running child); the driver's lock is not; the probe's
  // pid is not our child, so it is dropped at the first reap.
  EXPECT_EQ(scan.watched(), 1);
  kill(sleeper, SIGKILL);
  siginfo_t ended;
  waitid(P_PID, sleeper, &ended, WEXITED | WNOWAIT);  // a zombie now, left for the scan
  scan.Once();                                        // reaps it
  EXPECT_EQ(scan.watched(), 0);
  EXPECT_EQ(waitpid(sleeper, nullptr, WNOHANG), -1);  // already reaped
}

}  // namespace
}  // namespace snapsim::simulator
