#pragma once
#include <string>
#include <string_view>

namespace snapsim {

// Escapes text for XML and HTML attributes and content (reports, libvirt XML). The result
// is always well-formed XML 1.0 character data: invalid UTF-8 (core/utf8.h) and characters
// XML 1.0 does not allow (control characters other than tab, newline and carriage return;
// U+FFFE, U+FFFF) become U+FFFD; a carriage return is written as &#13; so it survives.
std::string XmlEscape(std::string_view text);

}  // namespace snapsim
