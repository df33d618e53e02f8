#include "core/utf8.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <string>
#include <vector>

namespace snapsim {
namespace {

// The encoder the tests check the decoder against (nothing in snapsim needs one).
std::string Encode(char32_t c) {
  std::string out;
  if (c < 0x80) {
    out += static_cast<char>(c);
  } else if (c < 0x800) {
    out += static_cast<char>(0xC0 | (c >> 6));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else if (c < 0x10000) {
    out += static_cast<char>(0xE0 | (c >> 12));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (c >> 18));
    out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  }
  return out;
}

struct BadCase {
  std::string text;
  size_t offset;
  Utf8Error error;
};

TEST(Utf8Test, FindsTheFirstInvalidSequenceAndSaysWhatItIs) {
  const std::vector<BadCase> cases = {
      {"ab\xFF", 2, Utf8Error::kNeverValid},
      {"\xF5\x80\x80\x80", 0, Utf8Error::kNeverValid},
      {"x\x80", 1, Utf8Error::kStrayContinuation},
      {"\xC0\xAF", 0, Utf8Error::kOverlong},  // '/' in two bytes
      {"\xC1\xBF", 0, Utf8Error::kOverlong},
      {"\xE0\x80\xAF", 0, Utf8Error::kOverlong},      // '/' in three bytes
      {"\xF0\x80\x80\xAF", 0, Utf8Error::kOverlong},  // '/' in four bytes
      {"\xED\xA0\x80", 0, Utf8Error::kSurrogate},     // U+D800
      {"\xED\xBF\xBF", 0, Utf8Error::kSurrogate},     // U+DFFF
      {"\xF4\x90\x80\x80", 0, Utf8Error::kTooLarge},  // U+110000
      {"ok \xE2\x82", 3, Utf8Error::kTruncated},      // the end of the text
      {"\xE2\x82"
       "A",
       0, Utf8Error::kTruncated},  // a character where a continuation belongs
      {"\xC3", 0, Utf8Error::kTruncated},
      {"\xF0\x9F\x98", 0, Utf8Error::kTruncated},
  };
  for (const BadCase& c : cases) {
    const auto problem = FindInvalidUtf8(c.text);
    ASSERT_TRUE(problem.has_value()) << testing::PrintToString(c.text);
    EXPECT_EQ(problem->offset, c.offset) << testing::PrintToString(c.text);
    EXPECT_EQ(problem->error, c.error)
        << testing::PrintToString(c.text) << ": " << Utf8ErrorText(problem->error);
  }
}

TEST(Utf8Test, AcceptsTheEdgesOfEveryRangeAndABom) {
  for (char32_t c :
       {0x0, 0x7F, 0x80, 0x7FF, 0x800, 0xD7FF, 0xE000, 0xFEFF, 0xFFFD, 0xFFFF, 0x10000, 0x10FFFF}) {
    const std::string text = Encode(c);
    EXPECT_FALSE(FindInvalidUtf8(text).has_value()) << std::hex << static_cast<uint32_t>(c);
    const Utf8Char decoded = DecodeUtf8(text, 0);
    EXPECT_EQ(decoded.code_point, c);
    EXPECT_EQ(decoded.length, text.size());
  }
  EXPECT_FALSE(FindInvalidUtf8("\xEF\xBB\xBFsnapsim: 1\n").has_value());
}

TEST(Utf8Test, ReplacesEachMaximalSubpartWithOneReplacementCharacter) {
  const std::string r(kReplacementCharacter);
  // Unicode's own example (chapter 3, "U+FFFD Substitution of Maximal Subparts").
  EXPECT_EQ(ToValidUtf8("\x61\xF1\x80\x80\xE1\x80\xC2\x62\x80\x63\x80\xBF\x64"),
            "a" + r + r + r + "b" + r + "c" + r + r + "d");
  EXPECT_EQ(ToValidUtf8("\xE0\x80\xAF"), r + r + r);  // E0 80 begins no valid sequence
  EXPECT_EQ(ToValidUtf8("snap\xFFshot"), "snap" + r + "shot");
  EXPECT_EQ(ToValidUtf8("caf\xC3\xA9"), "caf\xC3\xA9");
}

RC_GTEST_PROP(Utf8Prop, AnyBytesBecomeValidUtf8, (const std::string& bytes)) {
  const std::string valid = ToValidUtf8(bytes);
  RC_ASSERT(!FindInvalidUtf8(valid).has_value());
  RC_ASSERT(ToValidUtf8(valid) == valid);
  if (!FindInvalidUtf8(bytes).has_value()) RC_ASSERT(valid == bytes);
}

RC_GTEST_PROP(Utf8Prop, EncodedCodePointsDecodeBack, ()) {
  const auto c = *rc::gen::suchThat(rc::gen::inRange<char32_t>(0, 0x110000),
                                    [](char32_t c) { return c < 0xD800 || c > 0xDFFF; });
  const std::string text = Encode(c);
  RC_ASSERT(!FindInvalidUtf8(text).has_value());
  RC_ASSERT(DecodeUtf8(text, 0).code_point == c);
}

}  // namespace
}  // namespace snapsim
