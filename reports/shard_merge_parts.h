#pragma once
// The parts of `report merge` (shard_merge.h), one file per kind of report.

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "reports/shard_merge.h"
#include "simulator/shard.h"

namespace snapsim::reports {

struct ReportLine {
  int number = 0;    // 1-based
  std::string text;  // as read, with its newline: merged reports reuse lines verbatim
  nlohmann::ordered_json event;
};

struct ShardFile {
  std::string path;
  std::vector<ReportLine> lines;  // the first is the header (run, fuzz, explore)
  std::string kind;
  simulator::Shard shard;
};

// "FILE:LINE: error: MESSAGE", bad input.
Status LineError(const ShardFile& file, const ReportLine& line, const std::string& message);

// `files`: every shard once, in shard order, of one campaign (checked by the caller).
Result<MergedReport> MergeRuns(const std::vector<ShardFile>& files);
Result<MergedReport> MergeFuzz(const std::vector<ShardFile>& files);
Result<MergedReport> MergeExplore(const std::vector<ShardFile>& files);

}  // namespace snapsim::reports
