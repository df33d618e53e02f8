#include "core/xml_escape.h"

#include <gtest/gtest.h>

#include <string>

#include "core/utf8.h"

namespace snapsim {
namespace {

const std::string kR(kReplacementCharacter);

TEST(XmlEscapeTest, EscapesMarkup) {
  EXPECT_EQ(XmlEscape("<a href=\"x\">&'</a>"), "&lt;a href=&quot;x&quot;&gt;&amp;&apos;&lt;/a&gt;");
  EXPECT_EQ(XmlEscape("tab\tnew\nline\r"), "tab\tnew\nline&#13;");
}

TEST(XmlEscapeTest, ReplacesWhatXml10CannotHold) {
  EXPECT_EQ(XmlEscape("a\x01"
                      "b\x1F"),
            "a" + kR + "b" + kR);
  EXPECT_EQ(XmlEscape("\xEF\xBF\xBE\xEF\xBF\xBF"), kR + kR);  // U+FFFE, U+FFFF
  EXPECT_EQ(XmlEscape("snap\xFFshot.yaml"), "snap" + kR + "shot.yaml");
  EXPECT_EQ(XmlEscape("\xED\xA0\x80"), kR + kR + kR);  // a surrogate, byte by byte
}

TEST(XmlEscapeTest, KeepsValidText) {
  EXPECT_EQ(XmlEscape("caf\xC3\xA9 \xF0\x9F\x93\xB8 \x7F"), "caf\xC3\xA9 \xF0\x9F\x93\xB8 \x7F");
}

}  // namespace
}  // namespace snapsim
