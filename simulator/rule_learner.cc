#include "simulator/rule_learner.h"

#include <algorithm>
#include <set>
#include <unordered_map>

#include <fmt/format.h>

#include "simulator/coverage.h"
#include "simulator/divergence.h"
#include "simulator/explore_alphabet.h"
#include "simulator/model_backend.h"

namespace snapsim::simulator {
namespace {

// Where a node of the forest stands, and the parent of each name (empty: a root).
struct ForestIndex {
  std::map<std::string, std::string> parent;
  std::map<std::string, int> children;

  explicit ForestIndex(const scenario::Tree& forest) { Add(forest, ""); }

  void Add(const scenario::Tree& tree, const std::string& above) {
    for (const auto& [name, below] : tree.children) {
      parent[name] = above;
      children[name] = static_cast<int>(below.children.size());
      Add(below, name);
    }
  }
  bool Has(const std::string& name) const { return parent.count(name) > 0; }
  // Every name below `name`.
  std::set<std::string> Descendants(const std::string& name) const {
    std::set<std::string> found;
    bool grew = true;
    while (grew) {
      grew = false;
      for (const auto& [child, above] : parent) {
        if ((above == name || found.count(above)) && found.insert(child).second) grew = true;
      }
    }
    return found;
  }
};

std::string CanonicalTree(const scenario::Tree& tree) {
  std::vector<std::string> parts;
  for (const auto& [name, below] : tree.children) {
    parts.push_back(name + "(" + CanonicalTree(below) + ")");
  }
  std::sort(parts.begin(), parts.end());
  std::string text;
  for (const std::string& part : parts) text += part;
  return text;
}

// What the learner knows of a state: what the backend shows, and how each snapshot of it
// was created (the options it sent).
struct Knowledge {
  Observation seen;
  std::map<std::string, scenario::Create> made;

