#pragma once
// One part of a campaign split across processes or machines: shard `index` of `count`.
// Every campaign verb partitions by one rule (item i belongs to shard i % count), so the
// shards of one count are disjoint and together complete.

#include <cstdint>
#include <functional>
#include <string>

#include "core/status.h"

namespace snapsim::simulator {

struct Shard {
  int index = 0;  // 0-based, as GoogleTest's GTEST_SHARD_INDEX and Kubernetes' job index
  int count = 1;

  bool Owns(uint64_t item) const {
    return static_cast<int>(item % static_cast<uint64_t>(count)) == index;
  }
  bool whole() const { return count == 1; }
};

// A shard as `--shard` gives it, and where it came from ("" for K/N itself; else the
// engine and its variables, e.g. "Slurm: SLURM_ARRAY_TASK_ID=5 ...").
struct ShardChoice {
  Shard shard;
  std::string source;
};

// Reads one variable of the environment; nullptr when it is not set.
using EnvReader = std::function<const char*(const char*)>;

// `--shard` TEXT: "" (the whole campaign; the environment is not read), "K/N" (0-based),
// or "auto" / "auto:N": K and N from the engine running the process, read through
// `env`: a Slurm job array (SLURM_ARRAY_TASK_ID less SLURM_ARRAY_TASK_MIN, of
// SLURM_ARRAY_TASK_COUNT), a Kubernetes Indexed Job (JOB_COMPLETION_INDEX, of N or
// SNAPSIM_SHARD_COUNT), GoogleTest (GTEST_SHARD_INDEX of GTEST_TOTAL_SHARDS) or GitLab
// (CI_NODE_INDEX of CI_NODE_TOTAL, 1-based). No engine, half an engine's variables, or
// engines (or N) that disagree are bad input naming the variables.
Result<ShardChoice> ParseShard(const std::string& text, const EnvReader& env);

}  // namespace snapsim::simulator
