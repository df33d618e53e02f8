#pragma once
// Bounded exhaustive differential testing (`snapsim explore --backend B`): TLC's
// breadth-first search of the model, then every transition of the model's state graph up
// to the depth checked on a real backend.
//
// The graph: every state the model reaches from a fresh shut-off domain within `depth`
// operations of the alphabet (model/explore.h), restricted to the operations the backend
// can send. Each edge (state, operation) is a transition to check. Walks cover them as a
// transition tour: from a fresh domain, take an untested edge of the state the walk is in;
// when it has none, go by the shortest known path to the nearest state that has, or reset
// (a fresh domain) when that is nearer from the start. Every step of a walk is compared
// with the model (outcome, state, current, forest), and the disk bytes at the walk's end.
//
// A walk that diverges stops there; its transition is then replayed alone, as the
// shortest path from a fresh domain to its source state plus the transition, with the
// runner. A divergence that replays is reported once per signature (simulator/divergence.h)
// with that shortest scenario; one that needs the walk's longer history is reported with
// the walk as its scenario. Known findings are counted and set aside. Nothing is random:
// the same options give the same walks, groups and files.
//
// Sharded (`shard` K/N), the process checks the edges whose index in the graph (state in
// breadth-first order times the alphabet, plus the operation) is K modulo N; the others
// are taken as tested, so walks go through them but aim at its own. Every shard builds
// the same graph, so the shards' transitions are disjoint and together all of them. A
// divergence is recorded by the shard whose transition showed it (a bytes divergence at a
// walk's end by the shard of the walk).

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "model/explore.h"
#include "scenario/scenario.h"
#include "simulator/coverage.h"
#include "simulator/divergence.h"
#include "simulator/fuzzer.h"
#include "simulator/known_findings.h"
#include "simulator/shard.h"

namespace snapsim::simulator {

struct BackendExploreOptions {
  model::ExploreOptions model;      // profile, depth, names, disk and write sizes
  uint64_t max_ops = 0;             // backend operations (domains begun + steps); 0: no bound
  int max_walk = 48;                // steps of one walk before its bytes are checked
  bool every_flag = false;          // every flag combination (explore_alphabet.h), not the
                                    // profile's own alphabet
  std::vector<KnownFinding> known;  // set aside when a divergence matches
  Shard shard;                      // the part of the transitions this process checks
  bool record_checked = false;      // fill BackendExploreReport::checked_edges
  // Progress (display only): transitions checked of all, backend operations so far.
  std::function<void(uint64_t checked, uint64_t total, uint64_t ops)> on_progress;
  // Once the model's graph is built, before the first backend operation.
  std::function<void(uint64_t states, uint64_t transitions)> on_graph;
  std::function<bool()> stop;  // asked between steps; true ends the search (an interrupt)
};

struct DivergenceGroup {
  std::string signature;        // Signature(divergence)
  Divergence divergence;        // as the shortest scenario shows it
  scenario::Scenario scenario;  // the shortest scenario that shows it
  int transitions = 0;          // transitions whose check showed it
  bool needs_history = false;   // the shortest path to the state did not show it; a walk did
};

// A transition whose check diverged, when it was checked: its place in the graph, what it
// showed, and the shortest way to it. Derived from the transition alone (not from walks
// or replays), so shards report exactly their part of what one run reports.
struct DivergedTransition {
  uint64_t edge = 0;
  std::string signature;          // Signature(divergence) as the walk saw it
  std::string finding;            // the known finding it matched, or ""
  std::vector<std::string> path;  // the shortest path to it, then it, as one-line items
};

struct BackendExploreReport {
  uint64_t states = 0;       // model states in the graph
  uint64_t transitions = 0;  // edges to check (of this shard)
  uint64_t checked = 0;      // edges checked
  uint64_t unreached = 0;    // edges no walk could reach (a divergence on every way there)
  std::vector<uint64_t> checked_edges;       // with record_checked: each edge's graph index
  uint64_t all_transitions = 0;              // of the whole graph (every shard's)
  std::vector<DivergedTransition> diverged;  // in the order checked
  uint64_t backend_ops = 0;                  // Begin calls and steps sent
  uint64_t walks = 0;
  uint64_t replays = 0;                      // scenarios replayed to confirm a divergence
  uint64_t unconfirmed = 0;                  // divergences of a walk that no replay showed again
  std::vector<DivergenceGroup> groups;       // new divergences, in the order found
  std::map<std::string, int> known;          // finding -> transitions that showed it
  std::vector<std::string> refused_actions;  // alphabet entries the backend cannot send
  bool interrupted = false;
  bool budget_spent = false;  // max_ops reached before every transition was checked
  Coverage coverage;          // every step of the walks, by situation
};

// Throws BackendFailure when the backend fails (not a divergence).
BackendExploreReport ExploreBackend(const BackendExploreOptions& options,
                                    const BackendMaker& make_backend);

}  // namespace snapsim::simulator
