#include "simulator/qemu_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>

#include <fmt/format.h>

#include "simulator/backend.h"
#include "simulator/cleanup.h"
#include "simulator/process.h"
#include "simulator/qmp_client.h"

namespace snapsim::simulator {
namespace {

std::string LastLines(const std::string& path, size_t max_lines) {
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  std::string out;
  for (size_t i = lines.size() > max_lines ? lines.size() - max_lines : 0; i < lines.size(); ++i) {
    out += (out.empty() ? "" : " | ") + lines[i];
  }
  return out;
}

}  // namespace

void QemuProcess::Launch(const std::vector<std::string>& argv, const std::string& working_dir,
                         const std::string& log_path) {
  Kill();
  if (argv.empty()) throw BackendFailure("QemuProcess::Launch with an empty argv");
  const auto path = FindProgram(argv[0]);
  if (!path) throw BackendFailure(fmt::format("{} not found on $PATH", argv[0]));
  const int log_fd = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  const int null_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (log_fd < 0 || null_fd < 0) {
    if (log_fd >= 0) ::close(log_fd);
    if (null_fd >= 0) ::close(null_fd);
    throw BackendFailure(fmt::format("cannot open {}: {}", log_path, std::strerror(errno)));
  }
  std::vector<char*> args;
  for (const auto& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  cleanup::Install();
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid == 0) {
    // Child: async-signal-safe calls only. Die with the thread that started us.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(127);
    // A terminal's Ctrl-C goes to snapsim, which then kills us itself.
    ::setpgid(0, 0);
    ::dup2(null_fd, 0);
    ::dup2(log_fd, 1);
    ::dup2(log_fd, 2);
    if (::chdir(working_dir.c_str()) != 0) ::_exit(127);
    ::execv(path->c_str(), args.data());
    ::_exit(127);
  }
  ::close(log_fd);
  ::close(null_fd);
  if (pid < 0) throw BackendFailure(fmt::format("fork: {}", std::strerror(errno)));
  pid_ = pid;
  wait_status_.reset();
  log_path_ = log_path;
  if (!cleanup::RegisterPid(pid)) {
    Kill();
    throw BackendFailure("too many child processes registered for cleanup");
  }
}

void QemuProcess::Reaped(int wait_status) {
  cleanup::ForgetPid(pid_);
  wait_status_ = wait_status;
}

bool QemuProcess::Alive() {
  if (pid_ <= 0 || wait_status_) return false;
  int status = 0;
  const pid_t done = ::waitpid(pid_, &status, WNOHANG);
  if (done == pid_) Reaped(status);
  return !wait_status_.has_value();
}

bool QemuProcess::WaitExit(int64_t timeout_ms) {
  if (!Alive()) return true;
  const int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, pid_, 0));
  const int64_t deadline = MonotonicMs() + timeout_ms;
  while (Alive()) {
    const int64_t left = deadline - MonotonicMs();
    if (left <= 0) break;
    if (pidfd >= 0) {
      pollfd p{pidfd, POLLIN, 0};
      ::poll(&p, 1, static_cast<int>(left));
    } else {
      // Kernels before 5.3 have no pidfd: look again shortly.
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }
  if (pidfd >= 0) ::close(pidfd);
  return !Alive();
}

void QemuProcess::Kill() {
  if (pid_ <= 0) return;
  if (!wait_status_) {
    ::kill(pid_, SIGKILL);
    int status = 0;
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
    Reaped(status);
  }
  pid_ = -1;
}

std::string QemuProcess::Describe() const {
  std::string end = "still running";
  if (wait_status_) {
    end = WIFEXITED(*wait_status_) ? fmt::format("exit status {}", WEXITSTATUS(*wait_status_))
          : WIFSIGNALED(*wait_status_) ? fmt::format("killed by signal {}", WTERMSIG(*wait_status_))
                                       : "ended";
  }
  const std::string log = log_path_.empty() ? std::string() : LastLines(log_path_, 3);
  return log.empty() ? end : fmt::format("{}; log: {}", end, log);
}

}  // namespace snapsim::simulator
