#include "simulator/host/orphan_reaper.h"

#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <thread>

#include <fmt/format.h>

namespace snapsim::simulator {
namespace {

struct LinuxDirent64 {  // what getdents64 writes (glibc 2.36 declares no wrapper)
  ino64_t d_ino;
  off64_t d_off;
  unsigned short d_reclen;
  unsigned char d_type;
  char d_name[];
};

bool EndsWith(const char* text, const char* suffix) {
  const size_t n = strlen(text), m = strlen(suffix);
  return n >= m && strcmp(text + n - m, suffix) == 0;
}

}  // namespace

OrphanScan::OrphanScan(const std::string& root) {
  snprintf(root_, sizeof root_, "%s", root.c_str());
}

void OrphanScan::Once() {
  ScanFolder("run/qemu", false);  // NAME.pid, beside driver.pid (the driver's own lock)
  ScanFolder("lib/qemu", true);   // qmp-*/qmp.pid
  ReapEnded();
}

void OrphanScan::ScanFolder(const char* folder, bool probe_folders) {
  char dir_path[sizeof root_ + 16];
  snprintf(dir_path, sizeof dir_path, "%s/%s", root_, folder);
  const int fd = open(dir_path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;  // not made yet
  alignas(LinuxDirent64) char entries[4096];
  for (;;) {
    const long n = syscall(SYS_getdents64, fd, entries, sizeof entries);
    if (n <= 0) break;
    for (long at = 0; at < n;) {
      const auto* entry = reinterpret_cast<const LinuxDirent64*>(entries + at);
      if (entry->d_reclen == 0) break;
      at += entry->d_reclen;
      const char* name = entry->d_name;
      if (probe_folders && strncmp(name, "qmp-", 4) == 0) {
        snprintf(path_, sizeof path_, "%s/%s/qmp.pid", dir_path, name);
        Watch(path_);
      } else if (!probe_folders && EndsWith(name, ".pid") && strcmp(name, "driver.pid") != 0) {
        snprintf(path_, sizeof path_, "%s/%s", dir_path, name);
        Watch(path_);
      }
    }
  }
  close(fd);
}

void OrphanScan::Watch(const char* pid_file) {
  const int fd = open(pid_file, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return;
  char text[32];
  const ssize_t n = read(fd, text, sizeof text - 1);
  close(fd);
  if (n <= 0) return;
  text[n] = '\0';
  long pid = 0;
  for (const char* c = text; *c >= '0' && *c <= '9' && pid < (1L << 30); ++c) {
    pid = pid * 10 + (*c - '0');
  }
  if (pid <= 0) return;
  for (int i = 0; i < watched_count_; ++i) {
    if (watched_[i] == pid) return;
  }
  if (watched_count_ < kMaxWatched) watched_[watched_count_++] = static_cast<pid_t>(pid);
}

// Reaped, or not (or not yet) our child: forget it; its file brings it back while it
// lasts. Still running: keep watching. QEMU removes the pid file it wrote itself (the
// capability probe's) when it exits, so a pid is remembered while the process lives.
void OrphanScan::ReapEnded() {
  int kept = 0;
  for (int i = 0; i < watched_count_; ++i) {
    if (waitpid(watched_[i], nullptr, WNOHANG) == 0) watched_[kept++] = watched_[i];
  }
  watched_count_ = kept;
}

std::optional<std::string> StartOrphanReaper(const std::string& root) {
  if (prctl(PR_SET_CHILD_SUBREAPER, 1) != 0) {
    return fmt::format("cannot adopt the QEMU processes: prctl: {}", strerror(errno));
  }
  if (root.size() >= 480) return fmt::format("folder name too long for the reaper: {}", root);
  auto* scan = new OrphanScan(root);  // lives as long as the worker, as its thread does
  std::thread([scan] {
    // Often: the capability probe's QEMU lives about 0.1 s, and a pid missed while its
    // file exists is never reaped (libvirt then waits 40 s). Two small folders a scan.
    const timespec pause{0, 10'000'000};
    for (;;) {
      scan->Once();
      nanosleep(&pause, nullptr);
    }
  }).detach();
  return std::nullopt;
}

}  // namespace snapsim::simulator
