#include "simulator/host/cleanup.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <mutex>

namespace snapsim::simulator::cleanup {
namespace {

constexpr int kSlots = 64;
constexpr size_t kPathBytes = 512;
constexpr int kSignals[] = {SIGINT, SIGTERM, SIGHUP};

// A folder slot: kFree -> kWriting (claimed, path being copied) -> kReady -> kFree.
enum SlotState : int { kFree = 0, kWriting = 1, kReady = 2 };
struct FolderSlot {
  std::atomic<int> state{kFree};
  char path[kPathBytes];
};

std::atomic<pid_t> g_pids[kSlots];
FolderSlot g_folders[kSlots];
std::atomic<pid_t> g_owner{0};
struct sigaction g_previous[sizeof(kSignals) / sizeof(kSignals[0])];

void KillPids() {
  for (auto& slot : g_pids) {
    const pid_t pid = slot.exchange(0);
    if (pid <= 0) continue;
    ::kill(pid, SIGKILL);
    // Reap it, so the folder below is no longer written by anyone.
    while (::waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
    }
  }
}

void RemoveFolders() {
  for (auto& slot : g_folders) {
    int ready = kReady;
    if (!slot.state.compare_exchange_strong(ready, kWriting)) continue;
    RemoveTree(slot.path);
    slot.state.store(kFree);
  }
}

std::atomic<bool> g_program_handles{false};
std::atomic<int> g_interrupted{0};

void OnSignal(int signal_number) {
  const int saved_errno = errno;
  if (::getpid() == g_owner.load() && g_program_handles.load()) {
    int none = 0;
    if (g_interrupted.compare_exchange_strong(none, signal_number)) {
      // The first signal: end the children so that the work in progress ends soon; the
      // program reports what it has, removes its folders and then re-raises.
      for (auto& slot : g_pids) {
        const pid_t pid = slot.load();
        if (pid > 0) ::kill(pid, SIGKILL);
      }
      errno = saved_errno;
      return;
    }
  }
  if (::getpid() == g_owner.load()) RunAll();
  // Back to what was there before (normally the default: terminate), then re-raise so
  // the parent sees "killed by SIGTERM", not a normal exit.
  for (size_t i = 0; i < sizeof(kSignals) / sizeof(kSignals[0]); ++i) {
    if (kSignals[i] == signal_number) ::sigaction(signal_number, &g_previous[i], nullptr);
  }
  errno = saved_errno;
  ::raise(signal_number);
}

// One directory level of RemoveTree: empties the open directory `dir_fd`.
bool EmptyDirectory(int dir_fd) {
  bool ok = true;
  alignas(8) char buffer[4096];
  for (int pass = 0; pass < 64; ++pass) {
    bool removed_any = false;
    ::lseek(dir_fd, 0, SEEK_SET);
    for (;;) {
      const long n = ::syscall(SYS_getdents64, dir_fd, buffer, sizeof(buffer));
      if (n <= 0) break;
      for (long at = 0; at < n;) {
        struct Entry {
          uint64_t ino;
          int64_t off;
          unsigned short reclen;
          unsigned char type;
          char name[1];
        };
        const auto* entry = reinterpret_cast<const Entry*>(buffer + at);
        at += entry->reclen;
        const char* name = entry->name;
        if (std::strcmp(name, ".") == 0 || std::strcmp(name, "..") == 0) continue;
        if (::unlinkat(dir_fd, name, 0) == 0) {
          removed_any = true;
          continue;
        }
        const int child = ::openat(dir_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (child < 0) {
          ok = false;
          continue;
        }
        ok = EmptyDirectory(child) && ok;
        ::close(child);
        if (::unlinkat(dir_fd, name, AT_REMOVEDIR) == 0) removed_any = true;
      }
    }
    if (!removed_any) break;
  }
  return ok;
}

}  // namespace

bool RemoveTree(const char* path) {
  const int fd = ::open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return errno == ENOENT || ::unlink(path) == 0;
  EmptyDirectory(fd);
  ::close(fd);
  return ::rmdir(path) == 0 || errno == ENOENT;
}

void RunAll() {
  KillPids();
  RemoveFolders();
}

void ProgramHandlesFirstSignal() {
  Install();
  g_program_handles.store(true);
}

int Interrupted() { return g_interrupted.load(); }

void Reraise(int signal_number) {
  RunAll();
  for (size_t i = 0; i < sizeof(kSignals) / sizeof(kSignals[0]); ++i) {
    if (kSignals[i] == signal_number) ::sigaction(signal_number, &g_previous[i], nullptr);
  }
  ::raise(signal_number);
}

void Install() {
  static std::once_flag once;
  std::call_once(once, [] {
    g_owner.store(::getpid());
    std::atexit(RunAll);
    for (size_t i = 0; i < sizeof(kSignals) / sizeof(kSignals[0]); ++i) {
      struct sigaction action;
      std::memset(&action, 0, sizeof(action));
      action.sa_handler = OnSignal;
      sigemptyset(&action.sa_mask);
      ::sigaction(kSignals[i], nullptr, &g_previous[i]);
      // A signal someone chose to ignore (nohup) stays ignored.
      if (g_previous[i].sa_handler == SIG_IGN) continue;
      ::sigaction(kSignals[i], &action, nullptr);
    }
  });
}

bool RegisterPid(pid_t pid) {
  Install();
  for (auto& slot : g_pids) {
    pid_t empty = 0;
    if (slot.compare_exchange_strong(empty, pid)) return true;
  }
  return false;
}

void ForgetPid(pid_t pid) {
  for (auto& slot : g_pids) {
    pid_t expected = pid;
    if (slot.compare_exchange_strong(expected, 0)) return;
  }
}

bool RegisterFolder(const std::string& path) {
  if (path.empty() || path.size() >= kPathBytes || path[0] != '/') return false;
  Install();
  for (auto& slot : g_folders) {
    int free_state = kFree;
    if (!slot.state.compare_exchange_strong(free_state, kWriting)) continue;
    std::memcpy(slot.path, path.c_str(), path.size() + 1);
    slot.state.store(kReady);
    return true;
  }
  return false;
}

void ForgetFolder(const std::string& path) {
  for (auto& slot : g_folders) {
    int ready = kReady;
    if (!slot.state.compare_exchange_strong(ready, kWriting)) continue;
    const bool match = path == slot.path;
    slot.state.store(match ? kFree : kReady);
    if (match) return;
  }
}

}  // namespace snapsim::simulator::cleanup
