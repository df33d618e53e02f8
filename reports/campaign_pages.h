#pragma once
// The JUnit and HTML reports of a merged `fuzz` or `explore` campaign (`report merge`):
// one test case for the campaign, failed when it found something new, with the merged
// summary lines as its text.

#include <string>

#include "reports/shard_merge.h"

namespace snapsim::reports {

std::string CampaignJunit(const MergedReport& merged);
std::string CampaignHtml(const MergedReport& merged, const std::string& command_line);

}  // namespace snapsim::reports
