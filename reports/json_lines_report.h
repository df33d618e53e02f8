#pragma once
// JSON lines for tools: one event per step, then one per scenario result.
// No wall-clock fields, so the same seed gives a byte-identical file.

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "simulator/runner.h"
#include "simulator/shard.h"

namespace snapsim::reports {

// A shard's identity on its `run` line, so that `snapsim report merge` can put the shards'
// cases back in the unsharded order and name a missing shard: "shard": "K/N" and each
// case's place in the unsharded plan ("case_indices").
struct JsonShard {
  simulator::Shard shard;
  std::vector<uint64_t> case_indices;  // one per result, in order
};

// `timings` adds each scenario's elapsed_ms (and so breaks byte-for-byte reproducibility).
std::string JsonLinesReport(uint64_t seed, const std::vector<simulator::ScenarioResult>& results,
                            bool timings = false, bool incomplete = false,
                            const JsonShard* shard = nullptr);

// The first line of a run's report, as JsonLinesReport writes it for an unsharded run.
std::string JsonRunLine(uint64_t seed, uint64_t cases, bool incomplete);

// Lines of JSON as the reports write them: one object, no spaces, then a newline.
std::string JsonLine(const nlohmann::ordered_json& event);

// "K/N".
std::string ShardName(const simulator::Shard& shard);

}  // namespace snapsim::reports
