#include "reports/campaign_json_report.h"

#include <algorithm>
#include <map>
#include <tuple>

#include "core/utf8.h"
#include "reports/json_lines_report.h"

namespace snapsim::reports {
namespace {

using Json = nlohmann::ordered_json;

Json Text(std::string_view bytes) { return ToValidUtf8(bytes); }

Json WithShard(Json header, const std::optional<simulator::Shard>& shard) {
  if (shard) header["shard"] = ShardName(*shard);
  return header;
}

}  // namespace

Json FuzzHeaderJson(const FuzzJson& fuzz) {
  Json header{{"event", "fuzz"},    {"profile", fuzz.profile},     {"backend", Text(fuzz.backend)},
              {"seed", fuzz.seed},  {"sequences", fuzz.sequences}, {"steps", fuzz.steps},
              {"names", fuzz.names}};
  if (fuzz.keep_going) header["keep_going"] = true;
  return header;
}

Json FuzzSequenceJson(const FuzzSequenceLine& sequence) {
  Json j{{"event", "sequence"}, {"index", sequence.index}, {"verdict", sequence.verdict}};
  if (!sequence.finding.empty()) j["finding"] = Text(sequence.finding);
  return j;
}

Json FuzzCounterexampleJson(const FuzzCounterexampleLine& c) {
  return {{"event", "counterexample"},
          {"index", c.index},
          {"signature", Text(c.signature)},
          {"failure", Text(c.failure)},
          {"scenario", Text(c.scenario)}};
}

std::string FuzzEndLine(uint64_t held, uint64_t set_aside, uint64_t failed, bool interrupted) {
  Json end{{"event", "end"}, {"held", held}, {"set_aside", set_aside}, {"failed", failed}};
  if (interrupted) end["interrupted"] = true;
  return JsonLine(end);
}

std::string FuzzJsonReport(const FuzzJson& fuzz) {
  std::string out = JsonLine(WithShard(FuzzHeaderJson(fuzz), fuzz.shard));
  uint64_t held = 0, set_aside = 0, failed = 0;
  for (const FuzzSequenceLine& sequence : fuzz.ran) {
    out += JsonLine(FuzzSequenceJson(sequence));
    held += sequence.verdict == "held";
    set_aside += sequence.verdict == "set-aside";
    failed += sequence.verdict == "failed";
  }
  for (const FuzzCounterexampleLine& c : fuzz.counterexamples) {
    out += JsonLine(FuzzCounterexampleJson(c));
  }
  return out + FuzzEndLine(held, set_aside, failed, fuzz.interrupted);
}

Json ExploreHeaderJson(const ExploreJson& e) {
  return {{"event", "explore"},
          {"profile", e.profile},
          {"backend", Text(e.backend)},
          {"depth", e.depth},
          {"names", e.names},
          {"states", e.states},
          {"transitions", e.transitions}};
}

Json ExploreTransitionJson(const ExploreTransitionLine& t) {
  Json j{{"event", "transition"}, {"edge", t.edge}, {"signature", Text(t.signature)}};
  if (!t.finding.empty()) j["finding"] = Text(t.finding);
  Json path = Json::array();
  for (const std::string& step : t.path) path.push_back(Text(step));
  j["path"] = std::move(path);
  return j;
}

std::string ExploreSummaryLines(const std::vector<ExploreTransitionLine>& diverged,
                                uint64_t checked, uint64_t unreached, bool incomplete) {
  struct Group {
    uint64_t transitions = 0;
    const ExploreTransitionLine* shortest = nullptr;  // fewest steps, then the first edge
  };
  std::map<std::string, Group> groups;    // new divergences, by signature
  std::map<std::string, uint64_t> known;  // by finding
  for (const ExploreTransitionLine& t : diverged) {
    if (!t.finding.empty()) {
      ++known[t.finding];
      continue;
    }
    Group& group = groups[t.signature];
    ++group.transitions;
    if (group.shortest == nullptr ||
        std::make_tuple(t.path.size(), t.edge) <
            std::make_tuple(group.shortest->path.size(), group.shortest->edge)) {
      group.shortest = &t;
    }
  }
  std::string out;
  for (const auto& [signature, group] : groups) {
    Json path = Json::array();
    for (const std::string& step : group.shortest->path) path.push_back(Text(step));
    out += JsonLine({{"event", "divergence"},
                     {"signature", Text(signature)},
                     {"transitions", group.transitions},
                     {"shortest", std::move(path)}});
  }
  for (const auto& [finding, count] : known) {
    out += JsonLine({{"event", "known"}, {"finding", Text(finding)}, {"transitions", count}});
  }
  Json end{{"event", "end"},
           {"checked", checked},
           {"unreached", unreached},
           {"new_divergences", groups.size()}};
  if (incomplete) end["incomplete"] = true;
  return out + JsonLine(end);
}

std::string ExploreJsonReport(ExploreJson explore) {
  std::sort(explore.diverged.begin(), explore.diverged.end(),
            [](const auto& a, const auto& b) { return a.edge < b.edge; });
  std::string out = JsonLine(WithShard(ExploreHeaderJson(explore), explore.shard));
  for (const ExploreTransitionLine& t : explore.diverged) out += JsonLine(ExploreTransitionJson(t));
  return out + ExploreSummaryLines(explore.diverged, explore.checked, explore.unreached,
                                   explore.incomplete);
}

}  // namespace snapsim::reports
