#include "model/diagram.h"

#include <fmt/format.h>

#include "model/power_machine.h"
#include "model/rules.h"

namespace snapsim::model {
namespace {

struct Edge {
  std::string from, to, label;
  bool internal = false;
  bool refused = false;
  bool settling = false;
};

std::vector<Edge> Edges(Profile profile) {
  std::vector<Edge> edges;
  for (const TransitionRow& row : PowerTransitionTable()) {
    Edge e;
    e.from = row.source;
    e.internal = row.target == "none";
    e.to = e.internal ? row.source : row.target;
    e.settling = row.operation < 0;
    e.label = row.event;
    if (row.guard != "none") {
      const auto op = static_cast<Operation>(row.operation);
      const PowerState state = PowerStateOfName(row.source);
      e.refused = PowerRefusal(profile, op, state).has_value();
      e.label += fmt::format(" [{}: {}]", row.guard, GuardDecision(profile, op, state));
    }
    if (row.action != "none") e.label += " / " + row.action;
    if (e.settling) e.label += " (after revert or halt)";
    edges.push_back(std::move(e));
  }
  return edges;
}

std::string Escape(const std::string& text, bool mermaid) {
  std::string out;
  for (char c : text) {
    if (!mermaid && (c == '"' || c == '\\')) out.push_back('\\');
    if (mermaid && (c == ';' || c == ':')) c = ',';  // Mermaid ends a label at these
    out.push_back(c);
  }
  return out;
}

}  // namespace

std::optional<DiagramFormat> ParseDiagramFormat(std::string_view text) {
  if (text == "dot") return DiagramFormat::kDot;
  if (text == "mermaid") return DiagramFormat::kMermaid;
  return std::nullopt;
}

std::string RenderDiagram(Profile profile, DiagramFormat format) {
  const std::vector<Edge> edges = Edges(profile);
  std::string out;
  auto it = std::back_inserter(out);
  if (format == DiagramFormat::kDot) {
    fmt::format_to(
        it, "// snapsim diagram --hypervisor {}: generated from model/power_machine.cc's table\n",
        ProfileName(profile));
    fmt::format_to(it,
                   "digraph \"snapsim-{}\" {{\n  rankdir=LR;\n  node [shape=box, style=rounded];\n",
                   ProfileName(profile));
    fmt::format_to(it, "  start [shape=point];\n  start -> Shutoff;\n");
    for (const Edge& e : edges) {
      std::string style = e.refused    ? ", color=red, fontcolor=red"
                          : e.internal ? ", style=dashed"
                          : e.settling ? ", style=dotted"
                                       : "";
      fmt::format_to(it, "  {} -> {} [label=\"{}\"{}];\n", e.from, e.to, Escape(e.label, false),
                     style);
    }
    fmt::format_to(it, "}}\n");
    return out;
  }
  fmt::format_to(
      it, "%% snapsim diagram --hypervisor {}: generated from model/power_machine.cc's table\n",
      ProfileName(profile));
  fmt::format_to(it, "stateDiagram-v2\n  [*] --> Shutoff\n");
  for (const Edge& e : edges) {
    fmt::format_to(it, "  {} --> {} : {}{}\n", e.from, e.to, e.refused ? "REFUSED " : "",
                   Escape(e.label, true));
  }
  return out;
}

}  // namespace snapsim::model
