#pragma once
#include <string>
#include <string_view>

namespace snapsim {

// Escapes text for XML and HTML attributes and content (reports, libvirt XML).
std::string XmlEscape(std::string_view text);

}  // namespace snapsim
