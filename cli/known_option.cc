#include "cli/known_option.h"

#include <fmt/format.h>

namespace snapsim::cli {

bool LoadKnownOption(const std::string& path, const std::string& backend,
                     std::vector<simulator::KnownFinding>* known) {
  if (path.empty()) return true;
  auto loaded = simulator::LoadKnownFindings(path, backend);
  if (!loaded.ok()) {
    fmt::print(stderr, "snapsim: error: {}\n", loaded.status().message());
    return false;
  }
  *known = std::move(*loaded);
  return true;
}

}  // namespace snapsim::cli
