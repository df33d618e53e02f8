#include "scenario/size.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "scenario/spelling.h"

namespace snapsim::scenario {
namespace {

uint64_t SizeOf(std::string_view text) {
  auto parsed = ParseSize(text);
  EXPECT_TRUE(std::holds_alternative<uint64_t>(parsed)) << text;
  return std::holds_alternative<uint64_t>(parsed) ? std::get<uint64_t>(parsed) : 0;
}

std::string ErrorOf(std::string_view text) {
  auto parsed = ParseSize(text);
  EXPECT_TRUE(std::holds_alternative<std::string>(parsed)) << text;
  return std::holds_alternative<std::string>(parsed) ? std::get<std::string>(parsed) : "";
}

TEST(ParseSize, AcceptsBytesAndBinarySuffixes) {
  EXPECT_EQ(SizeOf("0"), 0u);
  EXPECT_EQ(SizeOf("4096"), 4096u);
  EXPECT_EQ(SizeOf("64KiB"), 64u << 10);
  EXPECT_EQ(SizeOf("1MiB"), 1u << 20);
  EXPECT_EQ(SizeOf("3GiB"), 3ull << 30);
  EXPECT_EQ(SizeOf("18446744073709551615"), UINT64_MAX);
  EXPECT_EQ(SizeOf("17179869183GiB"), 17179869183ull << 30);
}

TEST(ParseSize, RejectsEverythingElse) {
  EXPECT_NE(ErrorOf("-1").find("negative"), std::string::npos);
  EXPECT_NE(ErrorOf("64MB").find("unknown suffix 'MB'"), std::string::npos);
  EXPECT_NE(ErrorOf("64 MiB").find("unknown suffix ' MiB'"), std::string::npos);
  EXPECT_NE(ErrorOf("1.5GiB").find("unknown suffix"), std::string::npos);
  EXPECT_NE(ErrorOf("MiB").find("not a size"), std::string::npos);
  EXPECT_NE(ErrorOf("").find("not a size"), std::string::npos);
  EXPECT_NE(ErrorOf("+5").find("not a size"), std::string::npos);
  EXPECT_NE(ErrorOf("0x10").find("unknown suffix"), std::string::npos);
  EXPECT_NE(ErrorOf("18446744073709551616").find("too large"), std::string::npos);
  EXPECT_NE(ErrorOf("17179869184GiB").find("too large"), std::string::npos);
}

TEST(FormatSize, UsesTheLargestExactSuffix) {
  EXPECT_EQ(FormatSize(0), "0");
  EXPECT_EQ(FormatSize(512), "512");
  EXPECT_EQ(FormatSize(1536), "1536");
  EXPECT_EQ(FormatSize(2048), "2KiB");
  EXPECT_EQ(FormatSize(1536ull << 10), "1536KiB");
  EXPECT_EQ(FormatSize(64ull << 20), "64MiB");
  EXPECT_EQ(FormatSize(1ull << 30), "1GiB");
}

RC_GTEST_PROP(FormatSize, ParsesBackToTheSameNumber, (uint64_t bytes)) {
  auto shifted = *rc::gen::oneOf(rc::gen::just(bytes), rc::gen::just(bytes << 10),
                                 rc::gen::just(bytes << 20), rc::gen::just(bytes << 30));
  auto parsed = ParseSize(FormatSize(shifted));
  RC_ASSERT(std::holds_alternative<uint64_t>(parsed));
  RC_ASSERT(std::get<uint64_t>(parsed) == shifted);
}

TEST(EditDistance, CountsEditsAndSwaps) {
  EXPECT_EQ(EditDistance("", ""), 0u);
  EXPECT_EQ(EditDistance("abc", ""), 3u);
  EXPECT_EQ(EditDistance("chilren", "children"), 1u);
  EXPECT_EQ(EditDistance("strat", "start"), 1u);
  EXPECT_EQ(EditDistance("kitten", "sitting"), 3u);
}

TEST(NearestWord, SuggestsOnlyLikelyTypos) {
  std::vector<std::string> keys = {"name", "children", "children-only", "metadata-only"};
  EXPECT_EQ(NearestWord("chilren", keys), "children");
  EXPECT_EQ(NearestWord("children-onyl", keys), "children-only");
  EXPECT_EQ(NearestWord("colour", keys), std::nullopt);
  EXPECT_EQ(NearestWord("metadata", keys), "metadata-only");  // an abbreviation
  EXPECT_EQ(DidYouMean("nmae", keys), " (did you mean 'name'?)");
  EXPECT_EQ(DidYouMean("zzzzzz", keys), "");
}

}  // namespace
}  // namespace snapsim::scenario
