#include "cli/rerun_failed.h"

#include <fstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace snapsim::cli {

Result<std::set<std::string>> LoadFailedCases(const std::string& report_path) {
  std::ifstream in(report_path, std::ios::binary);
  if (!in)
    return Status::Failure(Fault::kBadInput,
                           fmt::format("--rerun-failed: cannot read {}", report_path));
  std::set<std::string> failed;
  bool saw_run = false;
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    if (line.empty()) continue;
    const nlohmann::json event = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (!event.is_object() || !event.contains("event") || !event["event"].is_string()) {
      return Status::Failure(
          Fault::kBadInput,
          fmt::format("{}:{}: error: not a snapsim JSON-lines report event (written by run --json)",
                      report_path, number));
    }
    const std::string kind = event["event"].get<std::string>();
    saw_run |= kind == "run";
    if (kind != "scenario") continue;
    auto text = [&](const char* key) {
      return event.contains(key) && event[key].is_string() ? event[key].get<std::string>() : "";
    };
    const std::string verdict = text("verdict");
    if (verdict == "fail" || verdict == "backend-failure") {
      failed.insert(text("scenario") + "@" + text("backend"));
    }
  }
  if (!saw_run) {
    return Status::Failure(
        Fault::kBadInput,
        fmt::format("--rerun-failed: {} is not a snapsim JSON-lines report (no run event)",
                    report_path));
  }
  return failed;
}

}  // namespace snapsim::cli
