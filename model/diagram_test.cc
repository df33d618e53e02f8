#include "model/diagram.h"

#include <gtest/gtest.h>

#include "model/power_machine.h"

namespace snapsim::model {
namespace {

TEST(DiagramTest, TableIsReadFromTheMsmRows) {
  const auto rows = PowerTransitionTable();
  ASSERT_EQ(rows.size(), 24u);
  EXPECT_EQ(rows[0].source, "Shutoff");
  EXPECT_EQ(rows[0].event, "Start");
  EXPECT_EQ(rows[0].target, "Running");
  int internal = 0;
  for (const auto& row : rows) internal += row.target == "none";
  // create, delete, revert, write in each of three states, and pause of a paused domain
  EXPECT_EQ(internal, 13);
}

TEST(DiagramTest, GuardLabelsCarryTheProfilesDecision) {
  const std::string vbox = RenderDiagram(Profile::kVbox, DiagramFormat::kDot);
  EXPECT_NE(
      vbox.find("Running -> Running [label=\"DeleteSnapshot [RulesAllow: vbox: operation-invalid]"),
      std::string::npos);
  const std::string esx = RenderDiagram(Profile::kEsx, DiagramFormat::kDot);
  // Through libvirt's ESX driver a paused domain can be neither shut down (F11) nor
  // paused again; through the QEMU driver pausing it again is a no-op (F18).
  EXPECT_NE(
      esx.find(
          "Paused -> Shutoff [label=\"Shutdown [RulesAllow: esx: operation-invalid]\", color=red"),
      std::string::npos);
  EXPECT_NE(
      esx.find("Paused -> Paused [label=\"Pause [RulesAllow: esx: operation-invalid]\", color=red"),
      std::string::npos);
  const std::string qemu = RenderDiagram(Profile::kQemu, DiagramFormat::kDot);
  EXPECT_EQ(qemu.find(", color=red"), std::string::npos);
}

TEST(DiagramTest, MermaidHasOneLinePerRow) {
  const std::string text = RenderDiagram(Profile::kQemu, DiagramFormat::kMermaid);
  EXPECT_EQ(text.rfind("%%", 0), 0u);
  size_t arrows = 0;
  for (size_t at = text.find("-->"); at != std::string::npos; at = text.find("-->", at + 1))
    ++arrows;
  EXPECT_EQ(arrows, 25u);  // 24 rows and the initial arrow
}

TEST(DiagramTest, UnknownFormatIsRejected) { EXPECT_FALSE(ParseDiagramFormat("svg").has_value()); }

}  // namespace
}  // namespace snapsim::model
