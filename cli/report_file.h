#pragma once
// Writing a report file, for every verb that writes one.

#include <string>

namespace snapsim::cli {

// Writes `text` to `path`; false after printing why it could not.
bool WriteFile(const std::string& path, const std::string& text);

}  // namespace snapsim::cli
