#pragma once
// Checking the bytes a backend wrote against the model's prediction, bit for bit, through
// the merge engine: every disk's current view, and every snapshot view the backend exposes.

#include <vector>

#include "model/model.h"
#include "simulator/backend.h"
#include "simulator/divergence.h"

namespace snapsim::simulator {

// One bytes Difference per differing disk view (none when all match). A view the merge
// engine cannot read (a file the backend removed or rewrote while it still needs it) is a
// Difference too, naming the disk, the snapshot and why: data loss is a divergence.
std::vector<Difference> CompareDiskBytes(Backend& backend, const model::Model& model);

}  // namespace snapsim::simulator
