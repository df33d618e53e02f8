#pragma once
// RunProcess: runs one program to its end with an argv vector (no shell, so no quoting
// and no injection), stdin from /dev/null, stdout and stderr captured, and a timeout after
// which the child is killed. Used by the backends that drive command-line tools (qemu-img).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "simulator/host/find_program.h"

namespace snapsim::simulator {

struct ProcessOptions {
  // Directory the child starts in; empty keeps the caller's.
  std::string working_dir;
  // The child is killed (SIGKILL) when it runs longer than this.
  int64_t timeout_ms = 60'000;
};

struct ProcessResult {
  // The exit status when the child exited normally, else nullopt (signal or timeout).
  std::optional<int> exit_status;
  // The signal that ended the child, when one did.
  std::optional<int> signal;
  bool timed_out = false;
  std::string stdout_text;
  std::string stderr_text;
  // How long the child ran (a monotonic clock; for statistics only, never for output).
  double elapsed_ms = 0;

  bool succeeded() const { return exit_status == 0; }
  // "exit status 1", "killed by signal 9", "timed out after 60000 ms".
  std::string DescribeEnd(int64_t timeout_ms) const;
};

// Runs argv[0] (looked up on $PATH) with `argv`. Faults (kBackendFailure) only when the
// child could not be started at all: an empty argv, a program not found, fork failing.
// A child that fails is a successful run with a non-zero exit status.
Result<ProcessResult> RunProcess(const std::vector<std::string>& argv,
                                 const ProcessOptions& options = {});

// The first line `argv` prints (on stdout or stderr), e.g. for `qemu-img --version`;
// "unknown" when it cannot run. For `snapsim backends`; never in a report.
std::string FirstLineOf(const std::vector<std::string>& argv);

}  // namespace snapsim::simulator
