#include "simulator/host/child_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>

#include <fmt/format.h>

#include "simulator/host/cleanup.h"
#include "simulator/host/find_program.h"

namespace snapsim::simulator {
namespace {

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

Status Failed(std::string what) { return Status::Failure(Fault::kBackendFailure, std::move(what)); }

void CloseFd(int& fd) {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

// Both ends of a close-on-exec pipe, or false.
bool MakePipe(int (&fds)[2]) { return ::pipe2(fds, O_CLOEXEC) == 0; }

// Everything the child does between fork and exec (or the body): async-signal-safe calls
// only, all inputs prepared by the parent.
struct ChildPlan {
  pid_t parent = 0;
  int death_signal = SIGKILL;
  const char* working_dir = nullptr;
  int stdin_fd = -1, stdout_fd = -1, stderr_fd = -1;  // dup2'ed to 0, 1, 2
  int error_fd = -1;                                  // reports a failed exec's errno
  const std::vector<int>* keep_fds = nullptr;         // sorted, all > 2, error_fd among them
};

// Closes every descriptor from 3 up except those in `keep` (sorted, all > 2).
void CloseAllBut(const std::vector<int>& keep) {
  unsigned next = 3;
  for (int fd : keep) {
    if (static_cast<unsigned>(fd) > next) ::close_range(next, static_cast<unsigned>(fd) - 1, 0);
    next = static_cast<unsigned>(fd) + 1;
  }
  ::close_range(next, ~0U, 0);
}

[[noreturn]] void ReportAndExit(int error_fd, int failed_errno) {
  if (error_fd >= 0) {
    const ssize_t ignored = ::write(error_fd, &failed_errno, sizeof failed_errno);
    (void)ignored;
  }
  ::_exit(127);
}

// The common setup; returns only when it succeeded.
void SetUpChild(const ChildPlan& plan) {
  if (plan.death_signal != 0) {
    ::prctl(PR_SET_PDEATHSIG, plan.death_signal);
    if (::getppid() != plan.parent) ::_exit(127);  // the parent died before prctl
  }
  ::setpgid(0, 0);
  // The parent's handlers would run the parent's cleanup from this process.
  for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE}) ::signal(sig, SIG_DFL);
  if (plan.working_dir != nullptr && ::chdir(plan.working_dir) != 0) {
    ReportAndExit(plan.error_fd, errno);
  }
  if (::dup2(plan.stdin_fd, 0) < 0 || ::dup2(plan.stdout_fd, 1) < 0 ||
      ::dup2(plan.stderr_fd, 2) < 0) {
    ReportAndExit(plan.error_fd, errno);
  }
  for (int fd : *plan.keep_fds) {
    if (fd == plan.error_fd) continue;  // close-on-exec: a successful exec closes it
    const int flags = ::fcntl(fd, F_GETFD);
    if (flags < 0 || ::fcntl(fd, F_SETFD, flags & ~FD_CLOEXEC) < 0) {
      ReportAndExit(plan.error_fd, errno);
    }
  }
  CloseAllBut(*plan.keep_fds);
}

}  // namespace

Result<ChildProcess> ChildProcess::Spawn(const std::vector<std::string>& argv,
                                         const ChildOptions& options) {
  return Start(&argv, nullptr, options);
}

Result<ChildProcess> ChildProcess::Fork(const std::function<void()>& body,
                                        const ChildOptions& options) {
  return Start(nullptr, &body, options);
}

