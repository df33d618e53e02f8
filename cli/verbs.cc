#include "cli/verbs.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "core/exit_code.h"

namespace snapsim::cli {
namespace {

int g_exit_status = kExitOk;

std::vector<std::pair<int, RegisterFn>>& Registry() {
  static std::vector<std::pair<int, RegisterFn>> registry;
  return registry;
}

}  // namespace

VerbRegistrar::VerbRegistrar(int order, RegisterFn fn) { Registry().emplace_back(order, fn); }

void RegisterVerbs(CLI::App& app) {
  auto& registry = Registry();
  std::stable_sort(registry.begin(), registry.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  for (const auto& [order, fn] : registry) fn(app);
}

int ExitStatus() { return g_exit_status; }
void SetExitStatus(int status) { g_exit_status = status; }

}  // namespace snapsim::cli
