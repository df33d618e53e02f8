#include "model/diagram.h"

#include <fmt/format.h>

#include <algorithm>
#include <functional>
#include <map>
#include <set>

#include "model/model.h"

namespace snapsim::model {
namespace {

using scenario::Action;

constexpr PowerState kStates[] = {PowerState::kShutoff, PowerState::kRunning, PowerState::kPaused};

std::string Name(PowerState state) { return std::string(PowerStateName(state)); }

std::string Outcome(const Status& status) {
  return status.ok() ? "ok" : std::string(ErrorClassName(status.error_class()));
}

// A fresh domain in `state`, if the profile can reach it from one shut off. Starting in
// `state` directly is what a scenario's `domain.state` does.
Model Fresh(Profile profile, PowerState state) {
  return Model(profile, state, {scenario::DiskSpec{"vda", scenario::kDefaultDiskSizeBytes}});
}

// `model` brought to `state` by power steps (breadth first), or nullopt.
std::optional<Model> Reach(const Model& model, PowerState state) {
  const Action power[] = {scenario::Start{}, scenario::Shutdown{}, scenario::Pause{},
                          scenario::Resume{}};
  std::vector<Model> frontier{model};
  for (int depth = 0; depth < 4; ++depth) {
    std::vector<Model> next;
    for (const Model& m : frontier) {
      if (m.state() == state) return m;
      for (const Action& action : power) {
        Model copy = m;
        if (copy.Apply(action).ok() && copy.state() != m.state()) next.push_back(copy);
      }
    }
    frontier = std::move(next);
  }
  return std::nullopt;
}

// The revert variants the format can write.
struct RevertVariant {
  const char* words;
  bool running, paused, force;
};
constexpr RevertVariant kReverts[] = {
    {"revert", false, false, false},
    {"revert running", true, false, false},
    {"revert paused", false, true, false},
    {"revert force", false, false, true},
    {"revert running force", true, false, true},
    {"revert paused force", false, true, true},
};

}  // namespace

std::optional<DiagramFormat> ParseDiagramFormat(std::string_view text) {
  if (text == "dot") return DiagramFormat::kDot;
  if (text == "mermaid") return DiagramFormat::kMermaid;
  if (text == "table") return DiagramFormat::kTable;
  return std::nullopt;
}

namespace {

// What one operation did from one state: `to` and `error` (empty when it succeeded).
struct Move {
  std::string from, to, words, taken, error;
};

// `words` with " force" taken out: "revert running force" -> "revert running".
std::string WithoutForce(const std::string& words) {
  const size_t at = words.find(" force");
  if (at == std::string::npos) return words;
  std::string out = words;
  out.erase(at, 6);
  return out == "revert" || out.find("revert ") == 0 ? out : words;
}

// Labels of moves that share `from`, `to` and `error`: a variant with `force` that does
// what the one without does is left out, and a revert that does the same whatever state
// its snapshot was taken in is named once.
std::vector<std::string> GroupedLabels(const std::vector<Move>& all, const std::string& from,
                                       const std::string& to, const std::string& error) {
  std::vector<std::pair<std::string, std::set<std::string>>> words;  // in order seen
  for (const Move& m : all) {
    if (m.from != from || m.to != to || m.error != error) continue;
    if (m.words != WithoutForce(m.words)) {
      bool same = false;
      for (const Move& other : all) {
        same = same || (other.from == from && other.words == WithoutForce(m.words) &&
                        other.taken == m.taken && other.to == m.to && other.error == m.error);
      }
      if (same) continue;
    }
    bool found = false;
    for (auto& [w, taken] : words) {
      if (w == m.words) {
        if (!m.taken.empty()) taken.insert(m.taken);
        found = true;
      }
    }
    if (!found) {
      words.emplace_back(
          m.words, m.taken.empty() ? std::set<std::string>{} : std::set<std::string>{m.taken});
    }
  }
  std::vector<std::string> labels;
  for (const auto& [w, taken] : words) {
    if (taken.empty() || taken.size() == 3) {
      labels.push_back(w);
      continue;
    }
    std::string list;
    for (const std::string& t : taken) list += (list.empty() ? "" : " or ") + t;
    labels.push_back(fmt::format("{} (to a {} snapshot)", w, list));
  }
  return labels;
}

}  // namespace

std::vector<PowerEdge> PowerEdges(Profile profile) {
  std::vector<Move> moves;
  auto record = [&](PowerState from, const std::string& words, const std::string& taken,
                    const Status& status, const Model& after) {
    moves.push_back(Move{Name(from), status.ok() ? Name(after.state()) : Name(from), words, taken,
                         status.ok() ? "" : Outcome(status)});
  };
  const std::pair<const char*, Action> power[] = {{"start", scenario::Start{}},
                                                  {"shutdown", scenario::Shutdown{}},
                                                  {"pause", scenario::Pause{}},
                                                  {"resume", scenario::Resume{}}};
  for (PowerState from : kStates) {
    for (const auto& [word, action] : power) {
      Model m = Fresh(profile, from);
      const Status status = m.Apply(action);
      record(from, word, "", status, m);
    }
    // create with halt: the snapshot is taken, then the domain is shut off.
    Model halted = Fresh(profile, from);
    scenario::Create halt{"H"};
    halt.halt = true;
    const Status status = halted.Apply(halt);
    if (!status.ok() || halted.state() != from) record(from, "create halt", "", status, halted);
  }
  // Reverts: to a snapshot taken in each state, from each state.
  for (PowerState taken : kStates) {
    Model base = Fresh(profile, taken);
    if (!base.Apply(scenario::Create{"S"}).ok()) continue;
    for (PowerState from : kStates) {
      std::optional<Model> there = Reach(base, from);
      if (!there) continue;
      for (const RevertVariant& v : kReverts) {
        Model m = *there;
        scenario::Revert revert{"S", v.running, v.paused, v.force, false};
        const Status status = m.Apply(revert);
        record(from, v.words, Name(taken), status, m);
      }
    }
  }
  std::vector<PowerEdge> edges;
  std::set<std::pair<std::string, std::string>> pairs;
  for (const Move& m : moves) {
    if (m.error.empty()) pairs.insert({m.from, m.to});
  }
  for (const auto& [from, to] : pairs) {
    edges.push_back({from, to, GroupedLabels(moves, from, to, ""), false});
  }
  // Refusals: a self-loop per state, a line per error class.
  for (PowerState state : kStates) {
    std::vector<std::string> errors;
    for (const Move& m : moves) {
      if (m.from != Name(state) || m.error.empty()) continue;
      if (std::find(errors.begin(), errors.end(), m.error) == errors.end()) {
        errors.push_back(m.error);
      }
    }
    PowerEdge refusals{Name(state), Name(state), {}, true};
    for (const std::string& error : errors) {
      std::string list;
      for (const std::string& label : GroupedLabels(moves, Name(state), Name(state), error)) {
        list += (list.empty() ? "" : ", ") + label;
      }
      refusals.labels.push_back(fmt::format("{}: {}", error, list));
    }
    if (!refusals.labels.empty()) edges.push_back(std::move(refusals));
  }
  return edges;
}

std::vector<TreeRule> TreeRules(Profile profile) {
  // The setting of every row: writes 0x11, create A, writes 0x22, create B (a child of
  // A, current), writes 0x33; then the row's action.
  auto setting = [&](PowerState state) {
    Model m = Fresh(profile, state);
    auto write = [&](uint8_t byte) {
      m.Apply(scenario::Write{"vda", 0, 4096, scenario::Fill{byte}}).IgnoreError();
    };
    write(0x11);
    m.Apply(scenario::Create{"A"}).IgnoreError();
    write(0x22);
    m.Apply(scenario::Create{"B"}).IgnoreError();
    write(0x33);
    return m;
  };
  auto create = [](std::function<void(scenario::Create&)> set) {
    scenario::Create c{"C"};
    set(c);
    return Action{c};
  };
  auto del = [](std::function<void(scenario::Delete&)> set) {
    scenario::Delete d{"A"};
    set(d);
    return Action{d};
  };
  auto revert = [](std::function<void(scenario::Revert&)> set) {
    scenario::Revert r{"A"};
    set(r);
    return Action{r};
  };
  const std::pair<const char*, Action> rows[] = {
      {"create C", create([](auto&) {})},
      {"create C {memory: no}", create([](auto& c) { c.memory = scenario::MemoryMode::kNo; })},
      {"create C {memory: yes}", create([](auto& c) { c.memory = scenario::MemoryMode::kYes; })},
      {"create C {disk-only}", create([](auto& c) { c.disk_only = true; })},
      {"create C {quiesce}", create([](auto& c) { c.quiesce = true; })},
      {"create C {location: external}",
       create([](auto& c) { c.location = scenario::Location::kExternal; })},
      {"create B (a name taken)", Action{scenario::Create{"B"}}},
      {"delete A", del([](auto&) {})},
      {"delete B (current, a leaf)", Action{scenario::Delete{"B"}}},
      {"delete A {children}", del([](auto& d) { d.children = true; })},
      {"delete A {children-only}", del([](auto& d) { d.children_only = true; })},
      {"delete A {metadata-only}", del([](auto& d) { d.metadata_only = true; })},
      {"delete A {discard}", del([](auto& d) { d.discard = true; })},
      {"delete X (no such)", Action{scenario::Delete{"X"}}},
      {"revert A", revert([](auto&) {})},
      {"revert A {running}", revert([](auto& r) { r.running = true; })},
      {"revert A {paused}", revert([](auto& r) { r.paused = true; })},
      {"revert A {force}", revert([](auto& r) { r.force = true; })},
      {"revert X (no such)", Action{scenario::Revert{"X"}}},
  };
  std::vector<TreeRule> rules;
  for (const auto& [words, action] : rows) {
    TreeRule rule{words, {}};
    for (PowerState state : kStates) {
      Model m = setting(state);
      const Status status = m.Apply(action);
      if (!status.ok()) {
        rule.outcomes.push_back("refused: " + Outcome(status));
        continue;
      }
      const merge::ExtentMap& view = m.CurrentView("vda");
      std::string bytes = "0x00";
      if (!view.extents().empty() && view.extents().front().offset == 0) {
        if (const auto* fill = std::get_if<merge::FillSource>(&view.extents().front().source)) {
          bytes = fmt::format("0x{:02x}", fill->byte);
        }
      }
      std::string tree;
      std::function<std::string(const scenario::Tree&)> text = [&](const scenario::Tree& t) {
        std::string out;
        for (const auto& [name, children] : t.children) {
          out += (out.empty() ? "" : ", ") + name +
                 (children.children.empty() ? "" : "(" + text(children) + ")");
        }
        return out;
      };
      tree = text(m.Forest());
      rule.outcomes.push_back(fmt::format("{}; current {}; tree {}; bytes {}", Name(m.state()),
                                          m.current().value_or("none"),
                                          tree.empty() ? "empty" : tree, bytes));
    }
    rules.push_back(std::move(rule));
  }
  return rules;
}

namespace {

std::string Html(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '<')
      out += "&lt;";
    else if (c == '>')
      out += "&gt;";
    else if (c == '&')
      out += "&amp;";
    else if (c == '"')
      out += "&quot;";
    else
      out.push_back(c);
  }
  return out;
}

