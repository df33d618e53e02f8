#pragma once
#include <string>
#include <string_view>

namespace snapsim::reports {

// Escapes text for XML and HTML attributes and content.
std::string XmlEscape(std::string_view text);

}  // namespace snapsim::reports
