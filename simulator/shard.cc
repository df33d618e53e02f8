#include "simulator/shard.h"

#include <charconv>
#include <optional>
#include <vector>

#include <fmt/format.h>

namespace snapsim::simulator {
namespace {

Status Bad(const std::string& message) { return Status::Failure(Fault::kBadInput, message); }

std::optional<int64_t> Number(std::string_view text) {
  int64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || text.empty()) {
    return std::nullopt;
  }
  return value;
}

Result<Shard> Checked(int64_t index, int64_t count, const std::string& what) {
  if (count < 1 || count > 1000000 || index < 0 || index >= count) {
    return Bad(fmt::format("{} wants shard K of N with 0 <= K < N <= 1000000, got {}/{}", what,
                           index, count));
  }
  return Shard{static_cast<int>(index), static_cast<int>(count)};
}

// One engine's reading: nothing when none of its variables is set.
struct Reading {
  std::string engine;
  std::string variables;  // NAME=VALUE ..., as found
  Shard shard;
};

class EngineReader {
 public:
  explicit EngineReader(const EnvReader& env) : env_(env) {}

  // The variable's value as a number; an error names it when it is set but no number.
  Result<std::optional<int64_t>> Get(const char* name) {
    const char* value = env_(name);
    if (value == nullptr) return std::optional<int64_t>();
    seen_ += fmt::format("{}{}={}", seen_.empty() ? "" : " ", name, value);
    auto number = Number(value);
    if (!number) return Bad(fmt::format("--shard auto: {}={} is no number", name, value));
    return std::optional<int64_t>(*number);
  }
  std::string TakeSeen() { return std::exchange(seen_, {}); }

