#pragma once
// --profile and --disk-dir, the options of libvirt:URI backends (`run`, `clean`).

#include <optional>
#include <string>
#include <vector>

#include "simulator/backend_registry.h"

namespace snapsim::cli {

// The options as given, checked: a known profile, an existing folder (made absolute), and
// some backend in `backends` that takes them. With the snapsim program for cleanup guards.
// nullopt after printing the error (exit 2).
std::optional<simulator::BackendOptions> ParseBackendOptions(
    const std::string& profile, const std::string& disk_dir,
    const std::vector<std::string>& backends);

// `options` for backend `name`: all of them when it takes them, else the program only.
simulator::BackendOptions ForBackend(const simulator::BackendOptions& options,
                                     const std::string& name);

}  // namespace snapsim::cli
