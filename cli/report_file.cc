#include "cli/report_file.h"

#include <fstream>

#include <fmt/format.h>

namespace snapsim::cli {

bool WriteFile(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  out.close();
  if (!out) {
    fmt::print(stderr, "snapsim: error: cannot write {}\n", path);
    return false;
  }
  return true;
}

}  // namespace snapsim::cli
