#include "simulator/coverage.h"

#include <unordered_set>

#include <fmt/format.h>
#include <xxhash.h>

#include "model/explore.h"
#include "simulator/divergence.h"

namespace snapsim::simulator {
namespace {

// The operation's options as its YAML item shows them, without the name: "create",
// "delete: {children: true}".
template <typename Operation>
std::string Options(const char* verb, Operation operation) {
  operation.name = "X";
  std::string text = ActionText(scenario::Scenario{}, operation);
  const size_t name = text.find("name: X");
  if (name == std::string::npos) return verb;  // "delete: X": no options
  std::string rest = text.substr(name + 7);    // ", children: true}"
  if (rest.rfind(", ", 0) == 0) rest = rest.substr(2);
  return fmt::format("{}: {{{}", verb, rest);
}

std::string Position(const model::Model& before, const std::string& name) {
  if (before.current() == name) return "current";
  const auto snapshots = before.Snapshots();
  for (const auto& s : snapshots) {
    if (s.name != name) continue;
    if (s.parent_serial == 0) return "root";
    for (const auto& other : snapshots) {
      if (other.parent_serial == s.serial) return "inner";
    }
    return "leaf";
  }
  return "unknown";
}

bool Exists(const model::Model& before, const std::string& name) {
  for (const auto& s : before.Snapshots()) {
    if (s.name == name) return true;
  }
  return false;
}

std::string Row(const model::Model& before, const scenario::Action& action, bool options) {
  const std::string state(PowerStateName(before.state()));
  const std::string operation =
      options ? OperationText(action) : std::string(scenario::ActionName(action));
  if (const auto* c = std::get_if<scenario::Create>(&action)) {
    return fmt::format("{} | {} | {}", operation, state,
                       Exists(before, c->name) ? "name exists" : "new name");
  }
  if (const auto* d = std::get_if<scenario::Delete>(&action)) {
    return fmt::format("{} | {} | {}", operation, state, Position(before, d->name));
  }
  if (const auto* r = std::get_if<scenario::Revert>(&action)) {
    return fmt::format("{} | {} | {}", operation, state, Position(before, r->name));
  }
  if (const auto* c = std::get_if<scenario::SetCurrent>(&action)) {
    return fmt::format("{} | {} | {}", operation, state, Position(before, c->name));
  }
  return fmt::format("{} | {}", operation, state);
}

}  // namespace

std::string OperationText(const scenario::Action& action) {
  if (const auto* c = std::get_if<scenario::Create>(&action)) return Options("create", *c);
  if (const auto* d = std::get_if<scenario::Delete>(&action)) return Options("delete", *d);
  if (const auto* r = std::get_if<scenario::Revert>(&action)) return Options("revert", *r);
  return std::string(scenario::ActionName(action));
}

std::string CoverageRow(const model::Model& before, const scenario::Action& action) {
  return Row(before, action, true);
}

std::string CoarseCoverageRow(const model::Model& before, const scenario::Action& action) {
  return Row(before, action, false);
}

bool MetadataDeleted(const std::vector<scenario::Step>& steps) {
  for (const scenario::Step& step : steps) {
    const auto* d = std::get_if<scenario::Delete>(&step.action);
    if (d && d->metadata_only && !step.error) return true;
  }
  return false;
}

std::vector<std::string> BranchShapes(const model::Model& before, const scenario::Action& action,
                                      bool ok, bool metadata_deleted) {
  std::vector<std::string> shapes;
  const bool revert_or_delete = std::holds_alternative<scenario::Revert>(action) ||
                                std::holds_alternative<scenario::Delete>(action);
  if (!ok || !revert_or_delete) return shapes;
  const auto snapshots = before.Snapshots();
  auto serial_of = [&](const std::string& name) -> uint64_t {
    for (const auto& s : snapshots) {
      if (s.name == name) return s.serial;
    }
    return 0;
  };
  auto below = [&](uint64_t serial, auto&& external_below) -> bool {
    for (const auto& s : snapshots) {
      if (s.parent_serial == serial && (s.external || external_below(s.serial, external_below))) {
        return true;
      }
    }
    return false;
  };
  if (const auto* r = std::get_if<scenario::Revert>(&action)) {
    const uint64_t serial = serial_of(r->name);
    if (serial != 0 && below(serial, below))
      shapes.push_back("shape: revert below an external snapshot");
  }
  if (const auto* d = std::get_if<scenario::Delete>(&action)) {
    const uint64_t serial = serial_of(d->name);
    int children = 0;
    for (const auto& s : snapshots) children += serial != 0 && s.parent_serial == serial;
    if (children >= 2) shapes.push_back("shape: delete of a parent with several children");
    if (metadata_deleted && !d->metadata_only) {
      shapes.push_back("shape: delete after a metadata-only delete");
    }
  }
  return shapes;
}

void Coverage::Record(const model::Model& before, const scenario::Action& action, bool agreed) {
  Record(CoverageRow(before, action), CoarseCoverageRow(before, action), agreed);
}

void Coverage::Record(const std::string& row, const std::string& coarse_row, bool agreed) {
  CoverageCount& count = rows_[row];
  ++count.ran;
  count.agreed += agreed;
  coarse_.insert(coarse_row);
}

std::string Coverage::Table() const {
  std::string text = fmt::format("  {:>8} {:>8}  {}\n", "ran", "agreed", "situation");
  for (const auto& [row, count] : rows_) {
    text += fmt::format("{} {:>8} {:>8}  {}\n", count.agreed < count.ran ? '!' : ' ', count.ran,
                        count.agreed, row);
  }
  for (const auto& [shape, count] : shapes_) {
    text += fmt::format("  {:>8} {:>8}  {}\n", count, "", shape);
  }
  return text;
}

std::set<std::string> ReachableCoarseRows(Profile profile, int depth, int names) {
  model::ExploreOptions options;
  options.profile = profile;
  options.depth = depth;
  options.names = names;
  const std::vector<scenario::Action> alphabet = model::ExploreAlphabet(options);
  std::set<std::string> rows;
  std::unordered_set<uint64_t> seen;
  auto add_state = [&](const model::Model& state) {
    const std::string canonical = state.Canonical();
    if (!seen.insert(XXH3_64bits(canonical.data(), canonical.size())).second) return;
    for (const scenario::Action& action : alphabet) rows.insert(CoarseCoverageRow(state, action));
  };
  // The states one step short of the depth are the ones whose operations count.
  options.depth = depth - 1;
  options.extra_check = [&](const model::Model& after) {
    add_state(after);
    return Status::Ok();
  };
  add_state(model::Model(profile, PowerState::kShutoff, {{"vda", options.disk_bytes}}));
  model::Explore(options);
  return rows;
}

}  // namespace snapsim::simulator
