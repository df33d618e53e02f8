#pragma once
// "Did you mean ...?" hints for misspelled keys, profiles and error classes.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace snapsim::scenario {

// Edit distance where an insertion, a deletion, a substitution or a swap of two adjacent
// characters each cost 1 (optimal string alignment).
size_t EditDistance(std::string_view a, std::string_view b);

// The candidate closest to `word`, if it is close enough to be a likely typo; failing
// that, the one candidate `word` abbreviates (its letters in order). Ties go to the
// earlier candidate, so hints are deterministic.
std::optional<std::string> NearestWord(std::string_view word,
                                       const std::vector<std::string>& candidates);

// " (did you mean 'X'?)" or "" when nothing is close.
std::string DidYouMean(std::string_view word, const std::vector<std::string>& candidates);

}  // namespace snapsim::scenario
