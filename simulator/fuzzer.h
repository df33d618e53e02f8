#pragma once
// Random stateful testing: RapidCheck generates operation sequences for a profile, runs
// them on the model and a backend side by side, and shrinks a failure to a minimal
// sequence, returned as a ready-to-replay scenario.
//
// Sequence i of a campaign gets RapidCheck's i-th random stream and size, whatever else
// ran: with `shard` K/N and `runs` R, the campaign is the one of N x R sequences, and
// this process runs the sequences i with i % N = K (the others pass unrun). So the N
// shards of one seed run exactly the sequences one unsharded run of N x R does.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "scenario/scenario.h"
#include "simulator/backend.h"
#include "simulator/coverage.h"
#include "simulator/divergence.h"
#include "simulator/known_findings.h"
#include "simulator/shard.h"

namespace snapsim::simulator {

struct FuzzOptions {
  Profile profile = Profile::kEsx;
  uint64_t seed = 1;
  int runs = 100;      // sequences to try (of this shard)
  int steps_max = 30;  // longest sequence (RapidCheck's size)
  int names = 3;       // snapshot names drawn from a, b, c, ...
  Shard shard;         // this process's part of the campaign of runs x shard.count
  // Go on past a failure to the campaign's end: each failing sequence is shrunk, and the
  // first of each distinct signature kept (FuzzReport::also).
  bool keep_going = false;
  // Divergences to set aside: a sequence that runs into one is counted and discarded
  // (it uses up its place in the campaign, so shards stay aligned), never shrunk.
  std::vector<KnownFinding> known;
  // Called after each sequence: `runs` done so far (held or set aside), `shrinks` tried
  // since the first failure (0 before it). For progress lines; nothing depends on it.
  std::function<void(int runs, int shrinks)> on_progress;
  // Called once per sequence of this shard that ran (not for shrinking), with its index
  // in the campaign and what became of it: "held", "set-aside" (with the finding's name)
  // or "failed". For reports.
  std::function<void(uint64_t index, const char* verdict, const std::string& finding)> on_sequence;
  // Asked before each sequence; true stops the campaign (an interrupt): the sequences
  // left pass without running, so RapidCheck ends at once, keeping what it has shrunk.
  std::function<bool()> stop;
};

// With keep_going: a counterexample after the first, of a signature not found before.
struct FuzzCounterexample {
  uint64_t index = 0;  // its sequence in the campaign
  scenario::Scenario scenario;
  std::string failure;
  std::optional<Divergence> divergence;
};

struct FuzzReport {
  int runs = 0;  // sequences that held before the failure (or all of them)
  // The campaign index (of all shards' sequences) of the sequence that failed.
  std::optional<uint64_t> failed_index;
  // The shrunk counterexample: the steps up to and including the first divergence, each
  // with the model's outcome as its `error:`.
  std::optional<scenario::Scenario> counterexample;
  // What diverged, in words; without a counterexample, why nothing could run (a skip).
  std::string failure;
  // The counterexample's divergence, as the runner reports it when replaying the file.
  std::optional<Divergence> divergence;
  // Divergences set aside, by finding (shrinking included).
  std::map<std::string, int> set_aside;
  int set_aside_runs = 0;  // sequences that ran into a known finding (not shrinking)
  // keep_going: the counterexamples of other signatures, in campaign order, and how many
  // more failing sequences shrank to a signature found before.
  std::vector<FuzzCounterexample> also;
  int repeated = 0;
  // `stop` ended the campaign early; `runs` counts the sequences that really ran.
  bool interrupted = false;
  // Every step sent, by situation (shrinking included).
  Coverage coverage;
};

using BackendMaker = std::function<std::unique_ptr<Backend>()>;

FuzzReport Fuzz(const FuzzOptions& options, const BackendMaker& make_backend);

}  // namespace snapsim::simulator
