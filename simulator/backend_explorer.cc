#include "simulator/backend_explorer.h"

#include <algorithm>
#include <deque>
#include <unordered_map>

#include <fmt/format.h>
#include <xxhash.h>

#include "model/model.h"
#include "simulator/explore_alphabet.h"
#include "simulator/runner.h"

namespace snapsim::simulator {
namespace {

constexpr int kNoError = -1;

// The model's state graph to the depth: nodes in breadth-first order, so that the nodes
// whose edges were computed (depth below the bound) are a prefix.
struct StateGraph {
  struct Node {
    int32_t parent;   // on a shortest path from the fresh domain; -1 for it
    uint32_t action;  // the alphabet entry that led here from the parent
    int16_t error;    // the model's refusal on that edge, or kNoError
    uint8_t depth;
  };
  std::vector<scenario::Action> alphabet;
  std::vector<Node> nodes;
  std::unordered_map<uint64_t, int32_t> index;  // Hash(Canonical()) -> node
  std::vector<int32_t> target;                  // expanded * alphabet.size(): the edge's end node
  std::vector<int16_t> error;                   // the same: the model's refusal, or kNoError
  int32_t expanded = 0;                         // nodes [0, expanded) have edges

  size_t Edge(int32_t node, uint32_t action) const {
    return static_cast<size_t>(node) * alphabet.size() + action;
  }
};

int16_t ErrorCode(const Status& status) {
  return status.ok() ? kNoError : static_cast<int16_t>(status.error_class());
}

scenario::Step StepOf(const StateGraph& graph, uint32_t action, int16_t error) {
  scenario::Step step{graph.alphabet[action], std::nullopt, {}};
  if (error != kNoError) step.error = static_cast<ErrorClass>(error);
  return step;
}

model::Model FreshModel(const model::ExploreOptions& o) {
  return model::Model(o.profile, PowerState::kShutoff, {{"vda", o.disk_bytes}});
}

uint64_t Hash(const std::string& text) { return XXH3_64bits(text.data(), text.size()); }

StateGraph BuildGraph(const model::ExploreOptions& o, std::vector<scenario::Action> alphabet) {
  StateGraph g;
  g.alphabet = std::move(alphabet);
  auto& index = g.index;
  model::Model initial = FreshModel(o);
  index.emplace(Hash(initial.Canonical()), 0);
  g.nodes.push_back({-1, 0, kNoError, 0});
  std::vector<std::pair<int32_t, model::Model>> frontier;
  frontier.emplace_back(0, std::move(initial));
  for (int depth = 0; depth < o.depth && !frontier.empty(); ++depth) {
    std::vector<std::pair<int32_t, model::Model>> next;
    for (const auto& [node, model] : frontier) {
      for (uint32_t a = 0; a < g.alphabet.size(); ++a) {
        model::Model after = model;
        const Status status = after.Apply(g.alphabet[a]);
        const auto [it, added] =
            index.emplace(Hash(after.Canonical()), static_cast<int32_t>(g.nodes.size()));
        if (added) {
          g.nodes.push_back({node, a, ErrorCode(status), static_cast<uint8_t>(depth + 1)});
          next.emplace_back(it->second, std::move(after));
        }
        g.target.push_back(it->second);
        g.error.push_back(ErrorCode(status));
      }
    }
    g.expanded = static_cast<int32_t>(g.target.size() / g.alphabet.size());
    frontier = std::move(next);
  }
  return g;
}

// The shortest path from the fresh domain to `node`, as alphabet entries.
std::vector<uint32_t> TreePath(const StateGraph& g, int32_t node) {
  std::vector<uint32_t> path;
  for (int32_t n = node; g.nodes[n].parent >= 0; n = g.nodes[n].parent) {
    path.push_back(g.nodes[n].action);
  }
  std::reverse(path.begin(), path.end());
  return path;
}

// Counts what the search sends: each domain begun and each step.
class CountingBackend : public BackendWrapper {
 public:
  CountingBackend(Backend* target, uint64_t* ops) : BackendWrapper(target), ops_(ops) {}
  void Begin(const scenario::Scenario& s) override {
    ++*ops_;
    BackendWrapper::Begin(s);
  }
  Status Perform(const scenario::Action& a) override {
    ++*ops_;
    return BackendWrapper::Perform(a);
  }

 private:
  uint64_t* ops_;
};

class Explorer {
 public:
  Explorer(const BackendExploreOptions& o, Backend& backend, StateGraph graph,
           BackendExploreReport& report)
      : o_(o), backend_(backend), g_(std::move(graph)), report_(report) {
    const size_t edges = g_.target.size();
    tested_.assign(edges, 0);
    untested_.assign(g_.expanded, static_cast<uint32_t>(g_.alphabet.size()));
    report_.states = g_.nodes.size();
    report_.transitions = edges;
    report_.all_transitions = edges;
    if (!o_.shard.whole()) {  // another shard's edges count as tested here
      for (size_t e = 0; e < edges; ++e) {
        if (o_.shard.Owns(e)) continue;
        tested_[e] = 1;
        --untested_[e / g_.alphabet.size()];
        --report_.transitions;
      }
    }
    skeleton_ = model::PathScenario(o_.model, {}, "");
    skeleton_.name = fmt::format("explore-{}", backend_.name());
  }

