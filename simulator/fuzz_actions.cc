#include "simulator/fuzz_actions.h"

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
      rc::gen::tuple(GenName(names), rc::gen::inRange(0, 3), rc::gen::inRange(0, 16)),
      [profile](const std::tuple<std::string, int, int>& t) -> scenario::Action {
        scenario::Create create{std::get<0>(t)};
        const int flags = std::get<2>(t);
        create.memory = static_cast<scenario::MemoryMode>(std::get<1>(t));
        create.disk_only = flags & 1;
        create.halt = flags & 2;
        if (flags & 4) create.location = scenario::Location::kExternal;
        create.quiesce = flags & 8;
        // qemu's full-system external snapshots are not modelled (section 8).
        if (profile == Profile::kQemu && create.location == scenario::Location::kExternal &&
            create.memory == scenario::MemoryMode::kYes) {
          create.memory = scenario::MemoryMode::kAuto;
        }
        return create;
      });
}

rc::Gen<scenario::Action> GenDelete(int names) {
  return rc::gen::map(rc::gen::tuple(GenName(names + 1), rc::gen::inRange(0, 7)),
                      [](const std::tuple<std::string, int>& t) -> scenario::Action {
                        scenario::Delete del{std::get<0>(t)};
                        switch (std::get<1>(t)) {  // only combinations the format accepts
                          case 1: del.children = true; break;
                          case 2: del.children_only = true; break;
                          case 3: del.metadata_only = true; break;
                          case 4: del.discard = true; break;
                          case 5: del.discard = del.suppress_power_on = true; break;
                          case 6: del.children = del.children_only = true; break;
                          default: break;
                        }
                        return del;
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

}  // namespace

rc::Gen<scenario::Action> GenAction(Profile profile, int names) {
  auto power = rc::gen::element<scenario::Action>(scenario::Start{}, scenario::Shutdown{},
                                                  scenario::Pause{}, scenario::Resume{});
  return rc::gen::weightedOneOf<scenario::Action>({
      {3, GenCreate(profile, names)},
      {3, GenDelete(names)},
      {3, GenRevert(profile, names)},
      {2, GenWrite()},
      {3, power},
  });
}

}  // namespace snapsim::simulator
