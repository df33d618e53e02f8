#include "cli/verbs.h"

#include <algorithm>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/exit_code.h"

namespace snapsim::cli {
namespace {

int g_exit_status = kExitOk;
std::string g_command_line;

// Safe unquoted in a POSIX shell: letters, digits and a few punctuation marks.
bool ShellSafe(const std::string& arg) {
  if (arg.empty()) return false;
  for (char c : arg) {
    const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                       std::string_view("@%+=:,./_-").find(c) != std::string_view::npos;
    if (!plain) return false;
  }
  return true;
}

std::string ShellQuote(const std::string& arg) {
  if (ShellSafe(arg)) return arg;
  std::string quoted = "'";
  for (char c : arg) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

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

void SetCommandLine(int argc, const char* const* argv) {
  g_command_line.clear();
  for (int i = 0; i < argc; ++i) {
    if (i > 0) g_command_line += ' ';
    g_command_line += ShellQuote(i == 0 ? std::string("snapsim") : std::string(argv[i]));
  }
}

const std::string& CommandLine() { return g_command_line; }

const char* SnapsimVersion() { return SNAPSIM_VERSION; }
const char* SnapsimCommit() { return SNAPSIM_COMMIT; }

int ExitStatus() { return g_exit_status; }
void SetExitStatus(int status) { g_exit_status = status; }

}  // namespace snapsim::cli
