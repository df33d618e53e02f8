#pragma once
// RapidCheck generators of scenarios the loader accepts (test-only). Names and texts
// mix in characters YAML treats as syntax, so the writer's quoting gets exercised.

#include <rapidcheck.h>

#include <set>
#include <string>
#include <vector>

#include "core/error_class.h"
#include "scenario/scenario.h"

namespace snapsim::scenario::testing {

// A non-empty name without control characters, often plain, sometimes needing quotes.
inline rc::Gen<std::string> GenName() {
  static const std::vector<std::string> kPieces = {
      "A", "b",  "snap",     "7", "-", "_", ".", "/",    " ",   ": ",  "#",   "\"",
      "'", "\\", "\xc3\xa9", "[", "{", ",", "~", "null", "yes", "x y", "0x1F"};
  return rc::gen::map(
      rc::gen::nonEmpty(rc::gen::container<std::vector<std::string>>(rc::gen::elementOf(kPieces))),
      [](const std::vector<std::string>& pieces) {
        std::string name;
        for (const std::string& piece : pieces) name += piece;
        return name;
      });
}

// Mostly short plain names, so that generated steps often refer to the same snapshot.
inline rc::Gen<std::string> GenSnapshotName() {
  return rc::gen::weightedOneOf<std::string>(
      {{4, rc::gen::element<std::string>("A", "B", "C", "D")}, {1, GenName()}});
}

inline rc::Gen<Content> GenContent() {
  return rc::gen::oneOf(
      rc::gen::map(rc::gen::arbitrary<uint8_t>(), [](uint8_t b) { return Content(Fill{b}); }),
      rc::gen::map(rc::gen::arbitrary<uint64_t>(), [](uint64_t s) { return Content(Seed{s}); }));
}

inline std::vector<DiskSpec> GenDisks() {
  auto count = *rc::gen::inRange<size_t>(1, 4);
  std::vector<DiskSpec> disks;
  std::set<std::string> names;
  while (disks.size() < count) {
    std::string name = *rc::gen::weightedOneOf<std::string>(
        {{3, rc::gen::element<std::string>("vda", "vdb", "sda")}, {1, GenName()}});
    if (!names.insert(name).second) continue;
    uint64_t sectors = *rc::gen::oneOf(rc::gen::inRange<uint64_t>(1, 4096),
                                       rc::gen::element<uint64_t>(1ull << 21, 1ull << 31));
    disks.push_back(DiskSpec{name, sectors * kSectorBytes});
  }
  return disks;
}

// A sector-aligned, non-empty range inside `disk`.
inline std::pair<uint64_t, uint64_t> GenRange(const DiskSpec& disk) {
  uint64_t sectors = disk.size_bytes / kSectorBytes;
  uint64_t first = *rc::gen::inRange<uint64_t>(0, sectors);
  uint64_t count = *rc::gen::inRange<uint64_t>(1, sectors - first + 1);
  return {first * kSectorBytes, count * kSectorBytes};
}

inline Tree GenTree(int depth, std::set<std::string>* used) {
  Tree tree;
  auto children = *rc::gen::inRange(0, depth > 0 ? 3 : 1);
  for (int i = 0; i < children; ++i) {
    std::string name = *GenSnapshotName();
    if (!used->insert(name).second) continue;  // names are unique within a tree
    tree.children.emplace_back(name, GenTree(depth - 1, used));
  }
  return tree;
}

inline Expect GenExpect(const std::vector<DiskSpec>& disks) {
  Expect expect;
  if (*rc::gen::arbitrary<bool>()) {
    expect.state =
        *rc::gen::element(PowerState::kShutoff, PowerState::kRunning, PowerState::kPaused);
  }
  if (*rc::gen::arbitrary<bool>()) {
    expect.current =
        *rc::gen::arbitrary<bool>() ? std::optional<std::string>(*GenSnapshotName()) : std::nullopt;
  }
  if (*rc::gen::arbitrary<bool>()) {
    std::set<std::string> used;
    expect.tree = GenTree(3, &used);
  }
  for (const DiskSpec& disk : disks) {
    if (*rc::gen::inRange(0, 3) != 0) continue;
    DiskCheck check{disk.name, std::vector<RangeCheck>{}, {}};
    if (*rc::gen::arbitrary<bool>()) {
      check.check = EqualsSnapshot{*GenSnapshotName()};
    } else {
      auto& ranges = std::get<std::vector<RangeCheck>>(check.check);
      for (int i = *rc::gen::inRange(0, 3); i > 0; --i) {
        auto [offset, length] = GenRange(disk);
        ranges.push_back(RangeCheck{offset, length, *GenContent(), {}});
      }
    }
    expect.disks.push_back(std::move(check));
  }
  return expect;
}

inline Action GenAction(Profile profile, const std::vector<DiskSpec>& disks) {
  auto flag = [] { return *rc::gen::arbitrary<bool>(); };
  switch (*rc::gen::inRange(0, 10)) {
    case 0: return Start{};
    case 1: return Shutdown{};
    case 2: return Pause{};
    case 3: return Resume{};
    case 4: {
      const DiskSpec& disk = *rc::gen::elementOf(disks);
      auto [offset, length] = GenRange(disk);
      return Write{disk.name, offset, length, *GenContent()};
    }
    case 5: {
      Create create{*GenSnapshotName(),
                    *rc::gen::element(MemoryMode::kAuto, MemoryMode::kYes, MemoryMode::kNo),
                    *rc::gen::element(Location::kInternal, Location::kExternal),
                    flag(),
                    flag(),
                    flag()};
      // Not modelled for qemu (docs/model.md): a full-system external snapshot.
      if (profile == Profile::kQemu && create.location == Location::kExternal &&
          create.memory == MemoryMode::kYes) {
        create.memory = MemoryMode::kAuto;
      }
      // Not modelled for vbox (docs/model.md decision 33).
      create.no_metadata = profile != Profile::kVbox && flag();
      return create;
    }
    case 6: {
      Delete del{*GenSnapshotName(), flag(), flag(), flag(), flag(), flag()};
      // Combinations the loader rejects for every profile.
      if (del.discard) del.children = del.children_only = del.metadata_only = false;
      if (del.metadata_only) del.children = del.children_only = false;
      if (!del.discard) del.suppress_power_on = false;
      return del;
    }
    case 7: return Revert{*GenSnapshotName(), flag(), flag(), flag(), flag()};
    case 8:
      // Not modelled for vbox (docs/model.md decision 32): the loader rejects it there.
      if (profile != Profile::kVbox) return SetCurrent{*GenSnapshotName()};
      return GenExpect(disks);
    default: return GenExpect(disks);
  }
}

inline rc::Gen<Scenario> GenScenario() {
  return rc::gen::exec([] {
    Scenario scenario;
    scenario.name = *GenName();
    scenario.description = *rc::gen::oneOf(
        rc::gen::just(std::string()), GenName(),
        rc::gen::element<std::string>("two\nlines", "tab\there", "bell\x07", " padded "));
    scenario.hypervisor = *rc::gen::elementOf(kAllProfiles);
    scenario.tags =
        *rc::gen::container<std::vector<std::string>>(*rc::gen::inRange(0, 4), GenName());
    scenario.initial_state =
        *rc::gen::element(PowerState::kShutoff, PowerState::kRunning, PowerState::kPaused);
    scenario.disks = *rc::gen::oneOf(
        rc::gen::just(std::vector<DiskSpec>{DiskSpec{"vda", kDefaultDiskSizeBytes}}),
        rc::gen::exec(GenDisks));
    for (int i = *rc::gen::inRange(1, 16); i > 0; --i) {
      Step step{GenAction(scenario.hypervisor, scenario.disks), {}, {}};
      if (!std::holds_alternative<Expect>(step.action) && *rc::gen::inRange(0, 4) == 0) {
        step.error =
            *rc::gen::arbitrary<bool>()
                ? ExpectedError(AnyError{})
                : ExpectedError(*rc::gen::elementOf(std::vector<ErrorClass>(AllErrorClasses())));
      }
      scenario.steps.push_back(std::move(step));
    }
    return scenario;
  });
}

}  // namespace snapsim::scenario::testing
