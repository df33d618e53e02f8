// The replay half of `snapsim record`: what each step gives on the model (and a backend).
#include "simulator/recorder.h"

#include <fmt/format.h>

#include <set>

#include "core/overloaded.h"
#include "simulator/divergence.h"
#include "simulator/expect_check.h"
#include "simulator/model_backend.h"

namespace snapsim::simulator {
namespace {

Status RequireAnswer(Status status) {
  if (status.is_fault()) throw BackendFailure(status.ToString());
  return status;
}

// The whole of `disk` as range checks: what was written, and zeros between (the last
// partial sector of an odd-sized disk cannot be checked, and is left out).
std::vector<scenario::RangeCheck> WholeDisk(const model::Model& model,
                                            const scenario::DiskSpec& disk) {
  const uint64_t end = disk.size_bytes / scenario::kSectorBytes * scenario::kSectorBytes;
  std::vector<scenario::RangeCheck> ranges;
  auto add = [&](uint64_t offset, uint64_t length, scenario::Content content) {
    if (offset >= end || length == 0) return;
    length = std::min(length, end - offset);
    if (!ranges.empty()) {
      scenario::RangeCheck& last = ranges.back();
      const auto* fill = std::get_if<scenario::Fill>(&last.content);
      const auto* next = std::get_if<scenario::Fill>(&content);
      if (last.offset_bytes + last.length_bytes == offset && fill != nullptr && next != nullptr &&
          fill->byte == next->byte) {
        last.length_bytes += length;
        return;
      }
    }
    ranges.push_back(scenario::RangeCheck{offset, length, content, {}});
  };
  uint64_t at = 0;
  for (const merge::Extent& extent : model.CurrentView(disk.name).extents()) {
    add(at, extent.offset - at, scenario::Fill{0});
    std::visit(
        Overloaded{
            [&](const merge::ZeroSource&) { add(extent.offset, extent.length, scenario::Fill{0}); },
            [&](const merge::FillSource& fill) {
              add(extent.offset, extent.length, scenario::Fill{fill.byte});
            },
            [&](const merge::SeedSource& seed) {
              add(extent.offset, extent.length, scenario::Seed{seed.seed});
            },
            // The model's views hold only what scenario writes put there.
            [&](const merge::ImageSource&) {},
        },
        extent.source);
    at = extent.end();
  }
  add(at, end - at, scenario::Fill{0});
  return ranges;
}

void CollectNames(const scenario::Tree& tree, std::set<std::string>* names, bool* repeated) {
  for (const auto& [name, children] : tree.children) {
    *repeated = *repeated || !names->insert(name).second;
    CollectNames(children, names, repeated);
  }
}

// A `tree:` names each snapshot once; a vbox forest with a name twice cannot be written.
bool Writable(const scenario::Tree& tree) {
  std::set<std::string> names;
  bool repeated = false;
  CollectNames(tree, &names, &repeated);
  return !repeated;
}

scenario::Expect FullExpect(const Observation& observation, const model::Model& model) {
  scenario::Expect expect;
  expect.state = observation.state;
  expect.current = observation.current;
  if (Writable(observation.forest)) expect.tree = observation.forest;
  for (const scenario::DiskSpec& disk : model.disks()) {
    expect.disks.push_back(scenario::DiskCheck{disk.name, WholeDisk(model, disk), {}});
  }
  return expect;
}

// `expect`'s keys, filled in from what was observed.
scenario::Expect Refreshed(const scenario::Expect& expect, const scenario::Expect& full) {
  scenario::Expect out;
  if (expect.state) out.state = full.state;
  if (expect.current) out.current = full.current;
  if (expect.tree) out.tree = full.tree;  // left out when it cannot be written
  for (const scenario::DiskCheck& check : expect.disks) {
    for (const scenario::DiskCheck& whole : full.disks) {
      if (whole.disk == check.disk) out.disks.push_back(whole);
    }
  }
  return out;
}

}  // namespace

Recording RecordSteps(const scenario::Scenario& scenario, Backend* backend,
                      const RecordOptions& options) {
  Recording recording;
  ModelBackend model;
  model.Begin(scenario);
  if (backend != nullptr) backend->Begin(scenario);
  for (size_t i = 0; i < scenario.steps.size(); ++i) {
    const scenario::Step& step = scenario.steps[i];
    const int n = static_cast<int>(i) + 1;
    StepRecord record;
    const auto* expect = std::get_if<scenario::Expect>(&step.action);
    if (expect == nullptr) {
      record.outcome = model.Perform(step.action);
      if (backend != nullptr) {
        const Status got = RequireAnswer(backend->Perform(step.action));
        StepAnswers answers{record.outcome, got, [&] { return model.Observe(); },
                            [&] { return backend->Observe(); }};
        if (auto divergence = CompareStep(scenario, n, step.action, backend->name(), answers)) {
          recording.divergences.push_back(fmt::format("{}:{}: {}", scenario.path, step.where.line,
                                                      FormatDivergence(*divergence)));
          if (options.trust_backend) record.outcome = got;
        }
      }
    }
    record.observation = model.Observe();
    if (backend != nullptr && options.trust_backend) record.observation = backend->Observe();
    record.full = FullExpect(record.observation, model.model());
    if (expect != nullptr) {
      record.expect_holds =
          CheckExpect(*expect, step.where, record.observation, model.model()).empty();
      record.refreshed = Refreshed(*expect, record.full);
    }
    recording.steps.push_back(std::move(record));
  }
  if (backend != nullptr) backend->End();
  model.End();
  return recording;
}

}  // namespace snapsim::simulator