Result<ChildProcess> ChildProcess::Start(const std::vector<std::string>* argv,
                                         const std::function<void()>* body,
                                         const ChildOptions& options) {
  std::string path;
  std::vector<char*> child_argv, child_env;
  if (argv != nullptr) {
    if (argv->empty()) return Failed("empty command line");
    const auto found = FindProgram(argv->front());
    if (!found) return Failed(fmt::format("program '{}' not found on PATH", argv->front()));
    path = *found;
    for (const std::string& arg : *argv) child_argv.push_back(const_cast<char*>(arg.c_str()));
    child_argv.push_back(nullptr);
    if (options.env) {
      for (const std::string& e : *options.env) child_env.push_back(const_cast<char*>(e.c_str()));
      child_env.push_back(nullptr);
    }
  }

  // Every descriptor below is closed when this function leaves, except those handed over.
  struct Fds {
    int null = -1, log = -1, in[2] = {-1, -1}, out[2] = {-1, -1}, err[2] = {-1, -1},
        exec[2] = {-1, -1};
    ~Fds() {
      for (int* fd :
           {&null, &log, &in[0], &in[1], &out[0], &out[1], &err[0], &err[1], &exec[0], &exec[1]}) {
        CloseFd(*fd);
      }
    }
  } fds;
  const std::string name = argv != nullptr ? argv->front() : std::string("worker");
  fds.null = ::open("/dev/null", O_RDWR | O_CLOEXEC);
  if (!options.log_path.empty()) {
    fds.log = ::open(options.log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (fds.log < 0) {
      return Failed(fmt::format("cannot open {}: {}", options.log_path, std::strerror(errno)));
    }
  }
  if (fds.null < 0 || (options.pipe_stdin && !MakePipe(fds.in)) ||
      (options.pipe_stdout && !MakePipe(fds.out)) || (options.pipe_stderr && !MakePipe(fds.err)) ||
      (argv != nullptr && !MakePipe(fds.exec))) {
    return Failed(fmt::format("cannot set up pipes for {}: {}", name, std::strerror(errno)));
  }
  const int sink = fds.log >= 0 ? fds.log : fds.null;
  std::vector<int> keep = options.keep_fds;
  if (fds.exec[1] >= 0) keep.push_back(fds.exec[1]);
  std::sort(keep.begin(), keep.end());
  keep.erase(std::remove_if(keep.begin(), keep.end(), [](int fd) { return fd <= 2; }), keep.end());
  keep.erase(std::unique(keep.begin(), keep.end()), keep.end());
  ChildPlan plan;
  plan.parent = ::getpid();
  plan.death_signal = options.outlives_snapsim ? 0 : options.death_signal;
  plan.working_dir = options.working_dir.empty() ? nullptr : options.working_dir.c_str();
  plan.stdin_fd = options.pipe_stdin ? fds.in[0] : fds.null;
  plan.stdout_fd = options.pipe_stdout ? fds.out[1] : sink;
  plan.stderr_fd = options.pipe_stderr ? fds.err[1] : sink;
  plan.error_fd = fds.exec[1];
  plan.keep_fds = &keep;

  cleanup::Install();
  const pid_t pid = ::fork();
  if (pid < 0) return Failed(fmt::format("cannot fork for {}: {}", name, std::strerror(errno)));
  if (pid == 0) {
    SetUpChild(plan);
    if (body != nullptr) {
      (*body)();
      ::_exit(1);
    }
    if (options.env) {
      ::execve(path.c_str(), child_argv.data(), child_env.data());
    } else {
      ::execv(path.c_str(), child_argv.data());
    }
    ReportAndExit(plan.error_fd, errno);
  }
  ChildProcess child;
  child.pid_ = pid;
  if (!options.outlives_snapsim && !cleanup::RegisterPid(pid)) {
    child.Kill();
    return Failed("too many child processes registered for cleanup");
  }
  if (argv != nullptr) {
    CloseFd(fds.exec[1]);
    int exec_errno = 0;
    ssize_t n;
    do {
      n = ::read(fds.exec[0], &exec_errno, sizeof exec_errno);
    } while (n < 0 && errno == EINTR);
    if (n == static_cast<ssize_t>(sizeof exec_errno)) {
      child.Kill();
      return Failed(fmt::format("cannot run {}: {}", path, std::strerror(exec_errno)));
    }
  }
  std::swap(child.stdin_fd_, fds.in[1]);
  std::swap(child.stdout_fd_, fds.out[0]);
  std::swap(child.stderr_fd_, fds.err[0]);
  return child;
}

ChildProcess::ChildProcess(ChildProcess&& other) noexcept { *this = std::move(other); }

ChildProcess& ChildProcess::operator=(ChildProcess&& other) noexcept {
  if (this != &other) {
    Kill();
    std::swap(pid_, other.pid_);
    std::swap(wait_status_, other.wait_status_);
    std::swap(stdin_fd_, other.stdin_fd_);
    std::swap(stdout_fd_, other.stdout_fd_);
    std::swap(stderr_fd_, other.stderr_fd_);
  }
  return *this;
}

void ChildProcess::Reaped(int wait_status) {
  cleanup::ForgetPid(pid_);  // nothing when it was never registered
  wait_status_ = wait_status;
}

bool ChildProcess::Alive() {
  if (pid_ <= 0 || wait_status_) return false;
  int status = 0;
  const pid_t done = ::waitpid(pid_, &status, WNOHANG);
  if (done == pid_) Reaped(status);
  if (done < 0 && errno == ECHILD) Reaped(0);  // someone else reaped it
  return !wait_status_.has_value();
}

bool ChildProcess::WaitExit(int64_t timeout_ms) {
  if (!Alive()) return true;
  const int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, pid_, 0));
  const int64_t deadline = NowMs() + timeout_ms;
  while (Alive()) {
    const int64_t left = deadline - NowMs();
    if (left <= 0) break;
    if (pidfd >= 0) {
      pollfd p{pidfd, POLLIN, 0};
      ::poll(&p, 1, static_cast<int>(std::min<int64_t>(left, 1 << 30)));
    } else {
      // Kernels before 5.3 have no pidfd: look again shortly.
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }
  if (pidfd >= 0) ::close(pidfd);
  return !Alive();
}

