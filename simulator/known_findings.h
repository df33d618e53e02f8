#pragma once
// Divergences a fuzz campaign sets aside (`snapsim fuzz --known FILE`): recorded findings
// (docs/findings.md) that random runs would otherwise find again and again, hiding new
// ones. One entry a line, `#` starts a comment:
//
//   BACKENDS  FINDING  REGEX
//
// BACKENDS is a comma-separated list of backend names, FINDING the finding's name, and
// REGEX (ECMAScript, the rest of the line) is searched in the divergence message.

#include <regex>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace snapsim::simulator {

struct KnownFinding {
  std::string finding;  // F4
  std::string pattern_text;
  std::regex pattern;
};

// The entries of `text` (read from `path`, for messages) that name `backend`. A malformed
// line is an invalid-arg error naming PATH:LINE:COLUMN.
Result<std::vector<KnownFinding>> ParseKnownFindings(std::string_view text, const std::string& path,
                                                     const std::string& backend);
Result<std::vector<KnownFinding>> LoadKnownFindings(const std::string& path,
                                                    const std::string& backend);

// The first entry whose pattern occurs in `message`, or null.
const KnownFinding* MatchKnownFinding(const std::vector<KnownFinding>& known,
                                      const std::string& message);

}  // namespace snapsim::simulator
