#pragma once
// `snapsim diagram`: a profile's power machine and snapshot-tree rules, found by running
// the model itself (every power operation and revert variant from every power state), so
// the drawing cannot disagree with what the model does. Labels are in the scenario
// format's words (`start`, `revert running`); a refused operation is a self-loop with its
// error class, as a refusal leaves the domain where it was.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/profile.h"

namespace snapsim::model {

// kTable is the snapshot-tree rules as a Markdown table; dot carries both figures.
enum class DiagramFormat { kDot, kMermaid, kTable };
std::optional<DiagramFormat> ParseDiagramFormat(std::string_view text);

// One edge of the power machine: every operation that goes from `from` to `to`.
struct PowerEdge {
  std::string from, to;             // "shutoff", "running", "paused"
  std::vector<std::string> labels;  // "start", "revert running (to a shutoff snapshot)"
  bool refusals = false;            // a self-loop of refused operations: "pause: operation-invalid"
};
std::vector<PowerEdge> PowerEdges(Profile profile);

// One row of the snapshot-tree rules: an action in each power state.
struct TreeRule {
  std::string action;                 // "delete A {children}"
  std::vector<std::string> outcomes;  // per state shutoff, running, paused
};
std::vector<TreeRule> TreeRules(Profile profile);

std::string RenderDiagram(Profile profile, DiagramFormat format);

}  // namespace snapsim::model
