#include "reports/portability.h"

#include <functional>

#include <fmt/format.h>

#include "model/model.h"
#include "simulator/observation.h"
#include "simulator/situation.h"

namespace snapsim::reports {
namespace {

using scenario::Action;

struct Situation {
  const char* situation;
  PowerState initial;
  std::vector<Action> setup;
  Action operation;
};

scenario::Create CreateWith(const char* name, std::function<void(scenario::Create&)> edit) {
  scenario::Create create{name};
  edit(create);
  return create;
}
scenario::Delete DeleteWith(const char* name, std::function<void(scenario::Delete&)> edit) {
  scenario::Delete del{name};
  edit(del);
  return del;
}
scenario::Revert RevertWith(const char* name, std::function<void(scenario::Revert&)> edit) {
  scenario::Revert revert{name};
  edit(revert);
  return revert;
}

const std::vector<Situation>& Situations() {
  using S = scenario::Create;
  using D = scenario::Delete;
  using R = scenario::Revert;
  const auto kOn = PowerState::kRunning;
  const auto kOff = PowerState::kShutoff;
  static const std::vector<Situation> situations = {
      {"create a snapshot while running", kOn, {}, S{"A"}},
      {"create a snapshot while paused", PowerState::kPaused, {}, S{"A"}},
      {"create with a name that exists", kOff, {S{"A"}}, S{"A"}},
      {"create disk-only while running",
       kOn,
       {},
       CreateWith("A", [](S& c) { c.disk_only = true; })},
      {"create without memory while running",
       kOn,
       {},
       CreateWith("A", [](S& c) { c.memory = scenario::MemoryMode::kNo; })},
      {"create and halt while running", kOn, {}, CreateWith("A", [](S& c) { c.halt = true; })},
      {"delete the current snapshot while running", kOn, {S{"A"}, S{"B"}}, D{"B"}},
      {"delete the current snapshot while shut off", kOff, {S{"A"}, S{"B"}}, D{"B"}},
      {"delete a snapshot with a child while shut off", kOff, {S{"A"}, S{"B"}, S{"C"}}, D{"B"}},
      {"delete a snapshot with two children", kOff, {S{"A"}, S{"B"}, R{"A"}, S{"C"}}, D{"A"}},
      {"delete with children",
       kOff,
       {S{"A"}, S{"B"}, S{"C"}},
       DeleteWith("B", [](D& d) { d.children = true; })},
      {"delete children only",
       kOff,
       {S{"A"}, S{"B"}, S{"C"}},
       DeleteWith("A", [](D& d) { d.children_only = true; })},
      {"delete metadata only",
       kOff,
       {S{"A"}},
       DeleteWith("A", [](D& d) { d.metadata_only = true; })},
      {"delete an unknown snapshot", kOff, {}, D{"nosuch"}},
      {"revert while running", kOn, {S{"A"}, S{"B"}}, R{"A"}},
      {"revert to a running snapshot while shut off", kOn, {S{"A"}, scenario::Shutdown{}}, R{"A"}},
      {"revert to a shut-off snapshot while running", kOff, {S{"A"}, scenario::Start{}}, R{"A"}},
      {"revert with --running to a shut-off snapshot",
       kOff,
       {S{"A"}},
       RevertWith("A", [](R& r) { r.running = true; })},
      {"revert with --paused while running",
       kOn,
       {S{"A"}},
       RevertWith("A", [](R& r) { r.paused = true; })},
      {"revert with --force", kOn, {S{"A"}}, RevertWith("A", [](R& r) { r.force = true; })},
      {"revert to an unknown snapshot", kOff, {}, R{"nosuch"}},
      {"discard (revert, then delete with children) while running",
       kOn,
       {S{"A"}, S{"B"}},
       DeleteWith("A", [](D& d) { d.discard = true; })},
  };
  return situations;
}

std::string Notation(const Action& action) {
  std::string text = scenario::ActionName(action);
  std::visit(
      [&](const auto& a) {
        using T = std::decay_t<decltype(a)>;
        if constexpr (requires { a.name; }) text += " " + a.name;
        (void)sizeof(T);
      },
      action);
  return text;
}

// Each disk's physical layers, bottom first, as the profile's technology keeps them.
std::string LayersText(const model::Model& model) {
  std::vector<std::string> disks;
  for (const scenario::DiskSpec& disk : model.disks()) {
    std::vector<std::string> ids;
    for (const model::Layer& layer : model.Layers(disk.name)) ids.push_back(layer.id);
    disks.push_back(fmt::format("{}: {}", disk.name, fmt::join(ids, ", ")));
  }
  return fmt::format("{}", fmt::join(disks, "; "));
}

}  // namespace

std::vector<PortabilityRow> PortabilityMatrix() {
  std::vector<PortabilityRow> rows;
  for (const Situation& s : Situations()) {
    PortabilityRow row;
    row.situation = s.situation;
    row.setup = fmt::format("from {}", PowerStateName(s.initial));
    for (const Action& step : s.setup) row.setup += "; " + Notation(step);
    for (size_t p = 0; p < kAllProfiles.size(); ++p) {
      model::Model model(kAllProfiles[p], s.initial, {{"vda", 1 << 20}});
      Status status;
      for (const Action& step : s.setup) {
        status = model.Apply(step);
        if (!status.ok()) {
          row.cells[p].outcome =
              "setup " + Notation(step) + ": " + std::string(ErrorClassName(status.error_class()));
          break;
        }
      }
      if (!status.ok()) continue;
      row.cells[p].situation = simulator::SituationKey(model, s.operation);
      status = model.Apply(s.operation);
      row.cells[p].ok = status.ok();
      row.cells[p].outcome = status.ok() ? "ok" : std::string(ErrorClassName(status.error_class()));
      row.cells[p].after =
          simulator::FormatObservation({model.state(), model.current(), model.Forest()});
      row.cells[p].disks = LayersText(model);
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace snapsim::reports
