#include "core/error_class.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace snapsim {
namespace {

TEST(ErrorClassTest, EverySpellingRoundTrips) {
  for (ErrorClass error_class : AllErrorClasses()) {
    auto parsed = ParseErrorClass(ErrorClassName(error_class));
    ASSERT_TRUE(parsed.has_value()) << ErrorClassName(error_class);
    EXPECT_EQ(*parsed, error_class);
    EXPECT_EQ(ErrorClassFromLibvirtNumber(ErrorClassNumber(error_class)), error_class);
  }
}

TEST(ErrorClassTest, SpellingsAndNumbersAreUnique) {
  std::set<std::string> names;
  std::set<int> numbers;
  for (ErrorClass error_class : AllErrorClasses()) {
    EXPECT_TRUE(names.insert(std::string(ErrorClassName(error_class))).second);
    EXPECT_TRUE(numbers.insert(ErrorClassNumber(error_class)).second);
  }
  // The 11 of spec/scenario-format.md and argument-unsupported (docs/model.md decision 23).
  EXPECT_EQ(names.size(), 12u);
}

TEST(ErrorClassTest, LibvirtNumbersMatchVirterror) {
  EXPECT_EQ(ErrorClassNumber(ErrorClass::kNoDomainSnapshot), 72);
  EXPECT_EQ(ErrorClassNumber(ErrorClass::kOperationInvalid), 55);
  EXPECT_EQ(ErrorClassNumber(ErrorClass::kInvalidArg), 8);
  EXPECT_FALSE(ParseErrorClass("no_domain_snapshot").has_value());
  EXPECT_FALSE(ParseErrorClass("any").has_value());
}

}  // namespace
}  // namespace snapsim
