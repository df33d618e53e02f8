#include "simulator/explore_alphabet.h"

#include <string>

namespace snapsim::simulator {
namespace {

void AddCreates(Profile profile, const std::string& name, std::vector<scenario::Action>& out) {
  // no-metadata (flag 16) is not modelled for vbox (decision 33).
  const int combinations = profile == Profile::kVbox ? 16 : 32;
  for (auto memory :
       {scenario::MemoryMode::kAuto, scenario::MemoryMode::kNo, scenario::MemoryMode::kYes}) {
    for (int flags = 0; flags < combinations; ++flags) {
      scenario::Create c{name};
      c.memory = memory;
      c.disk_only = flags & 1;
      c.halt = flags & 2;
      c.location = flags & 4 ? scenario::Location::kExternal : scenario::Location::kInternal;
      c.quiesce = flags & 8;
      c.no_metadata = flags & 16;
      out.push_back(c);
    }
  }
}

void AddDeletes(const std::string& name, std::vector<scenario::Action>& out) {
  for (int set = 0; set < kDeleteFlagSets; ++set) out.push_back(DeleteWithFlagSet(name, set));
}

void AddReverts(const std::string& name, std::vector<scenario::Action>& out) {
  for (int flags = 0; flags < 16; ++flags) {
    scenario::Revert r{name};
    r.running = flags & 1;
    r.paused = flags & 2;
    r.force = flags & 4;
    r.suppress_power_on = flags & 8;
    out.push_back(r);
  }
}

}  // namespace

scenario::Delete DeleteWithFlagSet(std::string name, int set) {
  scenario::Delete d{std::move(name)};
  switch (set) {
    case 1: d.children = true; break;
    case 2: d.children_only = true; break;
    case 3: d.metadata_only = true; break;
    case 4: d.discard = true; break;
    case 5: d.discard = d.suppress_power_on = true; break;
    case 6: d.children = d.children_only = true; break;
    default: break;
  }
  return d;
}

std::vector<scenario::Action> EveryFlagAlphabet(const model::ExploreOptions& o) {
  std::vector<scenario::Action> out = {scenario::Start{}, scenario::Shutdown{}, scenario::Pause{},
                                       scenario::Resume{}};
  for (int i = 0; i < o.names; ++i) {
    const std::string name(1, static_cast<char>('a' + i));
    AddCreates(o.profile, name, out);
    AddDeletes(name, out);
    AddReverts(name, out);
    if (o.profile != Profile::kVbox) out.push_back(scenario::SetCurrent{name});  // decision 32
    out.push_back(scenario::Write{"vda", i * o.write_bytes, o.write_bytes,
                                  scenario::Fill{static_cast<uint8_t>(0xA1 + i)}});
  }
  return out;
}

}  // namespace snapsim::simulator
