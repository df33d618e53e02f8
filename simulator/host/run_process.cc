#include "simulator/host/run_process.h"

#include <chrono>
#include <cstring>

#include <fmt/format.h>

#include "simulator/host/child_process.h"

namespace snapsim::simulator {

std::string ProcessResult::DescribeEnd(int64_t timeout_ms) const {
  if (timed_out) return fmt::format("timed out after {} ms", timeout_ms);
  if (signal) return fmt::format("killed by signal {} ({})", *signal, ::strsignal(*signal));
  return fmt::format("exit status {}", exit_status.value_or(-1));
}

Result<ProcessResult> RunProcess(const std::vector<std::string>& argv,
                                 const ProcessOptions& options) {
  ChildOptions child_options;
  child_options.working_dir = options.working_dir;
  child_options.pipe_stdout = true;
  child_options.pipe_stderr = true;
  const auto started = std::chrono::steady_clock::now();
  auto child = ChildProcess::Spawn(argv, child_options);
  if (!child.ok()) return child.status();
  ProcessResult result;
  result.timed_out = child->Drain(options.timeout_ms, &result.stdout_text, &result.stderr_text);
  result.elapsed_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  if (!result.timed_out) {
    result.exit_status = child->exit_status();
    result.signal = child->signal();
  } else {
    result.signal = child->signal();
  }
  return result;
}

std::string FirstLineOf(const std::vector<std::string>& argv) {
  ProcessOptions options;
  options.timeout_ms = 10'000;
  auto result = RunProcess(argv, options);
  if (!result.ok() || !result->succeeded()) return "unknown";
  const std::string& text = result->stdout_text.empty() ? result->stderr_text : result->stdout_text;
  return text.substr(0, text.find('\n'));
}

}  // namespace snapsim::simulator
