#pragma once
// ChildProcess: the one way snapsim starts a child (qemu-img, QEMU, vcsim, libvirt's
// worker, the cleanup guard). Every child
//   - dies with the thread that started it (PR_SET_PDEATHSIG, re-armed by ReArmDeathSignal
//     after a change of user, which clears it),
//   - runs in its own process group (a terminal's Ctrl-C reaches snapsim, which then
//     stops its children itself),
//   - keeps only the descriptors named in its options (no copy of a parent's socket end
//     keeps a peer from seeing end of file),
//   - is registered with cleanup:: before Spawn returns, so an interrupted snapsim kills it.
// The object owns the child: destroying it kills (SIGKILL) and reaps it.

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"

namespace snapsim::simulator {

struct ChildOptions {
  // Folder the child starts in; empty keeps the caller's.
  std::string working_dir;
  // Where stdout and stderr go when not piped: appended to this file, or /dev/null.
  std::string log_path;
  // Pipes to the child's stdin and from its stdout and stderr (stdin is /dev/null else).
  bool pipe_stdin = false;
  bool pipe_stdout = false;
  bool pipe_stderr = false;
  // The child's whole environment; nullopt inherits snapsim's.
  std::optional<std::vector<std::string>> env;
  // Sent to the child when the thread that started it ends. SIGTERM lets a child that
  // cleans up after itself (vcsim) do so.
  int death_signal = 9;  // SIGKILL
  // Descriptors the child keeps open, at the same numbers (a worker's socket end).
  std::vector<int> keep_fds;
  // A guard outlives snapsim on purpose, to clean up after a snapsim killed beyond any
  // handler: no death signal, not killed by cleanup::. It must end on its own (when a
  // pipe only snapsim holds open closes).
  bool outlives_snapsim = false;
};

class ChildProcess {
 public:
  // Runs argv[0] (looked up on $PATH). Faults (kBackendFailure): the program is not
  // found or cannot be executed (the exec's errno is reported), a pipe or fork fails, or
  // the cleanup table is full.
  static Result<ChildProcess> Spawn(const std::vector<std::string>& argv,
                                    const ChildOptions& options);
  // Runs `body` in a forked child, which exits 1 if `body` returns. For workers that run
  // snapsim's own code; `body` runs after the same setup as Spawn's child.
  static Result<ChildProcess> Fork(const std::function<void()>& body, const ChildOptions& options);

  ChildProcess() = default;
  ChildProcess(ChildProcess&& other) noexcept;
  ChildProcess& operator=(ChildProcess&& other) noexcept;
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;
  ~ChildProcess() { Kill(); }

  pid_t pid() const { return pid_; }
  bool started() const { return pid_ > 0; }
  // True while the child runs (reaps it when it has ended).
  bool Alive();
  // Waits up to `timeout_ms` for the child to end on its own; true when it did.
  bool WaitExit(int64_t timeout_ms);
  // Closes stdin, waits up to `grace_ms` for the child to end, then kills it.
  void Stop(int64_t grace_ms);
  // SIGKILL and reap; closes every pipe. Safe to call twice; never throws.
  void Kill();

  int stdin_fd() const { return stdin_fd_; }
  int stdout_fd() const { return stdout_fd_; }
  void CloseStdin();
  // Reads stdout and stderr (both piped) until both close or `timeout_ms` passes, then
  // waits for the child. On timeout the child is killed and true returned.
  bool Drain(int64_t timeout_ms, std::string* out, std::string* err);

  // The end, once reaped: exit status or signal.
  std::optional<int> exit_status() const;
  std::optional<int> signal() const;
  // "exit status 1", "killed by signal 9 (Killed)", "still running".
  std::string DescribeEnd() const;

 private:
  static Result<ChildProcess> Start(const std::vector<std::string>* argv,
                                    const std::function<void()>* body, const ChildOptions& options);
  void Reaped(int wait_status);
  void ClosePipes();

  pid_t pid_ = -1;
  std::optional<int> wait_status_;
  int stdin_fd_ = -1;
  int stdout_fd_ = -1;
  int stderr_fd_ = -1;
};

// In a child that changed its user: arms the death signal again (setuid clears it) and
// exits at once when the parent is already gone.
void ReArmDeathSignal(int signal, pid_t parent);

}  // namespace snapsim::simulator
