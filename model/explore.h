#pragma once
// Breadth-first exploration of the model's reachable states (`snapsim explore`).
// States are identified by XXH3-64 of Model::Canonical(), kept in an open-addressing set
// (16 bytes a state) beside a 16-byte shortest-path record; each level is expanded on
// ExploreOptions::threads threads and merged in frontier order. Every transition is checked
// against invariants.h, and the first broken invariant comes back with its shortest path
// as a ready-to-run scenario file.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/profile.h"
#include "core/status.h"
#include "model/model.h"
#include "scenario/scenario.h"

namespace snapsim::model {

struct ExploreOptions {
  Profile profile = Profile::kEsx;
  int depth = 6;
  int names = 3;                    // snapshot names a, b, c, ...
  uint64_t disk_bytes = 1 << 20;    // one tiny disk, vda
  uint64_t write_bytes = 64 << 10;  // one write region per name
  // An extra invariant checked after every transition besides invariants.h (tests use
  // it to make the search find a counterexample on purpose).
  std::function<Status(const Model& after)> extra_check;
  // Called when depth `depth` is complete with its count of new states, and every 256
  // frontier states with the distinct states so far (progress display only).
  std::function<void(int depth, uint64_t new_states)> on_depth;
  std::function<void(uint64_t states)> on_progress;
  // Asked every 256 frontier states; true stops the search (an interrupt) with what it
  // has: the result then has `interrupted` set and its last depth incomplete.
  std::function<bool()> stop;
  // Worker threads expanding each level's frontier (`snapsim explore` uses 2). The result
  // (counts, states, the counterexample) is the same for any number: chunks of the
  // frontier are expanded in parallel and merged in order. on_progress and stop are
  // called from one thread; with more than one, extra_check must be safe to call from
  // several threads at once.
  int threads = 1;
  // Symmetry reduction over snapshot names (TLC's SYMMETRY): two states that differ only
  // by a permutation of the names a, b, c, ... are one state (the alphabet gives every
  // name the same operations, and the model treats names as labels). Off by default, so
  // counts keep their meaning; `snapsim explore --symmetry` turns it on.
  bool symmetry = false;
  // Frontier states per chunk of work (tests make it small to have many chunks).
  size_t chunk_states = 256;
};

struct ExploreViolation {
  std::string message;
  scenario::Scenario scenario;  // the shortest path, replayable with `snapsim run`
};

struct ExploreResult {
  uint64_t states = 0;       // distinct states reached (including the initial one)
  uint64_t transitions = 0;  // operations applied (successful or refused)
  uint64_t refused = 0;      // of which the model refused
  std::vector<uint64_t> states_per_depth;
  std::optional<ExploreViolation> violation;
  bool interrupted = false;
  // Memory of the visited-state store per distinct state: the hash sets' slots and the
  // shortest-path record (the frontier's models come on top, one level at a time).
  uint64_t bytes_per_state = 0;
};

// The operations explored for `profile` over `names` names: power steps, create /
// delete / revert of each name with the flag combinations the profile has rows for
// (and one it refuses), and one distinct write per name.
std::vector<scenario::Action> ExploreAlphabet(const ExploreOptions& options);

// The least (as text) of `canonical` (a Model::Canonical()) under every permutation of
// the first `names` snapshot names: the key of the state's class under name symmetry.
// The names are renamed in the snapshot lines and the `taken` lines, which are then put
// back in name order, as the model lists them.
std::string SymmetricCanonical(const std::string& canonical, int names);

ExploreResult Explore(const ExploreOptions& options);

// The scenario that replays `path` from the initial state (steps carry `error:` where
// the model refused), used for counterexamples.
scenario::Scenario PathScenario(const ExploreOptions& options,
                                const std::vector<scenario::Step>& path,
                                const std::string& message);

}  // namespace snapsim::model
