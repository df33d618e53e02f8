#include "scenario/spelling.h"

#include <fmt/format.h>

#include <algorithm>
#include <numeric>

namespace snapsim::scenario {

size_t EditDistance(std::string_view a, std::string_view b) {
  // Three rows of the dynamic-programming table: two back, for transpositions.
  const size_t width = b.size() + 1;
  std::vector<size_t> before(width), previous(width), row(width);
  std::iota(previous.begin(), previous.end(), size_t{0});
  for (size_t i = 1; i <= a.size(); ++i) {
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t substitute = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      row[j] = std::min({previous[j] + 1, row[j - 1] + 1, substitute});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        row[j] = std::min(row[j], before[j - 2] + 1);
      }
    }
    before.swap(previous);
    previous.swap(row);
  }
  return previous[b.size()];
}

namespace {

// True when every character of `short_word` appears in `long_word` in order
// ("no-snapshot" in "no-domain-snapshot"): an abbreviation rather than a typo.
bool IsSubsequence(std::string_view short_word, std::string_view long_word) {
  size_t at = 0;
  for (char c : long_word) {
    if (at < short_word.size() && short_word[at] == c) ++at;
  }
  return at == short_word.size();
}

}  // namespace

std::optional<std::string> NearestWord(std::string_view word,
                                       const std::vector<std::string>& candidates) {
  // Allow about one typo per three letters, at least one and at most three; beyond that
  // a hint is more confusing than helpful.
  const size_t limit = std::clamp<size_t>(word.size() / 3, 1, 3);
  std::optional<std::string> best;
  size_t best_distance = limit + 1;
  for (const std::string& candidate : candidates) {
    size_t distance = EditDistance(word, candidate);
    if (distance < best_distance) {
      best = candidate;
      best_distance = distance;
    }
  }
  if (best || word.size() < 4) return best;
  // No typo close enough: an abbreviation of exactly one candidate is a fair guess.
  for (const std::string& candidate : candidates) {
    if (IsSubsequence(word, candidate)) {
      if (best) return std::nullopt;
      best = candidate;
    }
  }
  return best;
}

std::string DidYouMean(std::string_view word, const std::vector<std::string>& candidates) {
  std::optional<std::string> nearest = NearestWord(word, candidates);
  return nearest ? fmt::format(" (did you mean '{}'?)", *nearest) : std::string();
}

}  // namespace snapsim::scenario
