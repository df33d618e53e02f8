#include "cli/shard_option.h"

#include <cstdlib>

#include <fmt/format.h>

namespace snapsim::cli {

std::optional<simulator::ShardChoice> ShardOption(const std::string& text) {
  auto choice = simulator::ParseShard(text, [](const char* name) { return std::getenv(name); });
  if (!choice.ok()) {
    fmt::print(stderr, "snapsim: error: {}\n", choice.status().message());
    return std::nullopt;
  }
  return *choice;
}

std::string ShardText(const simulator::ShardChoice& choice) {
  if (choice.shard.whole() && choice.source.empty()) return "";
  return fmt::format(", shard {}/{}{}", choice.shard.index, choice.shard.count,
                     choice.source.empty() ? "" : fmt::format(" ({})", choice.source));
}

}  // namespace snapsim::cli