void ChildProcess::Stop(int64_t grace_ms) {
  CloseStdin();
  if (pid_ > 0 && !WaitExit(grace_ms)) Kill();
  Kill();
}

void ChildProcess::Kill() {
  if (pid_ > 0 && !wait_status_) {
    ::kill(pid_, SIGKILL);
    int status = 0;
    pid_t done;
    while ((done = ::waitpid(pid_, &status, 0)) < 0 && errno == EINTR) {
    }
    Reaped(done == pid_ ? status : 0);
  }
  pid_ = -1;  // the end stays known (exit_status, signal); the pid is no longer ours
  ClosePipes();
}

void ChildProcess::CloseStdin() { CloseFd(stdin_fd_); }

void ChildProcess::ClosePipes() {
  CloseFd(stdin_fd_);
  CloseFd(stdout_fd_);
  CloseFd(stderr_fd_);
}

bool ChildProcess::Drain(int64_t timeout_ms, std::string* out, std::string* err) {
  const int64_t deadline = NowMs() + timeout_ms;
  struct pollfd fds[2] = {{stdout_fd_, POLLIN, 0}, {stderr_fd_, POLLIN, 0}};
  std::string* sinks[2] = {out, err};
  int open_count = (stdout_fd_ >= 0) + (stderr_fd_ >= 0);
  bool timed_out = false;
  char buffer[65536];
  while (open_count > 0) {
    const int64_t left = deadline - NowMs();
    if (left <= 0 && !timed_out) {
      timed_out = true;
      ::kill(pid_, SIGKILL);
    }
    const int wait_ms = timed_out ? 1000 : static_cast<int>(std::min<int64_t>(left, 1 << 30));
    const int ready = ::poll(fds, 2, wait_ms);
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0) break;
    if (ready == 0 && timed_out) break;  // a grandchild holds the pipe: give up
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
  if (!WaitExit(timed_out ? 0 : std::max<int64_t>(deadline - NowMs(), 0))) timed_out = true;
  Kill();
  return timed_out;
}

std::optional<int> ChildProcess::exit_status() const {
  if (!wait_status_ || !WIFEXITED(*wait_status_)) return std::nullopt;
  return WEXITSTATUS(*wait_status_);
}

std::optional<int> ChildProcess::signal() const {
  if (!wait_status_ || !WIFSIGNALED(*wait_status_)) return std::nullopt;
  return WTERMSIG(*wait_status_);
}

std::string ChildProcess::DescribeEnd() const {
  if (const auto sig = signal())
    return fmt::format("killed by signal {} ({})", *sig, ::strsignal(*sig));
  if (const auto status = exit_status()) return fmt::format("exit status {}", *status);
  return wait_status_ ? "ended" : "still running";
}

void ReArmDeathSignal(int signal, pid_t parent) {
  ::prctl(PR_SET_PDEATHSIG, signal);
  if (::getppid() != parent) ::_exit(1);
}

}  // namespace snapsim::simulator
