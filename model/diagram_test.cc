#include "model/diagram.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <set>

#include "model/power_machine.h"
#include "model/rules.h"

namespace snapsim::model {
namespace {

std::string Lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

const char* Word(Operation op) {
  switch (op) {
    case Operation::kStart: return "start";
    case Operation::kShutdown: return "shutdown";
    case Operation::kPause: return "pause";
    case Operation::kResume: return "resume";
    default: return nullptr;
  }
}

bool HasLabel(const PowerEdge& edge, const std::string& label) {
  return std::find(edge.labels.begin(), edge.labels.end(), label) != edge.labels.end();
}

// The refusal self-loop's line for `error`, split into its words.
std::set<std::string> Refused(const std::vector<PowerEdge>& edges, const std::string& state,
                              const std::string& error) {
  std::set<std::string> words;
  for (const PowerEdge& e : edges) {
    if (!e.refusals || e.from != state) continue;
    for (const std::string& label : e.labels) {
      if (label.rfind(error + ": ", 0) != 0) continue;
      std::string list = label.substr(error.size() + 2);
      for (size_t at = 0; at <= list.size();) {
        size_t comma = list.find(", ", at);
        if (comma == std::string::npos) comma = list.size();
        words.insert(list.substr(at, comma - at));
        at = comma + 2;
      }
    }
  }
  return words;
}

// Every power row of the MSM table, with the profile's decision, is in the drawing: an
// accepted row as an edge from its source to its target (a self-loop for an internal
// row), a refused one in its source's refusal loop with the class the rules give.
TEST(DiagramTest, PowerEdgesAgreeWithTheMsmTableAndTheRules) {
  for (Profile profile : kAllProfiles) {
    const std::vector<PowerEdge> edges = PowerEdges(profile);
    int checked = 0;
    for (const TransitionRow& row : PowerTransitionTable()) {
      if (row.operation < 0) continue;
      const auto op = static_cast<Operation>(row.operation);
      const char* word = Word(op);
      if (word == nullptr) continue;
      const std::string from = Lower(row.source);
      const std::string to = row.target == "none" ? from : Lower(row.target);
      const auto refusal = PowerRefusal(profile, op, PowerStateOfName(row.source));
      SCOPED_TRACE(std::string(ProfileName(profile)) + ": " + row.source + " " + row.event);
      if (refusal) {
        EXPECT_EQ(Refused(edges, from, std::string(ErrorClassName(*refusal))).count(word), 1u);
        for (const PowerEdge& e : edges) {
          EXPECT_FALSE(!e.refusals && HasLabel(e, word) && e.from == from)
              << "a refused " << word << " is drawn as a move " << e.from << " -> " << e.to;
        }
      } else {
        bool drawn = false;
        for (const PowerEdge& e : edges) {
          drawn = drawn || (!e.refusals && e.from == from && e.to == to && HasLabel(e, word));
        }
        EXPECT_TRUE(drawn) << word << " from " << from << " to " << to;
      }
      ++checked;
    }
    EXPECT_EQ(checked, 6) << ProfileName(profile);  // the 6 power rows of the table
  }
}

// Each power operation from each state is drawn exactly once: as a move, or refused.
TEST(DiagramTest, EveryPowerOperationFromEveryStateIsDrawnOnce) {
  for (Profile profile : kAllProfiles) {
    const std::vector<PowerEdge> edges = PowerEdges(profile);
    for (const char* state : {"shutoff", "running", "paused"}) {
      for (const char* word : {"start", "shutdown", "pause", "resume"}) {
        int drawn = 0;
        for (const PowerEdge& e : edges) {
          if (e.from == state && !e.refusals) drawn += HasLabel(e, word);
        }
        for (ErrorClass c : AllErrorClasses()) {
          drawn +=
              static_cast<int>(Refused(edges, state, std::string(ErrorClassName(c))).count(word));
        }
        EXPECT_EQ(drawn, 1) << ProfileName(profile) << ": " << word << " from " << state;
      }
    }
  }
}

TEST(DiagramTest, OneEdgePerStatePairAndNoInternalNames) {
  for (Profile profile : kAllProfiles) {
    std::set<std::pair<std::string, std::string>> moves, loops;
    for (const PowerEdge& e : PowerEdges(profile)) {
      auto& seen = e.refusals ? loops : moves;
      EXPECT_TRUE(seen.insert({e.from, e.to}).second) << e.from << " -> " << e.to;
      if (e.refusals) {
        EXPECT_EQ(e.from, e.to);
      }
    }
    for (DiagramFormat format :
         {DiagramFormat::kDot, DiagramFormat::kMermaid, DiagramFormat::kTable}) {
      const std::string text = RenderDiagram(profile, format);
      for (const char* internal : {"RulesAllow", "TakeSnapshot", "GuestWrite", "RestoreSnapshot",
                                   "RemoveSnapshot", "WriteDisk", "Shutoff", "EnterRunning"}) {
        EXPECT_EQ(text.find(internal), std::string::npos) << internal << " in\n" << text;
      }
    }
  }
}

TEST(DiagramTest, AShutdownEsxRefusesLeavesThePausedDomainPaused) {
  const std::vector<PowerEdge> edges = PowerEdges(Profile::kEsx);
  EXPECT_EQ(Refused(edges, "paused", "operation-invalid").count("shutdown"), 1u);
  for (const PowerEdge& e : edges) {
    if (e.from == "paused" && e.to == "shutoff") EXPECT_FALSE(HasLabel(e, "shutdown"));
  }
  // qemu pauses a paused domain again as a no-op (F18).
  bool no_op = false;
  for (const PowerEdge& e : PowerEdges(Profile::kQemu)) {
    no_op =
        no_op || (!e.refusals && e.from == "paused" && e.to == "paused" && HasLabel(e, "pause"));
  }
  EXPECT_TRUE(no_op);
}

TEST(DiagramTest, TreeRulesTableCoversEveryActionInEveryState) {
  for (Profile profile : kAllProfiles) {
    const std::vector<TreeRule> rules = TreeRules(profile);
    EXPECT_GE(rules.size(), 15u);
    for (const TreeRule& rule : rules) EXPECT_EQ(rule.outcomes.size(), 3u) << rule.action;
    const std::string table = RenderDiagram(profile, DiagramFormat::kTable);
    EXPECT_NE(table.find("| `delete A {children-only}` |"), std::string::npos);
    // The dot output carries the same table.
    EXPECT_NE(RenderDiagram(profile, DiagramFormat::kDot).find("delete A {children-only}"),
              std::string::npos);
  }
  // A revert of the shut-off domain to A brings back A's bytes where the profile allows it.
  for (const TreeRule& rule : TreeRules(Profile::kQemu)) {
    if (rule.action == "revert A") {
      EXPECT_EQ(rule.outcomes[0], "shutoff; current A; tree A(B); bytes 0x11");
    }
    if (rule.action == "delete X (no such)") {
      EXPECT_EQ(rule.outcomes[0], "refused: no-domain-snapshot");
    }
  }
}

TEST(DiagramTest, Formats) {
  EXPECT_EQ(ParseDiagramFormat("table"), DiagramFormat::kTable);
  EXPECT_FALSE(ParseDiagramFormat("svg").has_value());  // rendered by the verb through dot
  const std::string text = RenderDiagram(Profile::kQemu, DiagramFormat::kMermaid);
  EXPECT_EQ(text.rfind("%%", 0), 0u);
}

}  // namespace
}  // namespace snapsim::model
