#pragma once
// `snapsim diagram`: the power state machine drawn from the MSM transition table itself
// (PowerTransitionTable reads the Row types), each guarded row labelled with the
// profile's decision from the same rules code the model runs.

#include <optional>
#include <string>
#include <string_view>

#include "core/profile.h"

namespace snapsim::model {

enum class DiagramFormat { kDot, kMermaid };
std::optional<DiagramFormat> ParseDiagramFormat(std::string_view text);

std::string RenderDiagram(Profile profile, DiagramFormat format);

}  // namespace snapsim::model
