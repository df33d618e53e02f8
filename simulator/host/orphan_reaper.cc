#include "simulator/host/orphan_reaper.h"

#include <sys/prctl.h>
#include <sys/wait.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <thread>
#include <vector>

#include <fmt/format.h>

namespace snapsim::simulator {
namespace {

namespace fs = std::filesystem;

// Every pid file libvirt writes for a QEMU it daemonized, below `root`.
std::vector<fs::path> PidFiles(const std::string& root) {
  std::vector<fs::path> files;
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(root + "/run/qemu", error)) {
    // driver.pid is the driver's own lock file, holding the worker's pid.
    if (entry.path().extension() == ".pid" && entry.path().filename() != "driver.pid") {
      files.push_back(entry.path());
    }
  }
  for (const auto& entry : fs::directory_iterator(root + "/lib/qemu", error)) {
    if (entry.path().filename().string().rfind("qmp-", 0) == 0) {
      files.push_back(entry.path() / "qmp.pid");
    }
  }
  return files;
}

// QEMU removes the pid file it wrote itself (the capability probe's) when it exits, so
// a pid is remembered from the file while the process lives and reaped once it ends.
void ReapForever(std::string root) {
  std::set<pid_t> watched;
  for (;;) {
    for (const fs::path& file : PidFiles(root)) {
      std::ifstream in(file);
      pid_t pid = 0;
      if (in >> pid && pid > 0) watched.insert(pid);
    }
    for (auto it = watched.begin(); it != watched.end();) {
      // Reaped, or not (or not yet) our child: forget it; the file brings it back while
      // it lasts. Still running: keep watching.
      const pid_t done = waitpid(*it, nullptr, WNOHANG);
      it = done == 0 ? std::next(it) : watched.erase(it);
    }
    // Often: the capability probe's QEMU lives about 0.1 s, and a pid missed while its
    // file exists is never reaped (libvirt then waits 40 s). Two small folders a scan.
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

}  // namespace

std::optional<std::string> StartOrphanReaper(const std::string& root) {
  if (prctl(PR_SET_CHILD_SUBREAPER, 1) != 0) {
    return fmt::format("cannot adopt the QEMU processes: prctl: {}", strerror(errno));
  }
  std::thread(ReapForever, root).detach();  // lives as long as the worker
  return std::nullopt;
}

}  // namespace snapsim::simulator