 private:
  const EnvReader& env_;
  std::string seen_;
};

#define SNAPSIM_GET(var, name)                      \
  auto var##_read = reader.Get(name);               \
  if (!var##_read.ok()) return var##_read.status(); \
  const std::optional<int64_t> var = *var##_read

Result<std::optional<Reading>> Slurm(EngineReader& reader) {
  SNAPSIM_GET(id, "SLURM_ARRAY_TASK_ID");
  SNAPSIM_GET(count, "SLURM_ARRAY_TASK_COUNT");
  SNAPSIM_GET(min, "SLURM_ARRAY_TASK_MIN");
  SNAPSIM_GET(max, "SLURM_ARRAY_TASK_MAX");
  SNAPSIM_GET(step, "SLURM_ARRAY_TASK_STEP");
  const std::string seen = reader.TakeSeen();
  if (!id) return std::optional<Reading>();
  if (!count) {
    return Bad("--shard auto: SLURM_ARRAY_TASK_ID is set but SLURM_ARRAY_TASK_COUNT is not");
  }
  const int64_t first = min.value_or(0);
  if ((step && *step != 1) || (max && *max - first + 1 != *count)) {
    return Bad(
        fmt::format("--shard auto: the Slurm array is not one contiguous range of {} tasks ({}); "
                    "submit it as --array=0-{}",
                    *count, seen, *count - 1));
  }
  auto shard = Checked(*id - first, *count, "--shard auto (Slurm: " + seen + ")");
  if (!shard.ok()) return shard.status();
  return std::optional<Reading>(Reading{"Slurm", seen, *shard});
}

Result<std::optional<Reading>> Kubernetes(EngineReader& reader, std::optional<int64_t> given) {
  SNAPSIM_GET(index, "JOB_COMPLETION_INDEX");
  SNAPSIM_GET(count, "SNAPSIM_SHARD_COUNT");
  const std::string seen = reader.TakeSeen();
  if (!index) return std::optional<Reading>();
  if (given && count && *given != *count) {
    return Bad(
        fmt::format("--shard auto:{} disagrees with SNAPSIM_SHARD_COUNT={}", *given, *count));
  }
  if (!given && !count) {
    return Bad(
        "--shard auto: JOB_COMPLETION_INDEX (a Kubernetes Indexed Job) gives no count: "
        "say --shard auto:N with N the Job's completions, or set SNAPSIM_SHARD_COUNT");
  }
  auto shard = Checked(*index, given ? *given : *count, "--shard auto (Kubernetes: " + seen + ")");
  if (!shard.ok()) return shard.status();
  return std::optional<Reading>(Reading{"Kubernetes", seen, *shard});
}

// An engine whose index and count are two variables, `base` the first index (0 or 1).
Result<std::optional<Reading>> Pair(EngineReader& reader, const char* engine,
                                    const char* index_name, const char* count_name, int base) {
  SNAPSIM_GET(index, index_name);
  SNAPSIM_GET(count, count_name);
  const std::string seen = reader.TakeSeen();
  if (!index && !count) return std::optional<Reading>();
  if (!index || !count) {
    return Bad(fmt::format("--shard auto: {} is set but {} is not", index ? index_name : count_name,
                           index ? count_name : index_name));
  }
  auto shard = Checked(*index - base, *count, fmt::format("--shard auto ({}: {})", engine, seen));
  if (!shard.ok()) return shard.status();
  return std::optional<Reading>(Reading{engine, seen, *shard});
}

#undef SNAPSIM_GET

Result<ShardChoice> Auto(const std::string& text, const EnvReader& env) {
  std::optional<int64_t> given;
  if (text != "auto") {
    given = Number(std::string_view(text).substr(5));
    if (!given || *given < 1) {
      return Bad(fmt::format("--shard wants K/N, auto or auto:N with N >= 1, got '{}'", text));
    }
  }
  EngineReader reader(env);
  std::vector<Reading> found;
  for (auto reading : {Slurm(reader), Kubernetes(reader, given),
                       Pair(reader, "GoogleTest", "GTEST_SHARD_INDEX", "GTEST_TOTAL_SHARDS", 0),
                       Pair(reader, "GitLab", "CI_NODE_INDEX", "CI_NODE_TOTAL", 1)}) {
    if (!reading.ok()) return reading.status();
    if (*reading) found.push_back(**reading);
  }
  if (found.empty()) {
    return Bad(
        "--shard auto: no engine's shard variables are set (Slurm SLURM_ARRAY_TASK_ID, "
        "Kubernetes JOB_COMPLETION_INDEX, GoogleTest GTEST_SHARD_INDEX, GitLab CI_NODE_INDEX)");
  }
  for (const Reading& other : found) {
    if (other.shard.index != found[0].shard.index || other.shard.count != found[0].shard.count) {
      return Bad(fmt::format("--shard auto: {} says shard {}/{} ({}) but {} says {}/{} ({})",
                             found[0].engine, found[0].shard.index, found[0].shard.count,
                             found[0].variables, other.engine, other.shard.index, other.shard.count,
                             other.variables));
    }
  }
  if (given && *given != found[0].shard.count) {
    return Bad(fmt::format("--shard auto:{} disagrees with {}, which says {} shards ({})", *given,
                           found[0].engine, found[0].shard.count, found[0].variables));
  }
  return ShardChoice{found[0].shard, found[0].engine + ": " + found[0].variables};
}

}  // namespace

Result<ShardChoice> ParseShard(const std::string& text, const EnvReader& env) {
  if (text.empty()) return ShardChoice{};
  if (text == "auto" || text.rfind("auto:", 0) == 0) return Auto(text, env);
  const size_t slash = text.find('/');
  const auto index = Number(std::string_view(text).substr(0, slash));
  const auto count =
      slash == std::string::npos ? std::nullopt : Number(std::string_view(text).substr(slash + 1));
  if (!index || !count) {
    return Bad(fmt::format("--shard wants K/N with 0 <= K < N, auto or auto:N, got '{}'", text));
  }
  auto shard = Checked(*index, *count, "--shard");
  if (!shard.ok()) return shard.status();
  return ShardChoice{*shard, ""};
}

}  // namespace snapsim::simulator
