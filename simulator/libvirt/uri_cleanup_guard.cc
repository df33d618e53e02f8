#include "simulator/libvirt/uri_cleanup_guard.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <map>
#include <mutex>

#include <fmt/format.h>

#include "simulator/host/child_process.h"

namespace snapsim::simulator {

Status EnsureCleanupGuard(const std::string& snapsim_program, const std::string& backend_name,
                          const std::string& disk_dir) {
  if (snapsim_program.empty()) return Status::Ok();
  static std::mutex mutex;
  // Never destroyed: destroying a ChildProcess kills it, and the guard must outlive
  // snapsim; its pipe's write end closes only when snapsim's process ends.
  static auto* guards = new std::map<std::string, ChildProcess>();
  std::lock_guard lock(mutex);
  if (guards->count(backend_name) != 0) return Status::Ok();
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) {
    return Status::Failure(Fault::kBackendFailure,
                           fmt::format("cleanup guard pipe: {}", std::strerror(errno)));
  }
  ChildOptions options;
  options.keep_fds = {fds[0]};  // the write end stays snapsim's alone
  options.outlives_snapsim = true;
  auto guard = ChildProcess::Spawn(
      {snapsim_program, "clean", "--backend", backend_name, "--disk-dir", disk_dir, "--guard-fd",
       std::to_string(fds[0]), "--guard-pid", std::to_string(::getpid())},
      options);
  ::close(fds[0]);
  if (!guard.ok()) {
    ::close(fds[1]);
    return Status::Failure(Fault::kBackendFailure, fmt::format("{} cleanup guard: {}", backend_name,
                                                               guard.status().message()));
  }
  guards->emplace(backend_name, std::move(*guard));  // fds[1] stays open until snapsim ends
  return Status::Ok();
}

}  // namespace snapsim::simulator
