#pragma once
// Learning a backend's rules (`snapsim learn --backend B`): explore the backend without
// assuming a profile, and write down the rule table it behaves by.
//
// The search is breadth-first over what the backend itself shows: a state is its
// observation (power state, current snapshot, forest) plus how each of its snapshots was
// created (the learner sent those options, so it knows them without asking the model).
// From every state found within `depth - 1` operations, every operation of the alphabet
// (the union of every profile's explore alphabet, less what the backend cannot send) is
// sent once: from a fresh domain along the state's shortest path, or straight on when the
// domain is still in that state (a refusal that changed nothing keeps it there).
//
// Each answer is filed under its situation, the coverage row of simulator/coverage.h
// ("delete: {children: true} | running | inner"), with a target created as an external
// snapshot marked so ("inner, external"). The effect is stated relative to the situation,
// so that tables of different backends compare: the outcome (ok or the error class), the
// power state after, where current went (target, new, parent, none...), and what happened
// to the forest (added under current, target removed and children moved to its parent...).
// A situation whose answers differ between states is a row with several effects.
//
// The same search run on the model under each profile gives each profile's table;
// comparing counts the rows where two tables differ, and the nearest profile is the
// one with the fewest (simulator/rule_comparison.h). Nothing is random and nothing reads
// the clock.

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/profile.h"
#include "model/explore.h"
#include "scenario/scenario.h"
#include "simulator/backend.h"

namespace snapsim::simulator {

struct LearnOptions {
  Profile header = Profile::kQemu;  // the hypervisor the scenario header names (backend's)
  int depth = 3;                    // operations on the longest path explored
  int names = 2;                    // snapshot names a, b, ...
  uint64_t disk_bytes = 1 << 20;
  uint64_t write_bytes = 64 << 10;
  uint64_t max_ops = 0;     // backend operations (domains begun + steps); 0: no bound
  bool every_flag = false;  // every flag combination (explore_alphabet.h) for each name
  std::function<void(uint64_t states, uint64_t ops)> on_progress;  // display only
  std::function<bool()> stop;  // asked between operations; true ends the search
};

struct LearnedEffect {
  uint64_t count = 0;                   // how often the situation had this effect
  std::vector<scenario::Step> example;  // the first path that showed it, the operation last
};

struct LearnedRow {
  std::map<std::string, LearnedEffect> effects;  // effect text -> when it was seen
};

struct RuleTable {
  std::string backend;
  std::map<std::string, LearnedRow> rows;  // situation -> what happened
  std::vector<scenario::Action> alphabet;  // the operations sent
  uint64_t states = 0;
  uint64_t backend_ops = 0;
  uint64_t nondeterministic = 0;      // replays that did not reach the state they replayed to
  std::vector<std::string> not_sent;  // alphabet entries the backend cannot send, with why
  bool interrupted = false;
  bool budget_spent = false;

  // "situation  =>  effect" lines; a row with several effects lists each with its count.
  std::string Text() const;
  // The row's effects as Text() prints them, or "(never reached)".
  std::string EffectsOf(const std::string& situation) const;
};

// The alphabet learned with: every profile's explore alphabet, each operation once, or
// with `every_flag` every combination the format accepts.
std::vector<scenario::Action> LearnAlphabet(const LearnOptions& options);

// The scenario (header, disk, `steps`) the learner replays; no `error:` is set.
scenario::Scenario LearnScenario(const LearnOptions& options, std::vector<scenario::Step> steps);

// Throws BackendFailure when the backend fails.
RuleTable LearnRules(const LearnOptions& options, Backend& backend);

// The same search on the model under `profile`, with the operations `backend_table` could
// send (so that both tables have the same alphabet).
RuleTable LearnModelRules(const LearnOptions& options, Profile profile,
                          const RuleTable& backend_table);

}  // namespace snapsim::simulator
