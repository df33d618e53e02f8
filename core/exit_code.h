#pragma once
// Exit statuses of the snapsim command (spec/cli.md). One table, used everywhere.

namespace snapsim {

enum ExitCode : int {
  kExitOk = 0,               // every scenario held on every backend (skips allowed)
  kExitCheckFailed = 1,      // a check failed or a backend diverged from the model
  kExitBadInput = 2,         // a scenario file, an image, or the command line is bad
  kExitBackendUnavailable = 3,  // a backend could not be run
};

}  // namespace snapsim
