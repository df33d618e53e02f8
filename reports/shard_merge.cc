#include "reports/shard_merge.h"

#include <algorithm>
#include <fstream>
#include <map>
#include <optional>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "reports/json_lines_report.h"
#include "reports/shard_merge_parts.h"

namespace snapsim::reports {
namespace {

using Json = nlohmann::ordered_json;

Status Bad(const std::string& message) { return Status::Failure(Fault::kBadInput, message); }

Result<ShardFile> ReadShardFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Bad(fmt::format("{}: error: cannot read it", path));
  ShardFile file;
  file.path = path;
  std::string text;
  for (int number = 1; std::getline(in, text); ++number) {
    Json event = Json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (!event.is_object() || !event.contains("event") || !event["event"].is_string()) {
      return Bad(
          fmt::format("{}:{}: error: not an event of a snapsim JSON-lines report", path, number));
    }
    file.lines.push_back({number, text + "\n", std::move(event)});
  }
  if (file.lines.empty()) return Bad(fmt::format("{}:1: error: empty: not a report", path));
  const Json& header = file.lines.front().event;
  file.kind = header["event"].get<std::string>();
  if (file.kind != "run" && file.kind != "fuzz" && file.kind != "explore") {
    return Bad(
        fmt::format("{}:1: error: a report begins with a run, fuzz or explore event, not '{}'",
                    path, file.kind));
  }
  const auto shard = header.find("shard");
  int index = -1, count = 0;
  char slash = 0, extra = 0;
  if (shard == header.end() || !shard->is_string() ||
      std::sscanf(shard->get<std::string>().c_str(), "%d%c%d%c", &index, &slash, &count, &extra) !=
          3 ||
      slash != '/' || count < 1 || index < 0 || index >= count) {
    return Bad(
        fmt::format("{}:1: error: no shard identity (\"shard\": \"K/N\"): a report written without "
                    "--shard is no shard of a campaign",
                    path));
  }
  file.shard = {index, count};
  return file;
}

// What must be the same in every shard's first line: the campaign, without the shard's
// own part.
Json Identity(const ShardFile& file) {
  Json identity = file.lines.front().event;
  for (const char* own : {"shard", "case_indices", "cases", "incomplete"}) identity.erase(own);
  return identity;
}

// Every shard of one count, once, of one campaign; ordered by shard index.
Status CheckSet(std::vector<ShardFile>& files) {
  const ShardFile& first = files.front();
  for (const ShardFile& file : files) {
    if (file.kind != first.kind) {
      return Bad(fmt::format("{} is a {} report but {} is a {} report", first.path, first.kind,
                             file.path, file.kind));
    }
    if (file.shard.count != first.shard.count) {
      return Bad(fmt::format("{} is shard {} but {} is shard {}: not one count of shards",
                             first.path, ShardName(first.shard), file.path, ShardName(file.shard)));
    }
    if (Identity(file) != Identity(first)) {
      return Bad(fmt::format("{} and {} are shards of different campaigns: {} against {}",
                             first.path, file.path, Identity(first).dump(), Identity(file).dump()));
    }
  }
  std::sort(files.begin(), files.end(),
            [](const ShardFile& a, const ShardFile& b) { return a.shard.index < b.shard.index; });
  for (size_t i = 1; i < files.size(); ++i) {
    if (files[i].shard.index == files[i - 1].shard.index) {
      return Bad(fmt::format("{} and {} are both shard {}", files[i - 1].path, files[i].path,
                             ShardName(files[i].shard)));
    }
  }
  const int count = first.shard.count;
  if (static_cast<int>(files.size()) == count) return Status::Ok();
  std::string missing, given;
  size_t next = 0;
  for (int k = 0; k < count; ++k) {
    if (next < files.size() && files[next].shard.index == k) {
      given += fmt::format("{}{} ({})", given.empty() ? "" : ", ", ShardName(files[next].shard),
                           files[next].path);
      ++next;
    } else {
      missing += fmt::format("{}{}/{}", missing.empty() ? "" : ", ", k, count);
    }
  }
  return Bad(fmt::format("missing shard {} of {}: given {}", missing, count, given));
}

}  // namespace

Result<MergedReport> MergeShardReports(const std::vector<std::string>& paths) {
  if (paths.empty()) return Bad("report merge: no shard reports given");
  std::vector<ShardFile> files;
  for (const std::string& path : paths) {
    auto file = ReadShardFile(path);
    if (!file.ok()) return file.status();
    files.push_back(std::move(*file));
  }
  if (Status set = CheckSet(files); !set.ok()) return set;
  if (files.front().kind == "run") return MergeRuns(files);
  if (files.front().kind == "fuzz") return MergeFuzz(files);
  return MergeExplore(files);
}

}  // namespace snapsim::reports
