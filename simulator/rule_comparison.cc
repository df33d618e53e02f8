#include "simulator/rule_comparison.h"

#include <set>

#include <fmt/format.h>

#include "model/model.h"
#include "simulator/divergence.h"
#include "simulator/runner.h"

namespace snapsim::simulator {
namespace {

bool SameEffects(const RuleTable& a, const RuleTable& b, const std::string& situation) {
  const auto x = a.rows.find(situation);
  const auto y = b.rows.find(situation);
  if (x == a.rows.end() || y == b.rows.end()) return false;
  const auto& ex = x->second.effects;
  const auto& ey = y->second.effects;
  if (ex.size() != ey.size()) return false;
  for (auto i = ex.begin(), j = ey.begin(); i != ex.end(); ++i, ++j) {
    if (i->first != j->first) return false;
  }
  return true;
}

// An example of the difference: the first path that showed an effect the backend had
// there and the model never did, else one of the model's that the backend never showed.
std::vector<scenario::Step> ExampleOf(const RuleTable& backend, const RuleTable& model,
                                      const std::string& situation) {
  static const LearnedRow kNone;
  auto row = [&](const RuleTable& t) -> const LearnedRow& {
    const auto it = t.rows.find(situation);
    return it == t.rows.end() ? kNone : it->second;
  };
  const LearnedRow& b = row(backend);
  const LearnedRow& m = row(model);
  for (const auto& [effect, seen] : b.effects) {
    if (m.effects.count(effect) == 0) return seen.example;
  }
  for (const auto& [effect, seen] : m.effects) {
    if (b.effects.count(effect) == 0) return seen.example;
  }
  return {};
}

}  // namespace

TableComparison CompareTables(const RuleTable& backend, const RuleTable& model, Profile profile) {
  TableComparison comparison;
  comparison.profile = profile;
  std::set<std::string> situations;
  for (const auto& [situation, row] : backend.rows) situations.insert(situation);
  for (const auto& [situation, row] : model.rows) situations.insert(situation);
  for (const std::string& situation : situations) {
    if (SameEffects(backend, model, situation)) {
      ++comparison.agreeing;
    } else {
      comparison.differences.push_back(
          {situation, backend.EffectsOf(situation), model.EffectsOf(situation)});
    }
  }
  return comparison;
}

const TableComparison& Nearest(const std::vector<TableComparison>& comparisons) {
  const TableComparison* best = &comparisons.at(0);
  for (const TableComparison& c : comparisons) {
    if (c.differences.size() < best->differences.size()) best = &c;
  }
  return *best;
}

std::vector<ExplainedDifference> ExplainDifferences(const LearnOptions& options,
                                                    const TableComparison& comparison,
                                                    const RuleTable& backend_table,
                                                    const RuleTable& model_table, Backend& backend,
                                                    const std::vector<KnownFinding>& known) {
  LearnOptions o = options;
  o.header = comparison.profile;
  std::vector<ExplainedDifference> explained;
  for (const RowDifference& row : comparison.differences) {
    ExplainedDifference e;
    e.row = row;
    e.example = LearnScenario(o, ExampleOf(backend_table, model_table, row.situation));
    e.example.name = fmt::format("learn-{}-{}", backend.name(), explained.size() + 1);
    e.example.description =
        fmt::format("Found by snapsim learn --backend {}: {}", backend.name(), row.situation);
    model::Model m(e.example);
    for (scenario::Step& step : e.example.steps) {
      const Status status = m.Apply(step.action);
      if (!status.ok()) step.error = status.error_class();
    }
    if (!backend.Implements(comparison.profile)) {
      e.explanation = fmt::format("not replayed: {} does not run {} scenarios", backend.name(),
                                  ProfileName(comparison.profile));
      explained.push_back(std::move(e));
      continue;
    }
    const ScenarioResult result = RunScenario(e.example, backend);
    if (result.verdict == Verdict::kBackendFailure) throw BackendFailure(result.reason);
    const Divergence* divergence = nullptr;
    for (const Failure& failure : result.failures) {
      if (failure.divergence) {
        divergence = &*failure.divergence;
        break;
      }
    }
    if (divergence == nullptr) {
      e.explanation = result.verdict == Verdict::kSkip
                          ? "not replayed: " + result.reason
                          : "no divergence on this path (the difference needs another history)";
    } else if (const KnownFinding* f = MatchKnownFinding(known, FormatDivergence(*divergence))) {
      e.finding = f->finding;
      e.explanation = "known " + f->finding;
    } else {
      e.explanation = "new divergence: " + FormatDivergence(*divergence);
    }
    explained.push_back(std::move(e));
  }
  return explained;
}

}  // namespace snapsim::simulator
