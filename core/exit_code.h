#pragma once
// Exit statuses of the snapsim command (docs/cli.md). One table, used everywhere.

#include "core/status.h"

namespace snapsim {

enum ExitCode : int {
  kExitOk = 0,                  // every scenario held on every backend (skips allowed)
  kExitCheckFailed = 1,         // a check failed or a backend diverged from the model
  kExitBadInput = 2,            // a scenario file, an image, or the command line is bad
  kExitBackendUnavailable = 3,  // a backend could not be run
};

// The exit status for a fault: bad or unsupported input 2, a backend or snapsim failing 3.
// A hypervisor's error class is no fault (a check decides on it): 1.
inline int ExitCodeFor(const Status& status) {
  if (status.ok()) return kExitOk;
  if (!status.is_fault()) return kExitCheckFailed;
  switch (status.fault()) {
    case Fault::kBadInput:
    case Fault::kUnsupported: return kExitBadInput;
    case Fault::kBackendFailure:
    case Fault::kInternal: return kExitBackendUnavailable;
  }
  return kExitBackendUnavailable;
}

}  // namespace snapsim