  std::string Key() const {
    std::string key = fmt::format("{}|{}|{}", PowerStateName(seen.state),
                                  seen.current.value_or("-"), CanonicalTree(seen.forest));
    for (const auto& [name, create] : made) key += "|" + OperationText(create) + " " + name;
    return key;
  }
};

std::string Position(const Knowledge& k, const ForestIndex& forest, const std::string& name) {
  std::string position;
  if (k.seen.current == name) {
    position = "current";
  } else if (!forest.Has(name)) {
    return "unknown";
  } else if (forest.parent.at(name).empty()) {
    position = "root";
  } else {
    position = forest.children.at(name) > 0 ? "inner" : "leaf";
  }
  const auto made = k.made.find(name);
  if (made != k.made.end() && made->second.location == scenario::Location::kExternal) {
    position += ", external";
  }
  return position;
}

std::optional<std::string> TargetOf(const scenario::Action& action) {
  if (const auto* c = std::get_if<scenario::Create>(&action)) return c->name;
  if (const auto* d = std::get_if<scenario::Delete>(&action)) return d->name;
  if (const auto* r = std::get_if<scenario::Revert>(&action)) return r->name;
  if (const auto* c = std::get_if<scenario::SetCurrent>(&action)) return c->name;
  return std::nullopt;
}

std::string Situation(const Knowledge& before, const ForestIndex& forest,
                      const scenario::Action& action) {
  const std::string state(PowerStateName(before.seen.state));
  const std::string operation = OperationText(action);
  if (const auto* c = std::get_if<scenario::Create>(&action)) {
    return fmt::format("{} | {} | {}", operation, state,
                       forest.Has(c->name) ? "name exists" : "new name");
  }
  if (auto target = TargetOf(action)) {
    return fmt::format("{} | {} | {}", operation, state, Position(before, forest, *target));
  }
  return fmt::format("{} | {}", operation, state);
}

// Where current went, in words relative to the operation.
std::string CurrentMove(const Knowledge& before, const ForestIndex& forest,
                        const Observation& after, const scenario::Action& action) {
  if (after.current == before.seen.current) return "";
  const auto target = TargetOf(action);
  if (target && after.current == *target) {
    return std::holds_alternative<scenario::Create>(action) ? "current -> new"
                                                            : "current -> target";
  }
  // A root's parent is none: deleting a current root moves current to its parent too.
  if (target && forest.Has(*target) && forest.parent.at(*target) == after.current.value_or("")) {
    return "current -> target's parent";
  }
  if (!after.current) return "current -> none";
  if (before.seen.current && forest.Has(*before.seen.current) &&
      forest.parent.at(*before.seen.current) == *after.current) {
    return "current -> its parent";
  }
  return "current -> another snapshot";
}

// What happened to the forest, in words relative to the operation.
std::string TreeChange(const Knowledge& before, const ForestIndex& was, const Observation& after,
                       const scenario::Action& action) {
  const ForestIndex is(after.forest);
  if (was.parent == is.parent) return "";
  std::vector<std::string> words;
  const auto target = TargetOf(action);
  std::set<std::string> removed, added, moved;
  for (const auto& [name, above] : was.parent) {
    if (!is.Has(name)) {
      removed.insert(name);
    } else if (is.parent.at(name) != above) {
      moved.insert(name);
    }
  }
  for (const auto& [name, above] : is.parent) {
    if (!was.Has(name)) added.insert(name);
  }
  for (const std::string& name : added) {
    const std::string& above = is.parent.at(name);
    if (above == before.seen.current.value_or("")) {  // a root when there was no current
      words.push_back("added under current");
    } else if (above.empty()) {
      words.push_back("added as a root");
    } else {
      words.push_back("added under another snapshot");
    }
  }
  if (!removed.empty()) {
    std::set<std::string> descendants = target ? was.Descendants(*target) : std::set<std::string>{};
    std::set<std::string> whole = descendants;
    if (target) whole.insert(*target);
    if (target && removed == std::set<std::string>{*target}) {
      words.push_back("target removed");
    } else if (target && removed == whole) {
      words.push_back("target and its descendants removed");
    } else if (target && removed == descendants) {
      words.push_back("target's descendants removed");
    } else {
      words.push_back(fmt::format("{} snapshots removed", removed.size()));
    }
  }
  if (!moved.empty()) {
    bool to_parent = target && was.Has(*target);
    for (const std::string& name : moved) {
      to_parent = to_parent && was.parent.at(name) == *target &&
                  is.parent.at(name) == was.parent.at(*target);
    }
    words.push_back(to_parent ? "children moved to target's parent"
                              : fmt::format("{} snapshots moved", moved.size()));
  }
  if (words.empty()) words.push_back("a created snapshot replaced");
  std::string text = "tree: " + words[0];
  for (size_t i = 1; i < words.size(); ++i) text += ", " + words[i];
  return text;
}

std::string Effect(const Knowledge& before, const ForestIndex& forest, const Status& status,
                   const Observation& after, const scenario::Action& action) {
  std::vector<std::string> parts;
  parts.push_back(status.ok() ? "ok" : std::string(ErrorClassName(status.error_class())));
  if (after.state != before.seen.state) {
    parts.push_back(fmt::format("power -> {}", PowerStateName(after.state)));
  }
  if (std::string move = CurrentMove(before, forest, after, action); !move.empty()) {
    parts.push_back(move);
  }
  if (std::string change = TreeChange(before, forest, after, action); !change.empty()) {
    parts.push_back(change);
  }
  std::string text = parts[0];
  for (size_t i = 1; i < parts.size(); ++i) text += "; " + parts[i];
  return text;
}

Knowledge After(const Knowledge& before, const scenario::Action& action, const Status& status,
                Observation seen) {
  Knowledge after{std::move(seen), before.made};
  if (const auto* c = std::get_if<scenario::Create>(&action); c && status.ok()) {
    after.made[c->name] = *c;
  }
  const ForestIndex forest(after.seen.forest);
  for (auto it = after.made.begin(); it != after.made.end();) {
    it = forest.Has(it->first) ? std::next(it) : after.made.erase(it);
  }
  return after;
}

class Learner {
 public:
  Learner(const LearnOptions& o, Backend& backend, std::vector<scenario::Action> alphabet,
          RuleTable& table)
      : o_(o), backend_(backend), alphabet_(std::move(alphabet)), table_(table) {}

