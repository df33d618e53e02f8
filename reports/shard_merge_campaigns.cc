// report merge of `fuzz --shard K/N --json` and `explore --backend B --shard K/N --json`.
//
// fuzz: the unsharded run stops at its first failing sequence, so the merged report is
// every shard's sequences in campaign order up to the first that failed (all of them when
// none did), with that one's counterexample. Counterexamples of other shards lie past it:
// they are not in the report, and the summary names each distinct signature once. With
// --keep-going every sequence is in, and of the counterexamples the first of each
// signature, as the unsharded run keeps them.
// explore: the shards' diverging transitions by their place in the graph; the groups and
// totals are computed from them as one run computes its own.
#include <map>
#include <set>

#include <fmt/format.h>

#include "reports/campaign_json_report.h"
#include "reports/json_lines_report.h"
#include "reports/shard_merge_parts.h"

namespace snapsim::reports {
namespace {

using Json = nlohmann::ordered_json;

std::optional<uint64_t> Unsigned(const Json& event, const char* key) {
  const auto it = event.find(key);
  if (it == event.end() || !it->is_number_unsigned()) return std::nullopt;
  return it->get<uint64_t>();
}

std::string String(const Json& event, const char* key) {
  const auto it = event.find(key);
  return it != event.end() && it->is_string() ? it->get<std::string>() : "";
}

std::string HeaderLine(const ShardFile& file) {
  Json header = file.lines.front().event;
  header.erase("shard");
  return JsonLine(header);
}

struct FuzzFile {
  std::vector<const ReportLine*> counterexamples;
  bool ended = false, interrupted = false;
  uint64_t ran = 0;
};

}  // namespace

Result<MergedReport> MergeFuzz(const std::vector<ShardFile>& files) {
  MergedReport merged;
  merged.kind = "fuzz";
  merged.shards = static_cast<int>(files.size());
  const Json& header = files.front().lines.front().event;
  const auto total = Unsigned(header, "sequences");
  const auto seed = Unsigned(header, "seed");
  if (!total || !seed) {
    return LineError(files.front(), files.front().lines.front(),
                     "the fuzz event has no sequences or seed");
  }
  merged.seed = *seed;
  const bool keep_going = header.value("keep_going", false);
  struct Sequence {
    const ReportLine* line;
    std::string verdict;
  };
  std::map<uint64_t, Sequence> sequences;
  std::vector<FuzzFile> parts(files.size());
  for (size_t f = 0; f < files.size(); ++f) {
    const ShardFile& file = files[f];
    FuzzFile& part = parts[f];
    for (size_t i = 1; i < file.lines.size(); ++i) {
      const ReportLine& line = file.lines[i];
      const std::string kind = line.event["event"].get<std::string>();
      if (part.ended) return LineError(file, line, "an event after the end event");
      if (kind == "end") {
        part.ended = true;
        part.interrupted = line.event.value("interrupted", false);
        continue;
      }
      const auto index = Unsigned(line.event, "index");
      if (kind != "sequence" && kind != "counterexample") {
        return LineError(file, line, fmt::format("a '{}' event in a fuzz report", kind));
      }
      if (!index || *index >= *total) {
        return LineError(file, line, "no index of a sequence of the campaign");
      }
      if (!file.shard.Owns(*index)) {
        return LineError(
            file, line,
            fmt::format("sequence {} is not shard {}'s", *index, ShardName(file.shard)));
      }
      if (kind == "counterexample") {
        if (!keep_going && !part.counterexamples.empty()) {
          return LineError(file, line, "a second counterexample without --keep-going");
        }
        part.counterexamples.push_back(&line);
        continue;
      }
      const std::string verdict = String(line.event, "verdict");
      if (verdict != "held" && verdict != "set-aside" && verdict != "failed") {
        return LineError(file, line, fmt::format("unknown verdict '{}'", verdict));
      }
      if (!sequences.emplace(*index, Sequence{&line, verdict}).second) {
        return LineError(file, line, fmt::format("sequence {} twice", *index));
      }
      ++part.ran;
    }
    if (!part.ended) {
      return LineError(file, file.lines.back(), "no end event: the report is cut short");
    }
  }
  std::optional<uint64_t> first_failed;
  for (const auto& [index, sequence] : sequences) {
    if (sequence.verdict == "failed") {
      first_failed = index;
      break;
    }
  }
  const uint64_t end = first_failed && !keep_going ? *first_failed + 1 : *total;
  uint64_t held = 0, set_aside = 0, failed = 0;
  merged.json = HeaderLine(files.front());
  for (uint64_t i = 0; i < end; ++i) {
    const auto it = sequences.find(i);
    if (it == sequences.end()) {
      const size_t owner = i % files.size();
      return Status::Failure(
          Fault::kBadInput,
          fmt::format("shard {} ({}) has no sequence {}: it ran {} of its sequences{}, so the "
                      "campaign is not complete",
                      ShardName(files[owner].shard), files[owner].path, i, parts[owner].ran,
                      parts[owner].interrupted ? " and was interrupted" : ""));
    }
    merged.json += it->second.line->text;
    held += it->second.verdict == "held";
    set_aside += it->second.verdict == "set-aside";
    failed += it->second.verdict == "failed";
  }
  const std::string profile = String(header, "profile"), backend = String(header, "backend");
  merged.summary.push_back(
      fmt::format("fuzz {} on {}, seed {}: {} of {} sequences: {} held, {} set aside{}", profile,
                  backend, *seed, end, *total, held, set_aside,
                  keep_going     ? fmt::format(", {} failed", failed)
                  : first_failed ? fmt::format(", sequence {} failed", *first_failed)
                                 : ""));
  if (keep_going) {  // every counterexample, the first of each signature
    std::map<uint64_t, std::pair<const ReportLine*, size_t>> all;  // by sequence
    for (size_t f = 0; f < files.size(); ++f) {
      for (const ReportLine* c : parts[f].counterexamples) {
        all.emplace(*Unsigned(c->event, "index"), std::make_pair(c, f));
      }
    }
    std::set<std::string> signatures;
    for (const auto& [index, found] : all) {
      if (!signatures.insert(String(found.first->event, "signature")).second) continue;
      merged.json += found.first->text;
      merged.failed = true;
      merged.summary.push_back(fmt::format("counterexample (sequence {}, shard {}): {}", index,
                                           ShardName(files[found.second].shard),
                                           String(found.first->event, "failure")));
    }
    merged.json += FuzzEndLine(held, set_aside, failed, false);
    return merged;
  }
  std::string first_signature;
  if (first_failed) {
    const size_t owner = *first_failed % files.size();
    const ReportLine* counterexample =
        parts[owner].counterexamples.empty() ? nullptr : parts[owner].counterexamples.front();
    if (counterexample == nullptr || Unsigned(counterexample->event, "index") != first_failed) {
      return Status::Failure(
          Fault::kBadInput,
          fmt::format("{}: error: sequence {} failed but the report has no counterexample of it",
                      files[owner].path, *first_failed));
    }
    merged.json += counterexample->text;
    merged.failed = true;
    first_signature = String(counterexample->event, "signature");
    merged.summary.push_back(fmt::format("counterexample (sequence {}, shard {}): {}",
                                         *first_failed, ShardName(files[owner].shard),
                                         String(counterexample->event, "failure")));
  }
  // Past the first failure: each other signature once, at its first sequence.
  std::map<uint64_t, std::pair<std::string, size_t>> later;
  for (size_t f = 0; f < files.size(); ++f) {
    if (parts[f].counterexamples.empty()) continue;
    const ReportLine* c = parts[f].counterexamples.front();
    if (Unsigned(c->event, "index") == first_failed) continue;
    later.emplace(*Unsigned(c->event, "index"), std::make_pair(String(c->event, "signature"), f));
  }
  std::set<std::string> signatures = {first_signature};
  for (const auto& [index, found] : later) {
    if (!signatures.insert(found.first).second) continue;
    merged.summary.push_back(fmt::format(
        "also found past the campaign's first failure (sequence {}, shard {}, not in the "
        "merged report): {}",
        index, ShardName(files[found.second].shard), found.first));
  }
  merged.json += FuzzEndLine(held, set_aside, failed, false);
  return merged;
}

Result<MergedReport> MergeExplore(const std::vector<ShardFile>& files) {
  MergedReport merged;
  merged.kind = "explore";
  merged.shards = static_cast<int>(files.size());
  std::map<uint64_t, std::pair<const ReportLine*, ExploreTransitionLine>> diverged;
  uint64_t checked = 0, unreached = 0;
  for (const ShardFile& file : files) {
    bool ended = false;
    for (size_t i = 1; i < file.lines.size(); ++i) {
      const ReportLine& line = file.lines[i];
      const std::string kind = line.event["event"].get<std::string>();
      if (ended) return LineError(file, line, "an event after the end event");
      if (kind == "divergence" || kind == "known") continue;  // computed again below
      if (kind == "end") {
        const auto c = Unsigned(line.event, "checked"), u = Unsigned(line.event, "unreached");
        if (!c || !u) return LineError(file, line, "the end event has no checked or unreached");
        checked += *c;
        unreached += *u;
        merged.incomplete |= line.event.value("incomplete", false);
        ended = true;
        continue;
      }
      if (kind != "transition") {
        return LineError(file, line, fmt::format("a '{}' event in an explore report", kind));
      }
      ExploreTransitionLine t;
      const auto edge = Unsigned(line.event, "edge");
      const auto path = line.event.find("path");
      if (!edge || path == line.event.end() || !path->is_array()) {
        return LineError(file, line, "a transition needs an edge and a path");
      }
      if (!file.shard.Owns(*edge)) {
        return LineError(
            file, line,
            fmt::format("transition {} is not shard {}'s", *edge, ShardName(file.shard)));
      }
      t.edge = *edge;
      t.signature = String(line.event, "signature");
      t.finding = String(line.event, "finding");
      for (const Json& step : *path) {
        if (!step.is_string()) return LineError(file, line, "a step of the path is no string");
        t.path.push_back(step.get<std::string>());
      }
      if (!diverged.emplace(t.edge, std::make_pair(&line, std::move(t))).second) {
        return LineError(file, line, fmt::format("transition {} twice", *edge));
      }
    }
    if (!ended) return LineError(file, file.lines.back(), "no end event: the report is cut short");
  }
  merged.json = HeaderLine(files.front());
  std::vector<ExploreTransitionLine> all;
  for (const auto& [edge, entry] : diverged) {
    merged.json += entry.first->text;
    all.push_back(entry.second);
  }
  const std::string summary = ExploreSummaryLines(all, checked, unreached, merged.incomplete);
  merged.json += summary;
  const Json& header = files.front().lines.front().event;
  merged.summary.push_back(
      fmt::format("explore {} on {}, depth {}: {} transitions checked of {}{}",
                  String(header, "profile"), String(header, "backend"), header.value("depth", 0),
                  checked, Unsigned(header, "transitions").value_or(0),
                  unreached > 0 ? fmt::format(", {} not reached", unreached) : ""));
  size_t start = 0;
  while (start < summary.size()) {
    const size_t newline = summary.find('\n', start);
    const Json event = Json::parse(summary.substr(start, newline - start));
    start = newline + 1;
    if (event["event"] == "divergence") {
      merged.failed = true;
      std::string steps;
      for (const Json& step : event["shortest"]) {
        steps += (steps.empty() ? "" : "; ") + step.get<std::string>();
      }
      merged.summary.push_back(fmt::format("divergence ({} transitions): {}\n  shortest: {}",
                                           event["transitions"].get<uint64_t>(),
                                           event["signature"].get<std::string>(), steps));
    } else if (event["event"] == "known") {
      merged.summary.push_back(fmt::format("known {}: {} transitions",
                                           event["finding"].get<std::string>(),
                                           event["transitions"].get<uint64_t>()));
    }
  }
  return merged;
}

}  // namespace snapsim::reports