  void Run() {
    while (report_.checked + report_.unreached < report_.transitions) {
      if (Stopped()) return;
      const uint64_t before = report_.checked;
      Walk();
      // The same walk would come again and again (a divergence on the way to its goal):
      // the goal's edges are counted as unreached instead.
      if (report_.checked == before && !Stopped()) GiveUpOn(NearestUntested());
    }
  }

 private:
  struct Suspect {
    std::vector<scenario::Step> walk;  // the walk up to the step that diverged
    int32_t source = 0;                // the state the diverging step left (bytes: reached)
    std::optional<uint32_t> action;    // the diverging step; none for a bytes divergence
    int16_t error = kNoError;          // the model's answer to it
    Divergence divergence;
  };

  bool Stopped() {
    if (o_.stop && o_.stop()) report_.interrupted = true;
    if (o_.max_ops > 0 && report_.backend_ops >= o_.max_ops) report_.budget_spent = true;
    return report_.interrupted || report_.budget_spent;
  }

  // The first node (breadth-first, so the nearest to a fresh domain) with an untested edge.
  int32_t NearestUntested() {
    while (cursor_ < g_.expanded && untested_[cursor_] == 0) ++cursor_;
    return cursor_;
  }

  // An untested edge of `node`, preferring one that leads on to more untested edges.
  std::optional<uint32_t> UntestedEdge(int32_t node) const {
    if (node >= g_.expanded || untested_[node] == 0) return std::nullopt;
    std::optional<uint32_t> any;
    for (uint32_t a = 0; a < g_.alphabet.size(); ++a) {
      const size_t e = g_.Edge(node, a);
      if (tested_[e]) continue;
      const int32_t to = g_.target[e];
      if (to < g_.expanded && untested_[to] > (to == node ? 1u : 0u)) return a;
      if (!any) any = a;
    }
    return any;
  }

  // The shortest path from `from` to a node with an untested edge, no longer than
  // `limit` steps (a fresh domain is then no cheaper), or nothing.
  std::vector<uint32_t> PathToUntested(int32_t from, size_t limit) const {
    constexpr size_t kMaxVisited = 20000;
    std::unordered_map<int32_t, std::pair<int32_t, uint32_t>> came;  // node -> (prev, action)
    std::deque<std::pair<int32_t, size_t>> queue = {{from, 0}};
    came.emplace(from, std::make_pair(-1, 0u));
    while (!queue.empty() && came.size() < kMaxVisited) {
      const auto [node, distance] = queue.front();
      queue.pop_front();
      if (node != from && node < g_.expanded && untested_[node] > 0) {
        std::vector<uint32_t> path;
        for (int32_t n = node; n != from; n = came[n].first) path.push_back(came[n].second);
        std::reverse(path.begin(), path.end());
        return path;
      }
      if (distance >= limit || node >= g_.expanded) continue;
      for (uint32_t a = 0; a < g_.alphabet.size(); ++a) {
        const int32_t to = g_.target[g_.Edge(node, a)];
        if (came.emplace(to, std::make_pair(node, a)).second) queue.emplace_back(to, distance + 1);
      }
    }
    return {};
  }

  int32_t NodeOf(const model::Model& model) const {
    const auto it = g_.index.find(Hash(model.Canonical()));
    return it == g_.index.end() ? -1 : it->second;
  }

  // From a state at the depth bound (whose edges are not in the graph): an operation that
  // leads back to a state with untested edges, else to any state with edges, or nothing.
  std::optional<uint32_t> WayBack(const model::Model& model) const {
    std::optional<uint32_t> any;
    for (uint32_t a = 0; a < g_.alphabet.size(); ++a) {
      model::Model after = model;
      after.Apply(g_.alphabet[a]).IgnoreError();
      const int32_t to = NodeOf(after);
      if (to < 0 || to >= g_.expanded) continue;
      if (untested_[to] > 0) return a;
      if (!any) any = a;
    }
    return any;
  }

  void GiveUpOn(int32_t node) {
    if (node >= g_.expanded) return;
    for (uint32_t a = 0; a < g_.alphabet.size(); ++a) {
      const size_t e = g_.Edge(node, a);
      if (tested_[e]) continue;
      tested_[e] = 1;
      --untested_[node];
      ++report_.unreached;
    }
  }

