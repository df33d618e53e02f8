#pragma once
// Internal to the loader: the likely cause of a YAML syntax error, read from the text
// around the place the parser stopped (it often stops a line or more after the mistake).

#include <yaml-cpp/mark.h>

#include <string>
#include <string_view>

namespace snapsim::scenario::internal {

// "line 4 indents with a tab ...", "'[' on line 3 is never closed", ...; "" when no
// common cause fits. `message` is the parser's own ("illegal map value").
std::string SyntaxHint(std::string_view text, const YAML::Mark& mark, const std::string& message);

}  // namespace snapsim::scenario::internal
