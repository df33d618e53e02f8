#pragma once
// Known findings (docs/findings.md): divergences that are recorded, so that `run --known`
// and `fuzz --known` tell them from new ones. One file format for both (docs/known-format.md).
// One entry a line, `#` starts a comment:
//
//   SCOPE  FINDING  REGEX
//
// SCOPE is either a comma-separated list of backend names (the finding may show in any
// case or sequence on them) or one case, `SCENARIO-PATH@BACKEND`, which must still diverge
// as recorded (a strict expected failure). FINDING is the finding's name and REGEX
// (ECMAScript, the rest of the line) is searched in the divergence as FormatDivergence
// prints it: "step N: BACKEND: ACTION => ASPECT: model VALUE, BACKEND VALUE".

#include <regex>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace snapsim::simulator {

struct KnownFinding {
  std::string finding;    // F4
  std::string case_path;  // a case entry's scenario path; empty for a backend-wide entry
  int line = 0;           // in the file
  std::string pattern_text;
  std::regex pattern;
};

// The entries of `text` (read from `path`, for messages) that name `backend`. A malformed
// line is a bad-input fault naming PATH:LINE:COLUMN.
Result<std::vector<KnownFinding>> ParseKnownFindings(std::string_view text, const std::string& path,
                                                     const std::string& backend);
Result<std::vector<KnownFinding>> LoadKnownFindings(const std::string& path,
                                                    const std::string& backend);

// The first backend-wide entry whose pattern occurs in `message`, or null.
const KnownFinding* MatchKnownFinding(const std::vector<KnownFinding>& known,
                                      const std::string& message);

// The case entry for the scenario at `path` (the entry's path is `path` or a trailing
// part of it, whole folder names), or null.
const KnownFinding* CaseEntry(const std::vector<KnownFinding>& known, const std::string& path);

}  // namespace snapsim::simulator