  void Run() {
    Begin();
    if (!table_.interrupted && !table_.budget_spent) AddNode(-1, {}, Observe({}));
    for (size_t n = 0; n < nodes_.size(); ++n) {
      if (nodes_[n].path.size() >= static_cast<size_t>(o_.depth)) break;  // breadth-first
      for (uint32_t a = 0; a < alphabet_.size(); ++a) {
        if (Spent()) return Finish();
        if (!Reach(static_cast<int>(n))) break;  // the backend did not replay to it
        Send(static_cast<int>(n), a);
      }
    }
    Finish();
  }

 private:
  struct Node {
    std::vector<scenario::Step> path;
    Knowledge knowledge;
    std::string key;  // knowledge.Key()
  };

  bool Spent() {
    if (o_.stop && o_.stop()) table_.interrupted = true;
    if (o_.max_ops > 0 && table_.backend_ops >= o_.max_ops) table_.budget_spent = true;
    return table_.interrupted || table_.budget_spent;
  }

  void Finish() {
    table_.states = nodes_.size();
    backend_.End();
  }

  void Begin() {
    backend_.End();
    ++table_.backend_ops;
    backend_.Begin(LearnScenario(o_, {}));
  }

  Knowledge Observe(const Knowledge& before) const {
    return Knowledge{backend_.Observe(), before.made};
  }

  int AddNode(int from, std::vector<scenario::Step> path, Knowledge knowledge) {
    const std::string key = knowledge.Key();
    const auto [it, added] = index_.emplace(key, static_cast<int>(nodes_.size()));
    if (added) {
      nodes_.push_back({std::move(path), std::move(knowledge), key});
      if (o_.on_progress) o_.on_progress(nodes_.size(), table_.backend_ops);
    }
    live_ = it->second;
    return it->second;
  }

  // Brings the domain to node `n`: from a fresh domain along its shortest path, unless it
  // is there already. False when the replay ended elsewhere (the backend is not
  // deterministic there); the node's remaining operations are then left out.
  bool Reach(int n) {
    if (live_ == n) return true;
    Begin();
    Knowledge k{backend_.Observe(), {}};
    for (const scenario::Step& step : nodes_[n].path) {
      ++table_.backend_ops;
      const Status status = backend_.Perform(step.action);
      k = After(k, step.action, status, backend_.Observe());
    }
    if (k.Key() != nodes_[n].key) {
      ++table_.nondeterministic;
      live_ = -1;
      return false;
    }
    live_ = n;
    return true;
  }

  void Send(int n, uint32_t a) {
    const scenario::Action& action = alphabet_[a];
    const Knowledge before = nodes_[n].knowledge;  // a copy: nodes_ may grow
    ++table_.backend_ops;
    const Status status = backend_.Perform(action);
    Observation seen = backend_.Observe();
    const ForestIndex forest(before.seen.forest);
    const std::string situation = Situation(before, forest, action);
    std::vector<scenario::Step> path = nodes_[n].path;
    path.push_back({action, std::nullopt, {}});
    LearnedEffect& effect =
        table_.rows[situation].effects[Effect(before, forest, status, seen, action)];
    if (effect.count++ == 0) effect.example = path;
    Knowledge after = After(before, action, status, std::move(seen));
    AddNode(n, std::move(path), std::move(after));
  }

