#pragma once
// --shard K/N | auto | auto:N, shared by the campaign verbs `run`, `fuzz` and `explore`.

#include <optional>
#include <string>

#include "simulator/shard.h"

namespace snapsim::cli {

// The shard `text` names (the whole campaign when empty: the environment is then not
// read). nullopt after printing the error (exit 2).
std::optional<simulator::ShardChoice> ShardOption(const std::string& text);

// ", shard K/N" (with where auto found it), or "" for the whole campaign.
std::string ShardText(const simulator::ShardChoice& choice);

inline constexpr const char* kShardHelp =
    "Shard K of N (0-based K/N), or auto / auto:N from Slurm, Kubernetes, GoogleTest or "
    "GitLab variables";

}  // namespace snapsim::cli
