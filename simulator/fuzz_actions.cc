#include "simulator/fuzz_actions.h"

#include <algorithm>
#include <optional>
#include <utility>

#include "simulator/explore_alphabet.h"

namespace snapsim::simulator {
namespace {

rc::Gen<std::string> GenName(int names) {
  return rc::gen::map(rc::gen::inRange(0, names),
                      [](int i) { return std::string(1, static_cast<char>('a' + i)); });
}

rc::Gen<scenario::Action> GenWrite() {
  return rc::gen::map(
      rc::gen::tuple(rc::gen::inRange<uint64_t>(0, kFuzzDiskBytes / kFuzzWriteBytes),
                     rc::gen::inRange<int>(1, 8)),
      [](const std::tuple<uint64_t, int>& t) -> scenario::Action {
        return scenario::Write{"vda", std::get<0>(t) * kFuzzWriteBytes, kFuzzWriteBytes,
                               scenario::Fill{static_cast<uint8_t>(0x11 * std::get<1>(t))}};
      });
}

rc::Gen<scenario::Action> GenCreate(Profile profile, int names) {
  return rc::gen::map(
      rc::gen::tuple(GenName(names), rc::gen::inRange(0, 3), rc::gen::inRange(0, 32)),
      [profile](const std::tuple<std::string, int, int>& t) -> scenario::Action {
        scenario::Create create{std::get<0>(t)};
        const int flags = std::get<2>(t);
        create.memory = static_cast<scenario::MemoryMode>(std::get<1>(t));
        create.disk_only = flags & 1;
        create.halt = flags & 2;
        if (flags & 4) create.location = scenario::Location::kExternal;
        create.quiesce = flags & 8;
        create.no_metadata = (flags & 16) && profile != Profile::kVbox;  // decision 33
        // qemu's full-system external snapshots are not modelled (section 8).
        if (profile == Profile::kQemu && create.location == scenario::Location::kExternal &&
            create.memory == scenario::MemoryMode::kYes) {
          create.memory = scenario::MemoryMode::kAuto;
        }
        return create;
      });
}

rc::Gen<scenario::Action> GenDelete(int names) {
  return rc::gen::map(rc::gen::tuple(GenName(names + 1), rc::gen::inRange(0, kDeleteFlagSets)),
                      [](const std::tuple<std::string, int>& t) -> scenario::Action {
                        return DeleteWithFlagSet(std::get<0>(t), std::get<1>(t));
                      });
}

rc::Gen<scenario::Action> GenRevert(Profile profile, int names) {
  return rc::gen::map(rc::gen::tuple(GenName(names + 1), rc::gen::inRange(0, 16)),
                      [profile](const std::tuple<std::string, int>& t) -> scenario::Action {
                        scenario::Revert revert{std::get<0>(t)};
                        const int flags = std::get<1>(t);
                        revert.running = flags & 1;
                        revert.paused = flags & 2;
                        revert.force = flags & 4;
                        revert.suppress_power_on = (flags & 8) && profile == Profile::kEsx;
                        return revert;
                      });
}

// Mostly a name `existing` holds other than the current one (the targets that need a
// grown tree: roots, inner snapshots, leaves), then the current one, then any name, the
// unknown one included (`names` + 1 of them).
rc::Gen<std::string> GenTarget(int names, const std::vector<std::string>& existing,
                               const std::optional<std::string>& current) {
  std::vector<std::string> others;
  for (const std::string& name : existing) {
    if (name != current) others.push_back(name);
  }
  const rc::Gen<std::string> any = GenName(names + 1);
  const rc::Gen<std::string> now = current ? rc::gen::just(*current) : any;
  if (others.empty()) return rc::gen::weightedOneOf<std::string>({{1, now}, {1, any}});
  return rc::gen::weightedOneOf<std::string>({{3, rc::gen::elementOf(others)}, {1, now}, {1, any}});
}

// A name not in `existing` (three times in four when there is one), else any.
rc::Gen<std::string> GenNewName(int names, const std::vector<std::string>& existing) {
  std::vector<std::string> fresh;
  for (int i = 0; i < names; ++i) {
    const std::string name(1, static_cast<char>('a' + i));
    if (std::find(existing.begin(), existing.end(), name) == existing.end()) {
      fresh.push_back(name);
    }
  }
  if (fresh.empty()) return GenName(names);
  return rc::gen::weightedOneOf<std::string>({{3, rc::gen::elementOf(fresh)}, {1, GenName(names)}});
}

// `full` with its name replaced by one from `target`.
template <typename Operation>
rc::Gen<scenario::Action> Named(rc::Gen<scenario::Action> full, rc::Gen<std::string> target) {
  return rc::gen::map(rc::gen::pair(std::move(full), std::move(target)),
                      [](std::pair<scenario::Action, std::string> drawn) -> scenario::Action {
                        std::get<Operation>(drawn.first).name = std::move(drawn.second);
                        return drawn.first;
                      });
}

// Half the operations plain (only a name): most flag sets are refused in most states, and
// trees deep and wide enough to branch (reverts below, deletes of inner snapshots) grow
// only from operations that succeed. The other half draws every field.
template <typename Operation>
rc::Gen<scenario::Action> MostlyPlain(rc::Gen<scenario::Action> full,
                                      const rc::Gen<std::string>& target) {
  auto plain = rc::gen::map(
      target, [](std::string name) -> scenario::Action { return Operation{std::move(name)}; });
  return rc::gen::weightedOneOf<scenario::Action>(
      {{1, std::move(plain)}, {1, Named<Operation>(std::move(full), target)}});
}

}  // namespace

rc::Gen<scenario::Action> GenAction(Profile profile, int names,
                                    const std::vector<std::string>& existing,
                                    const std::optional<std::string>& current) {
  auto power = rc::gen::element<scenario::Action>(scenario::Start{}, scenario::Shutdown{},
                                                  scenario::Pause{}, scenario::Resume{});
  const auto target = GenTarget(names, existing, current);
  // Trees branch only once they have grown: creates come first while few names exist,
  // and a metadata-only delete is drawn as often as the other flag sets together, so that
  // the deletes after it (a branching shape, coverage.h) come up in a default campaign.
  const int creates = existing.size() < static_cast<size_t>(names) ? 5 : 2;
  auto metadata_only = rc::gen::map(target, [](std::string name) -> scenario::Action {
    scenario::Delete del{std::move(name)};
    del.metadata_only = true;
    return del;
  });
  auto set_current = rc::gen::map(target, [](std::string name) -> scenario::Action {
    return scenario::SetCurrent{std::move(name)};
  });
  return rc::gen::weightedOneOf<scenario::Action>({
      {creates,
       MostlyPlain<scenario::Create>(GenCreate(profile, names), GenNewName(names, existing))},
      {3, MostlyPlain<scenario::Delete>(GenDelete(names), target)},
      {existing.empty() ? 0 : 1, metadata_only},
      {3, MostlyPlain<scenario::Revert>(GenRevert(profile, names), target)},
      {1, GenWrite()},
      {2, power},
      {profile == Profile::kVbox ? 0 : 2, set_current},  // vbox: not modelled (decision 32)
  });
}

}  // namespace snapsim::simulator
