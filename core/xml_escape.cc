#include "core/xml_escape.h"

#include "core/utf8.h"

namespace snapsim {
namespace {

// XML 1.0's Char production, for code points that are already valid UTF-8 (so never a
// surrogate and never above U+10FFFF).
bool IsXmlChar(char32_t c) {
  if (c < 0x20) return c == '\t' || c == '\n' || c == '\r';
  return c != 0xFFFE && c != 0xFFFF;
}

}  // namespace

std::string XmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t offset = 0; offset < text.size();) {
    const Utf8Char c = DecodeUtf8(text, offset);
    if (c.error != Utf8Error::kNone || !IsXmlChar(c.code_point)) {
      out += kReplacementCharacter;
    } else {
      switch (c.code_point) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        case '\'': out += "&apos;"; break;
        case '\r': out += "&#13;"; break;
        default: out.append(text.substr(offset, c.length));
      }
    }
    offset += c.length;
  }
  return out;
}

}  // namespace snapsim
