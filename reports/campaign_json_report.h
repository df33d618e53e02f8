#pragma once
// JSON lines for the campaign verbs `fuzz --json` and `explore --backend B --json`, in the
// style of `run --json`: one event per line, no wall-clock fields (the same options give
// the same bytes), and on a sharded run a "shard": "K/N" on the first line so that
// `snapsim report merge` can make the shards' reports into the unsharded run's.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "simulator/shard.h"

namespace snapsim::reports {

// fuzz: the campaign, one line per sequence that ran, the counterexample, the counts.
struct FuzzSequenceLine {
  uint64_t index = 0;   // in the campaign of all shards
  std::string verdict;  // "held", "set-aside", "failed"
  std::string finding;  // set-aside: the known finding
};
struct FuzzCounterexampleLine {
  uint64_t index = 0;
  std::string signature;  // simulator::Signature of its divergence
  std::string failure;    // the divergence in words, as fuzz prints it
  std::string scenario;   // the shrunk scenario file's text
};
struct FuzzJson {
  std::string profile, backend;
  uint64_t seed = 0;
  uint64_t sequences = 0;  // of the whole campaign (--runs x shards)
  int steps = 0, names = 0;
  bool keep_going = false;  // on past failures: a counterexample per distinct signature
  std::optional<simulator::Shard> shard;
  std::vector<FuzzSequenceLine> ran;
  std::vector<FuzzCounterexampleLine> counterexamples;  // in campaign order
  bool interrupted = false;
};

nlohmann::ordered_json FuzzHeaderJson(const FuzzJson& fuzz);  // without the shard
nlohmann::ordered_json FuzzSequenceJson(const FuzzSequenceLine& sequence);
nlohmann::ordered_json FuzzCounterexampleJson(const FuzzCounterexampleLine& counterexample);
std::string FuzzEndLine(uint64_t held, uint64_t set_aside, uint64_t failed, bool interrupted);
std::string FuzzJsonReport(const FuzzJson& fuzz);

// explore --backend: the graph, one line per transition that diverged (by its place in
// the graph), then per signature its count and shortest scenario, per known finding its
// count, and the totals. Derived from the transitions alone, so that merging shards gives
// the same lines as one run.
struct ExploreTransitionLine {
  uint64_t edge = 0;              // the transition's place in the graph
  std::string signature;          // what it showed
  std::string finding;            // a known finding it matched, or ""
  std::vector<std::string> path;  // the shortest steps that reach it, as one-line items
};
struct ExploreJson {
  std::string profile, backend;
  int depth = 0, names = 0;
  uint64_t states = 0, transitions = 0;  // of the whole graph
  std::optional<simulator::Shard> shard;
  std::vector<ExploreTransitionLine> diverged;  // any order; written by edge
  uint64_t checked = 0, unreached = 0;
  bool incomplete = false;  // interrupted or stopped at --max-ops
};

nlohmann::ordered_json ExploreHeaderJson(const ExploreJson& explore);  // without the shard
nlohmann::ordered_json ExploreTransitionJson(const ExploreTransitionLine& transition);
// The per-signature, per-finding and end lines of these transitions (sorted by edge).
std::string ExploreSummaryLines(const std::vector<ExploreTransitionLine>& diverged,
                                uint64_t checked, uint64_t unreached, bool incomplete);
std::string ExploreJsonReport(ExploreJson explore);

}  // namespace snapsim::reports
