#include "simulator/observation.h"

#include <algorithm>
#include <vector>

#include <fmt/format.h>

namespace snapsim::simulator {
namespace {

std::vector<const std::pair<std::string, scenario::Tree>*> Sorted(const scenario::Tree& tree) {
  std::vector<const std::pair<std::string, scenario::Tree>*> children;
  for (const auto& child : tree.children) children.push_back(&child);
  std::stable_sort(children.begin(), children.end(),
                   [](const auto* a, const auto* b) { return a->first < b->first; });
  return children;
}

}  // namespace

std::string FormatTree(const scenario::Tree& tree) {
  std::string out = "{";
  bool first = true;
  for (const auto* child : Sorted(tree)) {
    if (!first) out += ", ";
    first = false;
    out += child->first + ": " + FormatTree(child->second);
  }
  return out + "}";
}

bool SameForest(const scenario::Tree& a, const scenario::Tree& b) {
  if (a.children.size() != b.children.size()) return false;
  auto sa = Sorted(a), sb = Sorted(b);
  for (size_t i = 0; i < sa.size(); ++i) {
    if (sa[i]->first != sb[i]->first || !SameForest(sa[i]->second, sb[i]->second)) return false;
  }
  return true;
}

std::string FormatCurrent(const std::optional<std::string>& current) {
  return current ? *current : "null";
}

std::string FormatObservation(const Observation& observation) {
  return fmt::format("state: {}, current: {}, tree: {}", PowerStateName(observation.state),
                     FormatCurrent(observation.current), FormatTree(observation.forest));
}

}  // namespace snapsim::simulator
