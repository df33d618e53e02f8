#include "simulator/known_findings.h"

#include <gtest/gtest.h>

namespace snapsim::simulator {
namespace {

TEST(KnownFindingsTest, KeepsTheEntriesNamingTheBackend) {
  const std::string text =
      "# comment\n"
      "\n"
      "qemu-img,libvirt-qemu  F4  got the backend removed \\S+, which held them\n"
      "libvirt-qemu F15 could not find base disk source\n"
      "vcsim F5 state: shutoff\n";
  auto known = ParseKnownFindings(text, "k.txt", "libvirt-qemu");
  ASSERT_TRUE(known.ok()) << known.status().message();
  ASSERT_EQ(known->size(), 2u);
  EXPECT_EQ((*known)[0].finding, "F4");
  EXPECT_EQ((*known)[0].pattern_text, "got the backend removed \\S+, which held them");
  const KnownFinding* match =
      MatchKnownFinding(*known,
                        "after the last step: expected disk vda at snapshot b bytes as the model "
                        "predicts got the backend removed vda.1.qcow2, which held them");
  ASSERT_NE(match, nullptr);
  EXPECT_EQ(match->finding, "F4");
  EXPECT_EQ(MatchKnownFinding(*known, "revert: model ok but libvirt-qemu state: shutoff"), nullptr);
  auto other = ParseKnownFindings(text, "k.txt", "qemu");  // a prefix of a name is not it
  ASSERT_TRUE(other.ok());
  EXPECT_TRUE(other->empty());
}

TEST(KnownFindingsTest, AMalformedLineNamesFileLineAndColumn) {
  auto missing = ParseKnownFindings("qemu F4\n", "k.txt", "qemu");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().message(), "k.txt:1:8: expected a REGEX after the finding");
  auto bad = ParseKnownFindings("\nqemu F4 (unclosed\n", "k.txt", "qemu");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message().rfind("k.txt:2:9: bad regular expression", 0), 0u)
      << bad.status().message();
  EXPECT_EQ(bad.status().fault(), Fault::kBadInput);
  auto lonely = ParseKnownFindings("qemu\n", "k.txt", "qemu");
  ASSERT_FALSE(lonely.ok());
  EXPECT_EQ(lonely.status().message(), "k.txt:1:5: expected SCOPE FINDING REGEX, found no FINDING");
}

TEST(KnownFindingsTest, AnUnreadableFileIsAnError) {
  auto result = LoadKnownFindings("/nonexistent/known.txt", "qemu");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().message(), "/nonexistent/known.txt: cannot read the file");
}

}  // namespace
}  // namespace snapsim::simulator
