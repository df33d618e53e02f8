#include "simulator/expected_failures.h"

#include <fmt/format.h>

namespace snapsim::simulator {
namespace {

// The case's first divergence as FormatDivergence prints it, or nullptr.
const Divergence* FirstDivergence(const ScenarioResult& result) {
  for (const Failure& failure : result.failures) {
    if (failure.divergence) return &*failure.divergence;
  }
  return nullptr;
}

void FailWith(ScenarioResult& result, std::string what) {
  result.verdict = Verdict::kFail;
  Failure failure;
  failure.where = {result.path, 0, 0};
  failure.kind = "known";
  failure.expected = "the recorded divergence";
  failure.got = std::move(what);
  result.failures.push_back(std::move(failure));
}

}  // namespace

Result<KnownByBackend> LoadKnownByBackend(const std::string& path,
                                          const std::vector<std::string>& backends) {
  KnownByBackend known;
  for (const std::string& backend : backends) {
    auto entries = LoadKnownFindings(path, backend);
    if (!entries.ok()) return entries.status();
    known[backend] = std::move(*entries);
  }
  return known;
}

void ApplyKnownFindings(const KnownByBackend& known, const std::string& path,
                        ScenarioResult& result) {
  const auto it = known.find(result.backend);
  if (it == known.end()) return;
  const std::vector<KnownFinding>& entries = it->second;
  const Divergence* divergence = FirstDivergence(result);
  const std::string text = divergence ? FormatDivergence(*divergence) : std::string();
  if (const KnownFinding* entry = CaseEntry(entries, result.path)) {
    const std::string where = fmt::format("{}:{}", path, entry->line);
    if (result.verdict == Verdict::kPass) {
      FailWith(result,
               fmt::format("{} no longer diverges: remove its line ({})", entry->finding, where));
    } else if (result.verdict == Verdict::kFail && divergence &&
               std::regex_search(text, entry->pattern)) {
      result.verdict = Verdict::kKnown;
      result.finding = entry->finding;
    } else if (result.verdict == Verdict::kFail) {
      FailWith(result, fmt::format("{} is recorded for this case ({}) as /{}/, but the case "
                                   "failed otherwise",
                                   entry->finding, where, entry->pattern_text));
    }
    return;
  }
  if (result.verdict != Verdict::kFail || !divergence) return;
  if (const KnownFinding* entry = MatchKnownFinding(entries, text)) {
    result.verdict = Verdict::kKnown;
    result.finding = entry->finding;
  }
}

}  // namespace snapsim::simulator