  // True when the edge was not tested before.
  bool MarkTested(int32_t node, uint32_t action) {
    if (node >= g_.expanded) return false;
    const size_t e = g_.Edge(node, action);
    if (tested_[e]) return false;
    tested_[e] = 1;
    --untested_[node];
    ++report_.checked;
    if (o_.record_checked) report_.checked_edges.push_back(e);
    if (o_.on_progress && (report_.checked & 63) == 0) {
      o_.on_progress(report_.checked, report_.transitions, report_.backend_ops);
    }
    return true;
  }

  void RecordDiverged(int32_t node, uint32_t action, const Divergence& divergence) {
    DivergedTransition t;
    t.edge = g_.Edge(node, action);
    t.signature = Signature(divergence);
    if (const KnownFinding* f = MatchKnownFinding(o_.known, FormatDivergence(divergence))) {
      t.finding = f->finding;
    }
    for (uint32_t a : TreePath(g_, node)) t.path.push_back(ActionText(skeleton_, g_.alphabet[a]));
    t.path.push_back(ActionText(skeleton_, g_.alphabet[action]));
    report_.diverged.push_back(std::move(t));
  }

  void Walk() {
    ++report_.walks;
    model::Model model = FreshModel(o_.model);
    scenario::Scenario walk = skeleton_;
    int32_t node = 0;
    const int32_t goal = NearestUntested();
    std::deque<uint32_t> plan;
    for (uint32_t a : TreePath(g_, goal)) plan.push_back(a);
    std::optional<Suspect> suspect;
    backend_.Begin(walk);
    while (walk.steps.size() < static_cast<size_t>(o_.max_walk)) {
      if (Stopped()) break;
      uint32_t action;
      if (node >= g_.expanded) {  // at the depth bound: a step back into the graph, if any
        auto escape = WayBack(model);
        if (!escape) break;
        action = *escape;
      } else if (auto untested = UntestedEdge(node); untested && plan.empty()) {
        action = *untested;
      } else if (!plan.empty()) {
        action = plan.front();
        plan.pop_front();
      } else {
        const int32_t nearest = NearestUntested();
        if (nearest >= g_.expanded) break;
        const auto path = PathToUntested(node, g_.nodes[nearest].depth);
        if (path.empty()) break;  // a fresh domain is as near
        plan.assign(path.begin(), path.end());
        continue;
      }
      // The situation before the step, for coverage (no copy of the model on this path).
      const std::string row = CoverageRow(model, g_.alphabet[action]);
      const std::string coarse_row = CoarseCoverageRow(model, g_.alphabet[action]);
      const std::vector<std::string> shapes =
          BranchShapes(model, g_.alphabet[action], /*ok=*/true, MetadataDeleted(walk.steps));
      const Status want = model.Apply(g_.alphabet[action]);
      if (want.ok()) {
        for (const std::string& shape : shapes) report_.coverage.RecordShape(shape);
      }
      const int16_t error = ErrorCode(want);
      walk.steps.push_back(StepOf(g_, action, error));
      const Status got = backend_.Perform(g_.alphabet[action]);
      if (got.is_fault()) throw BackendFailure(got.ToString());
      const StepAnswers answers{
          want, got,
          [&] {
            return Observation{model.state(), model.current(), model.Forest()};
          },
          [&] { return backend_.Observe(); }};
      const int n = static_cast<int>(walk.steps.size());
      auto divergence = CompareStep(walk, n, g_.alphabet[action], backend_.name(), answers);
      const bool first_check = MarkTested(node, action);
      if (divergence && first_check) RecordDiverged(node, action, *divergence);
      report_.coverage.Record(row, coarse_row, !divergence.has_value());
      if (divergence) {
        suspect = Suspect{walk.steps, node, action, error, std::move(*divergence)};
        break;
      }
      node = NodeOf(model);
      if (node < 0) break;  // (cannot happen: every step stays in the graph or comes back)
    }
    if (!suspect && !walk.steps.empty()) {
      const int n = static_cast<int>(walk.steps.size());
      if (auto bytes = CompareBytes(walk, n, walk.steps.back().action, backend_, model)) {
        suspect = Suspect{walk.steps, node, std::nullopt, kNoError, std::move(*bytes)};
      }
    }
    backend_.End();
    if (suspect) Confirm(*suspect);
  }

