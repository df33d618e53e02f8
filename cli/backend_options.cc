#include "cli/backend_options.h"

#include <cstdio>
#include <filesystem>

#include <fmt/format.h>

#include "simulator/host/find_program.h"

namespace snapsim::cli {

std::optional<simulator::BackendOptions> ParseBackendOptions(
    const std::string& profile, const std::string& disk_dir,
    const std::vector<std::string>& backends) {
  simulator::BackendOptions options;
  options.snapsim_program = simulator::OwnProgramPath();
  if (!profile.empty()) {
    options.profile = ParseProfile(profile);
    if (!options.profile) {
      fmt::print(stderr,
                 "snapsim: error: --profile: unknown profile '{}' (esx, qemu, vbox, test)\n",
                 profile);
      return std::nullopt;
    }
  }
  if (!disk_dir.empty()) {
    std::error_code error;
    if (!std::filesystem::is_directory(disk_dir, error)) {
      fmt::print(stderr, "snapsim: error: --disk-dir: {} is not a folder\n", disk_dir);
      return std::nullopt;
    }
    options.disk_dir = std::filesystem::absolute(disk_dir, error).lexically_normal().string();
    while (options.disk_dir.size() > 1 && options.disk_dir.back() == '/') {
      options.disk_dir.pop_back();
    }
  }
  if (options.empty()) return options;
  for (const std::string& name : backends) {
    if (simulator::BackendTakesOptions(name)) return options;
  }
  fmt::print(stderr,
             "snapsim: error: --profile and --disk-dir apply to libvirt:URI backends only\n");
  return std::nullopt;
}

simulator::BackendOptions ForBackend(const simulator::BackendOptions& options,
                                     const std::string& name) {
  if (simulator::BackendTakesOptions(name)) return options;
  simulator::BackendOptions program_only;
  program_only.snapsim_program = options.snapsim_program;
  return program_only;
}

}  // namespace snapsim::cli