std::string Joined(const std::vector<std::string>& labels, const char* separator) {
  std::string out;
  for (const std::string& label : labels) out += (out.empty() ? "" : separator) + label;
  return out;
}

constexpr const char* kSetting =
    "each row starts from: write 0x11, create A, write 0x22, create B (child of A, "
    "current), write 0x33";

}  // namespace

std::string RenderDiagram(Profile profile, DiagramFormat format) {
  const std::string name(ProfileName(profile));
  std::string out;
  auto it = std::back_inserter(out);
  if (format == DiagramFormat::kTable) {
    fmt::format_to(it, "Snapshot-tree rules of {} ({}):\n\n", name, kSetting);
    fmt::format_to(it, "| action | shutoff | running | paused |\n|---|---|---|---|\n");
    for (const TreeRule& rule : TreeRules(profile)) {
      fmt::format_to(it, "| `{}` | {} |\n", rule.action, Joined(rule.outcomes, " | "));
    }
    return out;
  }
  const std::vector<PowerEdge> edges = PowerEdges(profile);
  if (format == DiagramFormat::kMermaid) {
    fmt::format_to(it, "%% snapsim diagram --hypervisor {}: found by running the model\n", name);
    fmt::format_to(it, "stateDiagram-v2\n  [*] --> shutoff\n");
    for (const PowerEdge& e : edges) {
      std::string label = Joined(e.labels, ", ");
      // Mermaid ends a label at ':' and ';'.
      for (size_t at = label.find(": "); at != std::string::npos; at = label.find(": ", at)) {
        label.replace(at, 2, " for ");
      }
      for (char& c : label) {
        if (c == ':' || c == ';') c = ',';
      }
      fmt::format_to(it, "  {} --> {} : {}{}\n", e.from, e.to, e.refusals ? "refused " : "", label);
    }
    return out;
  }
  fmt::format_to(it, "// snapsim diagram --hypervisor {}: found by running the model\n", name);
  fmt::format_to(it,
                 "digraph \"snapsim-{}\" {{\n  rankdir=LR;\n  nodesep=0.8;\n  ranksep=1.6;\n"
                 "  node [shape=box, style=rounded, fontname=\"DejaVu Sans\"];\n"
                 "  edge [fontname=\"DejaVu Sans\", fontsize=10];\n"
                 "  subgraph cluster_power {{\n    label=\"power states of {}\";\n"
                 "    begin [shape=point];\n    begin -> shutoff;\n",
                 name, name);
  for (const PowerEdge& e : edges) {
    // Labels of an edge are one HTML label, a line each, so they never overprint.
    std::string lines;
    for (const std::string& l : e.labels) lines += (lines.empty() ? "" : "<br/>") + Html(l);
    fmt::format_to(
        it, "    {} -> {} [label=<{}>{}];\n", e.from, e.to, lines,
        e.refusals ? ", color=red, fontcolor=red, style=dashed, tailport=s, headport=s" : "");
  }
  fmt::format_to(it, "  }}\n");
  fmt::format_to(it, "  subgraph cluster_tree {{\n    label=\"snapshot-tree rules of {}\";\n",
                 name);
  std::string table =
      "<table border=\"0\" cellborder=\"1\" cellspacing=\"0\" cellpadding=\"4\">"
      "<tr><td colspan=\"4\">" +
      Html(kSetting) +
      "</td></tr><tr><td><b>action</b></td><td><b>shutoff</b></td><td><b>running</b></td>"
      "<td><b>paused</b></td></tr>";
  for (const TreeRule& rule : TreeRules(profile)) {
    table += "<tr><td align=\"left\">" + Html(rule.action) + "</td>";
    for (const std::string& outcome : rule.outcomes) {
      table += fmt::format("<td align=\"left\"{}>{}</td>",
                           outcome.rfind("refused", 0) == 0 ? " bgcolor=\"#f8d0d0\"" : "",
                           Html(outcome));
    }
    table += "</tr>";
  }
  table += "</table>";
  fmt::format_to(it, "    rules [shape=plaintext, label=<{}>];\n  }}\n}}\n", table);
  return out;
}

}  // namespace snapsim::model
