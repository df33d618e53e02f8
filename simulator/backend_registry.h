#pragma once
// The backends snapsim knows, by their command-line names (spec/cli.md).

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "simulator/backend.h"

namespace snapsim::simulator {

struct BackendInfo {
  std::string name;
  std::string description;
  // Why it cannot run on this machine (a program or library is missing), or nullopt.
  std::optional<std::string> unavailable;
};

// Every backend, in a fixed order, with its availability here.
std::vector<BackendInfo> ListBackends();

// A factory for one backend name, checked once: `MakeBackend` then creates a fresh
// instance per scenario. Errors: kInvalidArg for an unknown name (bad input, exit 2),
// kOperationFailed when the backend is not available here (exit 3).
class BackendFactory {
 public:
  static Result<BackendFactory> ForName(std::string_view name);
  const std::string& name() const { return name_; }
  std::unique_ptr<Backend> Make() const;

 private:
  explicit BackendFactory(std::string name) : name_(std::move(name)) {}
  std::string name_;
};

}  // namespace snapsim::simulator
