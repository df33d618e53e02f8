#include "simulator/host/process_end.h"

#include <signal.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <string>

#include <fmt/format.h>

namespace snapsim::simulator {

bool ProcessAlive(pid_t pid) {
  if (::kill(pid, 0) != 0 && errno == ESRCH) return false;
  std::ifstream stat(fmt::format("/proc/{}/stat", pid));
  std::string line;
  if (!std::getline(stat, line)) return true;  // no /proc: kill() said it is there
  const size_t after_name = line.rfind(')');   // "PID (COMM) STATE ..."
  return after_name == std::string::npos || after_name + 2 >= line.size() ||
         line[after_name + 2] != 'Z';
}

void AwaitEndOfFile(int fd) {
  for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGQUIT}) ::signal(sig, SIG_IGN);
  char byte;
  for (;;) {
    const ssize_t n = ::read(fd, &byte, 1);
    if (n == 0 || (n < 0 && errno != EINTR)) break;
  }
}

void AwaitEndOf(int fd, pid_t pid, int64_t timeout_ms) {
  AwaitEndOfFile(fd);
  const timespec pause{0, 20'000'000};
  for (int64_t waited_ms = 0; ProcessAlive(pid) && waited_ms < timeout_ms; waited_ms += 20) {
    ::nanosleep(&pause, nullptr);
  }
}

}  // namespace snapsim::simulator