  const LearnOptions& o_;
  Backend& backend_;
  std::vector<scenario::Action> alphabet_;
  RuleTable& table_;
  std::vector<Node> nodes_;
  std::unordered_map<std::string, int> index_;
  int live_ = -1;
};

std::string EffectsText(const LearnedRow* row) {
  if (row == nullptr) return "(never reached)";
  if (row->effects.size() == 1) return row->effects.begin()->first;
  std::string text;
  for (const auto& [effect, seen] : row->effects) {
    text += fmt::format("{}{} ({}x)", text.empty() ? "" : " | ", effect, seen.count);
  }
  return text;
}

RuleTable LearnWith(const LearnOptions& o, Backend& backend,
                    std::vector<scenario::Action> alphabet) {
  RuleTable table;
  table.backend = backend.name();
  table.alphabet = alphabet;
  try {
    Learner(o, backend, std::move(alphabet), table).Run();
  } catch (const BackendFailure&) {
    // An interrupt stops the programs a step was running: the table keeps what it has.
    if (!o.stop || !o.stop()) throw;
    table.interrupted = true;
    backend.End();
  }
  return table;
}

}  // namespace

std::string RuleTable::Text() const {
  size_t width = 0;
  for (const auto& [situation, row] : rows) width = std::max(width, situation.size());
  std::string text;
  for (const auto& [situation, row] : rows) {
    text += fmt::format("{:<{}}  =>  {}\n", situation, width, EffectsText(&row));
  }
  return text;
}

std::string RuleTable::EffectsOf(const std::string& situation) const {
  const auto it = rows.find(situation);
  return EffectsText(it == rows.end() ? nullptr : &it->second);
}

std::vector<scenario::Action> LearnAlphabet(const LearnOptions& options) {
  if (options.every_flag) {
    model::ExploreOptions o;
    o.names = options.names;
    o.disk_bytes = options.disk_bytes;
    o.write_bytes = options.write_bytes;
    return EveryFlagAlphabet(o);
  }
  std::vector<scenario::Action> alphabet;
  std::set<std::string> seen;
  for (Profile profile : kAllProfiles) {
    model::ExploreOptions o;
    o.profile = profile;
    o.depth = options.depth;
    o.names = options.names;
    o.disk_bytes = options.disk_bytes;
    o.write_bytes = options.write_bytes;
    for (const scenario::Action& action : model::ExploreAlphabet(o)) {
      if (seen.insert(ActionText(scenario::Scenario{}, action)).second) alphabet.push_back(action);
    }
  }
  return alphabet;
}

scenario::Scenario LearnScenario(const LearnOptions& options, std::vector<scenario::Step> steps) {
  scenario::Scenario s;
  s.name = "learn";
  s.description = "Replayed by snapsim learn";
  s.hypervisor = options.header;
  s.tags = {"learn"};
  s.disks = {{"vda", options.disk_bytes}};
  s.steps = std::move(steps);
  return s;
}

RuleTable LearnRules(const LearnOptions& options, Backend& backend) {
  std::vector<scenario::Action> alphabet;
  std::vector<std::string> not_sent;
  for (const scenario::Action& action : LearnAlphabet(options)) {
    const scenario::Scenario one = LearnScenario(options, {{action, std::nullopt, {}}});
    if (auto reason = backend.CannotRun(one)) {
      not_sent.push_back(fmt::format("{}: {}", ActionText(one, action), *reason));
    } else {
      alphabet.push_back(action);
    }
  }
  RuleTable table = LearnWith(options, backend, std::move(alphabet));
  table.not_sent = std::move(not_sent);
  return table;
}

RuleTable LearnModelRules(const LearnOptions& options, Profile profile,
                          const RuleTable& backend_table) {
  LearnOptions o = options;
  o.header = profile;
  o.max_ops = 0;
  o.on_progress = nullptr;
  ModelBackend model;
  return LearnWith(o, model, backend_table.alphabet);
}

}  // namespace snapsim::simulator
