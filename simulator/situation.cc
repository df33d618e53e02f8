#include "simulator/situation.h"

#include <fmt/format.h>

#include "simulator/divergence.h"

namespace snapsim::simulator {
namespace {

// The operation's shape: its one-line YAML item with the name replaced.
template <typename Operation>
std::string Shape(Operation operation) {
  operation.name = "X";
  return ActionText(scenario::Scenario{}, operation);
}

std::string ChildrenText(size_t children) {
  if (children == 0) return "no child";
  return children == 1 ? "1 child" : "2+ children";
}

// What the named snapshot is to the domain: "unknown", "current, 1 child, taken running".
std::string TargetText(const model::Model& before, const std::string& name, bool recorded) {
  const auto snapshots = before.Snapshots();
  const model::Model::SnapshotInfo* target = nullptr;
  for (const auto& s : snapshots) {
    if (s.name == name) {
      target = &s;
      break;
    }
  }
  if (target == nullptr) return "unknown";
  size_t children = 0;
  for (const auto& s : snapshots) children += s.parent_serial == target->serial;
  std::string text = before.current() == name ? "current" : "not current";
  text += target->external ? ", external" : ", internal";
  text += ", " + ChildrenText(children);
  if (recorded) text += ", taken " + target->recorded;
  return text;
}

}  // namespace

std::string SituationKey(const model::Model& before, const scenario::Action& action) {
  const std::string from = fmt::format("from {}", PowerStateName(before.state()));
  if (const auto* create = std::get_if<scenario::Create>(&action)) {
    const bool exists = TargetText(before, create->name, false) != "unknown";
    return fmt::format("{} | {} | {}", Shape(*create), from, exists ? "name exists" : "new name");
  }
  if (const auto* del = std::get_if<scenario::Delete>(&action)) {
    return fmt::format("{} | {} | target {}", Shape(*del), from,
                       TargetText(before, del->name, false));
  }
  if (const auto* revert = std::get_if<scenario::Revert>(&action)) {
    return fmt::format("{} | {} | target {}", Shape(*revert), from,
                       TargetText(before, revert->name, true));
  }
  return "";
}

}  // namespace snapsim::simulator
