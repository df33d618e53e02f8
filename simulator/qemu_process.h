#pragma once
// QemuProcess: one long-running child (qemu-system-x86_64) started with an argv vector,
// stdin from /dev/null, stdout and stderr appended to a log file, registered with
// cleanup:: so it is killed at exit or on a signal, and with PR_SET_PDEATHSIG so even a
// SIGKILLed snapsim leaves no QEMU behind. Never daemonized: the pid is always ours.

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace snapsim::simulator {

class QemuProcess {
 public:
  QemuProcess() = default;
  QemuProcess(const QemuProcess&) = delete;
  QemuProcess& operator=(const QemuProcess&) = delete;
  ~QemuProcess() { Kill(); }

  // Starts argv[0] (looked up on $PATH) in `working_dir`. Throws BackendFailure.
  void Launch(const std::vector<std::string>& argv, const std::string& working_dir,
              const std::string& log_path);
  pid_t pid() const { return pid_; }
  // True while the child has not ended (reaps it when it has).
  bool Alive();
  // Waits up to `timeout_ms` for the child to end on its own; true when it did.
  bool WaitExit(int64_t timeout_ms);
  // SIGKILL and reap. Safe to call twice; never throws.
  void Kill();
  // "exit status 1" / "killed by signal 9" / "still running", and the log's last lines.
  std::string Describe() const;

 private:
  void Reaped(int wait_status);

  pid_t pid_ = -1;
  std::optional<int> wait_status_;
  std::string log_path_;
};

}  // namespace snapsim::simulator
