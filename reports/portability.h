#pragma once
// The portability matrix the mailing-list thread asked for: for each operation and
// situation, what each profile's model does. Computed from the model, never written by hand.

#include <array>
#include <string>
#include <vector>

#include "core/profile.h"

namespace snapsim::reports {

struct PortabilityCell {
  bool ok = false;
  std::string outcome;  // "ok" or the error class
  std::string after;    // "state: running, current: A, tree: {...}" after the operation
  std::string disks;    // the disks' layers after it, bottom first: "vda: base, overlay-2"
  // SituationKey before the operation: the steps of real runs that met the same situation.
  std::string situation;
};

struct PortabilityRow {
  std::string situation;                 // "delete the current snapshot while running"
  std::string setup;                     // the steps before it, in scenario notation
  std::array<PortabilityCell, 4> cells;  // esx, qemu, vbox, test (kAllProfiles order)
};

std::vector<PortabilityRow> PortabilityMatrix();

}  // namespace snapsim::reports
