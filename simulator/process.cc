#include "simulator/process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>

#include <fmt/format.h>

namespace snapsim::simulator {
namespace {

// A file descriptor closed when it goes out of scope.
class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() { Close(); }
  int get() const { return fd_; }
  void Close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }
  void Reset(int fd) {
    Close();
    fd_ = fd;
  }

 private:
  int fd_ = -1;
};

bool MakePipe(Fd& read_end, Fd& write_end) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return false;
  read_end.Reset(fds[0]);
  write_end.Reset(fds[1]);
  return true;
}

bool IsExecutableFile(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(path.c_str(), X_OK) == 0;
}

// In the child, between fork and exec: only async-signal-safe calls. Reports errno on
// `error_fd` (closed by a successful exec) and exits 127 on failure.
[[noreturn]] void ExecChild(const char* path, char* const* argv, const char* working_dir,
                            int null_fd, int out_fd, int err_fd, int error_fd) {
  int failed_errno = 0;
  if (working_dir != nullptr && ::chdir(working_dir) != 0) failed_errno = errno;
  if (failed_errno == 0 && (::dup2(null_fd, 0) < 0 || ::dup2(out_fd, 1) < 0 ||
                            ::dup2(err_fd, 2) < 0)) {
    failed_errno = errno;
  }
  if (failed_errno == 0) {
    // Keep error_fd (close-on-exec) so a failed exec can still report.
    ::close_range(3, error_fd - 1, 0);
    ::close_range(error_fd + 1, ~0U, 0);
    ::execv(path, argv);
    failed_errno = errno;
  }
  ssize_t ignored = ::write(error_fd, &failed_errno, sizeof failed_errno);
  (void)ignored;
  ::_exit(127);
}

// Reads both pipes until they close or the deadline passes; kills the child on timeout.
void Drain(pid_t pid, int out_fd, int err_fd, int64_t timeout_ms, ProcessResult& result) {
  using Clock = std::chrono::steady_clock;
  const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  struct pollfd fds[2] = {{out_fd, POLLIN, 0}, {err_fd, POLLIN, 0}};
  std::string* sinks[2] = {&result.stdout_text, &result.stderr_text};
  int open_count = 2;
  char buffer[65536];
  while (open_count > 0) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0 && !result.timed_out) {
      result.timed_out = true;
      ::kill(pid, SIGKILL);
    }
    const int wait_ms = result.timed_out ? 1000 : static_cast<int>(std::min<int64_t>(left.count(), 1 << 30));
    const int ready = ::poll(fds, 2, wait_ms);
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0) break;
    if (ready == 0 && result.timed_out) break;  // a grandchild holds the pipe: give up
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      const ssize_t n = ::read(fds[i].fd, buffer, sizeof buffer);
      if (n > 0) {
        sinks[i]->append(buffer, static_cast<size_t>(n));
      } else if (n == 0 || errno != EINTR) {
        fds[i].fd = -1;  // poll ignores negative descriptors
        --open_count;
      }
    }
  }
}

}  // namespace

std::string ProcessResult::DescribeEnd(int64_t timeout_ms) const {
  if (timed_out) return fmt::format("timed out after {} ms", timeout_ms);
  if (signal) return fmt::format("killed by signal {} ({})", *signal, ::strsignal(*signal));
  return fmt::format("exit status {}", exit_status.value_or(-1));
}

std::optional<std::string> FindProgram(const std::string& program) {
  if (program.empty()) return std::nullopt;
  if (program.find('/') != std::string::npos) {
    return IsExecutableFile(program) ? std::optional(program) : std::nullopt;
  }
  const char* path_env = std::getenv("PATH");
  const std::string path = path_env != nullptr ? path_env : "/usr/local/bin:/usr/bin:/bin";
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find(':', start);
    if (end == std::string::npos) end = path.size();
    const std::string dir = end == start ? "." : path.substr(start, end - start);
    const std::string candidate = dir + "/" + program;
    if (IsExecutableFile(candidate)) return candidate;
    start = end + 1;
  }
  return std::nullopt;
}

Result<ProcessResult> RunProcess(const std::vector<std::string>& argv,
                                 const ProcessOptions& options) {
  if (argv.empty()) return Status::Error(ErrorClass::kOperationFailed, "empty command line");
  const auto path = FindProgram(argv[0]);
  if (!path) {
    return Status::Error(ErrorClass::kOperationFailed,
                         fmt::format("program '{}' not found on PATH", argv[0]));
  }
  // Everything the child needs is prepared before fork: the child may not allocate.
  std::vector<char*> child_argv;
  for (const std::string& arg : argv) child_argv.push_back(const_cast<char*>(arg.c_str()));
  child_argv.push_back(nullptr);
  const char* working_dir = options.working_dir.empty() ? nullptr : options.working_dir.c_str();

  Fd null_fd(::open("/dev/null", O_RDONLY | O_CLOEXEC));
  Fd out_read, out_write, err_read, err_write, exec_read, exec_write;
  if (null_fd.get() < 0 || !MakePipe(out_read, out_write) || !MakePipe(err_read, err_write) ||
      !MakePipe(exec_read, exec_write)) {
    return Status::Error(ErrorClass::kOperationFailed,
                         fmt::format("cannot set up pipes for {}: {}", argv[0], std::strerror(errno)));
  }
  const auto started = std::chrono::steady_clock::now();
  const pid_t pid = ::fork();
  if (pid < 0) {
    return Status::Error(ErrorClass::kOperationFailed,
                         fmt::format("cannot fork for {}: {}", argv[0], std::strerror(errno)));
  }
  if (pid == 0) {
    ExecChild(path->c_str(), child_argv.data(), working_dir, null_fd.get(), out_write.get(),
              err_write.get(), exec_write.get());
  }
  out_write.Close();
  err_write.Close();
  exec_write.Close();

  int exec_errno = 0;
  ssize_t n;
  do {
    n = ::read(exec_read.get(), &exec_errno, sizeof exec_errno);
  } while (n < 0 && errno == EINTR);

  ProcessResult result;
  Drain(pid, out_read.get(), err_read.get(), options.timeout_ms, result);
  int wait_status = 0;
  while (::waitpid(pid, &wait_status, 0) < 0 && errno == EINTR) {
  }
  result.elapsed_ms = std::chrono::duration<double, std::milli>(
                          std::chrono::steady_clock::now() - started).count();
  if (n == static_cast<ssize_t>(sizeof exec_errno)) {
    return Status::Error(ErrorClass::kOperationFailed,
                         fmt::format("cannot run {}: {}", *path, std::strerror(exec_errno)));
  }
  if (WIFEXITED(wait_status)) result.exit_status = WEXITSTATUS(wait_status);
  if (WIFSIGNALED(wait_status)) result.signal = WTERMSIG(wait_status);
  return result;
}

std::string CommandLine(const std::vector<std::string>& argv) {
  std::string line;
  for (const std::string& arg : argv) {
    if (!line.empty()) line += ' ';
    const bool plain = !arg.empty() && arg.find_first_of(" \t\n'\"\\$`*?") == std::string::npos;
    if (plain) {
      line += arg;
      continue;
    }
    line += '\'';
    for (char c : arg) line += c == '\'' ? std::string("'\\''") : std::string(1, c);
    line += '\'';
  }
  return line;
}

}  // namespace snapsim::simulator
