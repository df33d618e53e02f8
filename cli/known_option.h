#pragma once
// --known FILE, as `fuzz`, `explore --backend` and `learn` take it: the file's entries for
// the backend, or the error printed (exit 2).

#include <string>
#include <vector>

#include "simulator/known_findings.h"

namespace snapsim::cli {

// Fills `known` from `path` (nothing when `path` is empty). False after printing the
// file's error (FILE:LINE:COLUMN) on stderr.
bool LoadKnownOption(const std::string& path, const std::string& backend,
                     std::vector<simulator::KnownFinding>* known);

}  // namespace snapsim::cli
