#include "reports/html_portability.h"

#include <map>
#include <set>
#include <tuple>

#include <fmt/format.h>

#include "core/xml_escape.h"
#include "reports/portability.h"

namespace snapsim::reports {
namespace {

// What one backend answered at the steps of one situation: outcome -> steps, and how many
// of them the model answered otherwise.
struct Observed {
  std::map<std::string, int> outcomes;
  int differs = 0;
};

// (profile, situation) -> backend -> what it did, from the differential steps of the run.
using ObservedBySituation =
    std::map<std::pair<Profile, std::string>, std::map<std::string, Observed>>;

ObservedBySituation Observe(const std::vector<simulator::ScenarioResult>& results) {
  ObservedBySituation observed;
  for (const simulator::ScenarioResult& r : results) {
    for (const simulator::StepEvent& e : r.events) {
      if (e.situation.empty() || e.model_outcome.empty()) continue;  // not compared
      Observed& o = observed[{r.profile, e.situation}][r.backend];
      ++o.outcomes[e.outcome];
      o.differs += e.outcome != e.model_outcome;
    }
  }
  return observed;
}

std::string ObservedHtml(const std::map<std::string, Observed>& by_backend) {
  std::string out;
  for (const auto& [backend, o] : by_backend) {
    std::vector<std::string> outcomes;
    for (const auto& [outcome, steps] : o.outcomes) {
      outcomes.push_back(fmt::format("{} &#215;{}", XmlEscape(outcome), steps));
    }
    out += fmt::format("<br><span class=\"observed{}\" title=\"{}\">{}: {}</span>",
                       o.differs > 0 ? " differs" : "",
                       o.differs > 0
                           ? fmt::format("{} steps where the model answered otherwise", o.differs)
                           : std::string("as the model answered"),
                       XmlEscape(backend), fmt::join(outcomes, ", "));
  }
  return out;
}

bool ProfilesDiffer(const PortabilityRow& row) {
  for (const PortabilityCell& cell : row.cells) {
    if (std::tie(cell.outcome, cell.after) != std::tie(row.cells[0].outcome, row.cells[0].after)) {
      return true;
    }
  }
  return false;
}

}  // namespace

void AppendPortability(const std::vector<simulator::ScenarioResult>& results, std::string& out) {
  const ObservedBySituation observed = Observe(results);
  out +=
      "<h2 id=\"portability\">Portability: what each profile's model does, and what the run's "
      "backends did</h2>\n"
      "<p class=\"small\">Each row starts a fresh domain, runs the setup, then the operation. "
      "A cell shows the model's outcome, the state and the disks' layers (bottom first) after "
      "it; below, each real backend of this run that met the same situation (same operation "
      "and flags, power state, and what the target snapshot is), with its answers counted. "
      "<span class=\"observed differs\">Marked</span>: it answered otherwise than the model at "
      "some step. A highlighted row: the profiles differ.</p>\n"
      "<table class=\"portability\">\n<tr><th>situation</th><th>setup</th>";
  for (Profile p : kAllProfiles) out += fmt::format("<th>{}</th>", ProfileName(p));
  out += "</tr>\n";
  for (const PortabilityRow& row : PortabilityMatrix()) {
    out += fmt::format("<tr{}><td>{}</td><td class=\"small\">{}</td>",
                       ProfilesDiffer(row) ? " class=\"profiles-differ\"" : "",
                       XmlEscape(row.situation), XmlEscape(row.setup));
    for (size_t p = 0; p < kAllProfiles.size(); ++p) {
      const PortabilityCell& cell = row.cells[p];
      out += fmt::format(
          "<td class=\"model {}\"><b>{}</b><br><span class=\"small\">{}</span><br>"
          "<span class=\"small\">{}</span>",
          cell.ok ? "ok" : "err", XmlEscape(cell.outcome), XmlEscape(cell.after),
          XmlEscape(cell.disks));
      const auto it = observed.find({kAllProfiles[p], cell.situation});
      if (!cell.situation.empty() && it != observed.end()) out += ObservedHtml(it->second);
      out += "</td>";
    }
    out += "</tr>\n";
  }
  out += "</table>\n";
}

}  // namespace snapsim::reports
