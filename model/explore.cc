#include "model/explore.h"

#include <algorithm>
#include <unordered_set>

#include <fmt/format.h>
#include <xxhash.h>

#include "model/invariants.h"
#include "model/model.h"

namespace snapsim::model {
namespace {

std::string NameAt(int i) { return std::string(1, static_cast<char>('a' + i)); }

void AddCreates(Profile p, const std::string& n, std::vector<scenario::Action>& out) {
  scenario::Create plain{n};
  out.push_back(plain);
  scenario::Create c = plain;
  c.halt = true;  // esx/qemu/test: powered off after; vbox: invalid-arg
  out.push_back(c);
  if (p == Profile::kEsx || p == Profile::kQemu) {
    c = plain;
    c.memory = scenario::MemoryMode::kNo;
    out.push_back(c);
    c = plain;
    c.disk_only = true;  // esx: no memory; qemu: external
    out.push_back(c);
  }
  if (p == Profile::kQemu) {  // quiesce: refused internal, taken external when shut off
    c = plain;
    c.location = scenario::Location::kExternal;
    c.quiesce = true;
    out.push_back(c);
  }
}

void AddDeletes(Profile p, const std::string& n, std::vector<scenario::Action>& out) {
  scenario::Delete plain{n};
  out.push_back(plain);
  scenario::Delete d = plain;
  d.children = true;
  out.push_back(d);
  if (p != Profile::kTest) {
    d = plain;
    d.metadata_only = true;  // esx: no-op; qemu: metadata; vbox: leaf only
    out.push_back(d);
  }
  if (p == Profile::kQemu || p == Profile::kTest) {
    d = plain;
    d.children_only = true;
    out.push_back(d);
  }
  d = plain;
  d.discard = true;
  out.push_back(d);
  if (p == Profile::kEsx) {
    d.suppress_power_on = true;
    out.push_back(d);
  }
}

void AddReverts(Profile p, const std::string& n, std::vector<scenario::Action>& out) {
  scenario::Revert plain{n};
  out.push_back(plain);
  scenario::Revert r = plain;
  if (p == Profile::kEsx) {
    r.suppress_power_on = true;
    out.push_back(r);
  } else if (p == Profile::kQemu || p == Profile::kTest) {
    r.running = true;
    out.push_back(r);
    r = plain;
    r.paused = true;
    out.push_back(r);
  }
}

}  // namespace

std::vector<scenario::Action> ExploreAlphabet(const ExploreOptions& o) {
  std::vector<scenario::Action> out = {scenario::Start{}, scenario::Shutdown{}, scenario::Pause{},
                                       scenario::Resume{}};
  for (int i = 0; i < o.names; ++i) {
    const std::string n = NameAt(i);
    AddCreates(o.profile, n, out);
    AddDeletes(o.profile, n, out);
    AddReverts(o.profile, n, out);
    out.push_back(scenario::Write{"vda", i * o.write_bytes, o.write_bytes,
                                  scenario::Fill{static_cast<uint8_t>(0xA1 + i)}});
  }
  return out;
}

scenario::Scenario PathScenario(const ExploreOptions& o, const std::vector<scenario::Step>& path,
                                const std::string& message) {
  scenario::Scenario s;
  s.name = fmt::format("explore-{}-counterexample", ProfileName(o.profile));
  s.description = "Found by snapsim explore: " + message;
  s.hypervisor = o.profile;
  s.tags = {"explore"};
  s.disks = {{"vda", o.disk_bytes}};
  s.steps = path;
  return s;
}

ExploreResult Explore(const ExploreOptions& o) {
  const std::vector<scenario::Action> alphabet = ExploreAlphabet(o);
  ExploreResult result;
  // Every discovered state: how it was reached, for the shortest path.
  struct Origin {
    int64_t parent;
    uint32_t action;
    std::optional<ErrorClass> error;
  };
  std::vector<Origin> origins = {{-1, 0, std::nullopt}};
  std::unordered_set<uint64_t> seen;  // membership only; never iterated
  Model initial(o.profile, PowerState::kShutoff, {{"vda", o.disk_bytes}});
  std::string initial_text = initial.Canonical();
  seen.insert(XXH3_64bits(initial_text.data(), initial_text.size()));
  std::vector<std::pair<int64_t, Model>> frontier;
  frontier.emplace_back(0, std::move(initial));
  result.states_per_depth.push_back(1);

  auto path_to = [&](int64_t index, uint32_t last_action, const Status& last) {
    std::vector<scenario::Step> steps;
    auto push = [&](uint32_t action, std::optional<ErrorClass> error) {
      scenario::Step step{alphabet[action], std::nullopt, {}};
      if (error) step.error = *error;
      steps.push_back(std::move(step));
    };
    push(last_action, last.ok() ? std::nullopt : std::optional(last.error_class()));
    for (int64_t i = index; origins[i].parent >= 0; i = origins[i].parent)
      push(origins[i].action, origins[i].error);
    std::reverse(steps.begin(), steps.end());
    return steps;
  };

  for (int depth = 0; depth < o.depth && !frontier.empty(); ++depth) {
    std::vector<std::pair<int64_t, Model>> next;
    uint64_t visited = 0;
    for (const auto& [index, model] : frontier) {
      if ((++visited & 255) == 0) {
        if (o.on_progress) o.on_progress(origins.size());
        if (o.stop && o.stop()) {
          result.interrupted = true;
          result.states_per_depth.push_back(next.size());
          result.states = origins.size();
          return result;
        }
      }
      const std::string before_text = model.Canonical();
      for (uint32_t a = 0; a < alphabet.size(); ++a) {
        Model after = model;
        const Status status = after.Apply(alphabet[a]);
        ++result.transitions;
        if (!status.ok()) ++result.refused;
        const std::string after_text = after.Canonical();
        Status broken = CheckTransition(model, before_text, alphabet[a], status, after, after_text);
        if (broken.ok() && o.extra_check) broken = o.extra_check(after);
        if (!broken.ok()) {
          result.states = origins.size();
          result.violation = ExploreViolation{
              broken.message(), PathScenario(o, path_to(index, a, status), broken.message())};
          return result;
        }
        if (!seen.insert(XXH3_64bits(after_text.data(), after_text.size())).second) continue;
        origins.push_back(
            {index, a, status.ok() ? std::nullopt : std::optional(status.error_class())});
        next.emplace_back(static_cast<int64_t>(origins.size() - 1), std::move(after));
      }
    }
    result.states_per_depth.push_back(next.size());
    if (o.on_depth) o.on_depth(depth + 1, next.size());
    frontier = std::move(next);
  }
  result.states = origins.size();
  return result;
}

}  // namespace snapsim::model