  // Known, or a signature seen before (kept with the shorter of the two scenarios), or
  // replayed alone to find its shortest scenario.
  void Confirm(const Suspect& suspect) {
    // Another shard's transition: that shard records it.
    if (suspect.action && !o_.shard.Owns(g_.Edge(suspect.source, *suspect.action))) return;
    if (Known(suspect.divergence)) return;
    std::vector<scenario::Step> shortest = StepsAlong(TreePath(g_, suspect.source));
    if (suspect.action) shortest.push_back(StepOf(g_, *suspect.action, suspect.error));
    if (DivergenceGroup* group = GroupOf(Signature(suspect.divergence))) {
      ++group->transitions;
      if (shortest.size() >= group->scenario.steps.size()) return;
      if (auto shown = Replay(shortest); shown && Signature(*shown) == group->signature) {
        group->scenario.steps = shortest;
        group->divergence = std::move(*shown);
        group->needs_history = false;
      }
      return;
    }
    if (auto shown = Replay(shortest)) {
      Record(std::move(*shown), shortest, false);
      return;
    }
    if (shortest.size() < suspect.walk.size()) {
      if (auto shown = Replay(suspect.walk)) {
        Record(std::move(*shown), suspect.walk, true);
        return;
      }
    }
    ++report_.unconfirmed;
  }

  std::vector<scenario::Step> StepsAlong(const std::vector<uint32_t>& path) const {
    std::vector<scenario::Step> steps;
    int32_t node = 0;
    for (uint32_t a : path) {
      const size_t e = g_.Edge(node, a);
      steps.push_back(StepOf(g_, a, g_.error[e]));
      node = g_.target[e];
    }
    return steps;
  }

  bool Known(const Divergence& divergence) {
    const KnownFinding* finding = MatchKnownFinding(o_.known, FormatDivergence(divergence));
    if (finding != nullptr) ++report_.known[finding->finding];
    return finding != nullptr;
  }

  DivergenceGroup* GroupOf(const std::string& signature) {
    for (DivergenceGroup& group : report_.groups) {
      if (group.signature == signature) return &group;
    }
    return nullptr;
  }

  // The divergence `steps` show from a fresh domain, or nothing.
  std::optional<Divergence> Replay(const std::vector<scenario::Step>& steps) {
    ++report_.replays;
    scenario::Scenario s = skeleton_;
    s.steps = steps;
    const ScenarioResult result = RunScenario(s, backend_);
    if (result.verdict == Verdict::kBackendFailure) throw BackendFailure(result.reason);
    for (const Failure& failure : result.failures) {
      if (failure.divergence) return failure.divergence;
    }
    return std::nullopt;
  }

  // A replay may show another divergence first than the walk did: it is the one recorded.
  void Record(Divergence divergence, const std::vector<scenario::Step>& steps, bool history) {
    if (Known(divergence)) return;
    if (DivergenceGroup* group = GroupOf(Signature(divergence))) {
      ++group->transitions;
      return;
    }
    DivergenceGroup group;
    group.signature = Signature(divergence);
    group.divergence = std::move(divergence);
    group.scenario = model::PathScenario(o_.model, steps, "");
    const int number = static_cast<int>(report_.groups.size()) + 1;
    group.scenario.name = fmt::format("explore-{}-{}", backend_.name(), number);
    group.scenario.description =
        fmt::format("Found by snapsim explore --backend {} --depth {} --names {}: {}",
                    backend_.name(), o_.model.depth, o_.model.names, group.signature);
    group.transitions = 1;
    group.needs_history = history;
    report_.groups.push_back(std::move(group));
  }

  const BackendExploreOptions& o_;
  Backend& backend_;
  StateGraph g_;
  BackendExploreReport& report_;
  scenario::Scenario skeleton_;
  std::vector<uint8_t> tested_;
  std::vector<uint32_t> untested_;
  int32_t cursor_ = 0;
};

}  // namespace

BackendExploreReport ExploreBackend(const BackendExploreOptions& options,
                                    const BackendMaker& make_backend) {
  BackendExploreReport report;
  std::unique_ptr<Backend> real = make_backend();
  CountingBackend backend(real.get(), &report.backend_ops);
  // Only what the backend can send is explored (qemu-img gets no `start`), asked of the
  // backend itself as the fuzzer does.
  std::vector<scenario::Action> alphabet;
  for (const scenario::Action& action : options.every_flag
                                            ? EveryFlagAlphabet(options.model)
                                            : model::ExploreAlphabet(options.model)) {
    scenario::Scenario one = model::PathScenario(options.model, {{action, std::nullopt, {}}}, "");
    if (auto reason = backend.CannotRun(one)) {
      report.refused_actions.push_back(fmt::format("{}: {}", ActionText(one, action), *reason));
    } else {
      alphabet.push_back(action);
    }
  }
  if (alphabet.empty()) return report;
  StateGraph graph = BuildGraph(options.model, std::move(alphabet));
  if (options.on_graph) options.on_graph(graph.nodes.size(), graph.target.size());
  try {
    Explorer(options, backend, std::move(graph), report).Run();
  } catch (const BackendFailure&) {
    // An interrupt stops the programs a step was running (their cleanup kills them):
    // that is the interrupt, not a failing backend. The report keeps what was checked.
    if (!options.stop || !options.stop()) throw;
    report.interrupted = true;
    backend.End();
  }
  return report;
}

}  // namespace snapsim::simulator
