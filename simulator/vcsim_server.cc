#include "simulator/vcsim_server.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <vector>

#include <fmt/format.h>

#include "simulator/backend.h"
#include "simulator/cleanup.h"

namespace snapsim::simulator {
namespace {

constexpr int kStartTimeoutMs = 30'000;
constexpr int kCallTimeoutMs = 20'000;

// `bytes` random bytes from /dev/urandom as hex: secrets must not come from a seeded
// stream (that is for reproducible data, and these never appear in any report).
std::string RandomHex(size_t bytes) {
  std::ifstream in("/dev/urandom", std::ios::binary);
  std::vector<unsigned char> raw(bytes);
  if (!in.read(reinterpret_cast<char*>(raw.data()), static_cast<std::streamsize>(bytes))) {
    throw BackendFailure("cannot read /dev/urandom for the vcsim password");
  }
  std::string hex;
  for (unsigned char c : raw) hex += fmt::format("{:02x}", c);
  return hex;
}

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

std::string Tail(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  std::string out;
  for (size_t i = lines.size() > 3 ? lines.size() - 3 : 0; i < lines.size(); ++i) {
    out += (out.empty() ? "" : " | ") + lines[i];
  }
  return out;
}

std::unique_ptr<VcsimServer>& SharedSlot() {
  static std::unique_ptr<VcsimServer> server;
  return server;
}

}  // namespace

std::optional<std::string> VcsimServer::BinaryPath(std::string* why_not) {
  if (const char* env = std::getenv("SNAPSIM_VCSIM"); env != nullptr && *env != '\0') {
    if (::access(env, X_OK) == 0) return std::string(env);
    if (why_not) *why_not = fmt::format("$SNAPSIM_VCSIM={} is not an executable", env);
    return std::nullopt;
  }
  const std::string built = SNAPSIM_VCSIM_PATH;
  if (built.empty()) {
    if (why_not) {
      *why_not = "snapsim was configured without Go and govmomi "
                 "(apt-get install golang-go golang-github-vmware-govmomi-dev)";
    }
    return std::nullopt;
  }
  if (::access(built.c_str(), X_OK) != 0) {
    if (why_not) *why_not = fmt::format("{} is not built (cmake --build . --target snapsim_vcsim)", built);
    return std::nullopt;
  }
  return built;
}

VcsimServer& VcsimServer::Shared() {
  auto& slot = SharedSlot();
  if (slot && ::kill(slot->pid_, 0) == 0) return *slot;
  slot.reset();
  std::string why;
  const auto binary = BinaryPath(&why);
  if (!binary) throw BackendFailure("vcsim: " + why);
  auto folder = TempDir::Create("snapsim-vcsim-");
  if (!folder.ok()) throw BackendFailure("vcsim: " + folder.status().message());
  cleanup::RegisterFolder(folder->path());
  // The user name needs no secrecy but must not collide between runs; the password does.
  slot.reset(new VcsimServer(std::move(*folder), "snapsim-" + RandomHex(4), RandomHex(24)));
  slot->Launch(*binary);
  return *slot;
}

VcsimServer::VcsimServer(TempDir folder, std::string user, std::string password)
    : folder_(std::move(folder)), user_(std::move(user)), password_(std::move(password)) {}

VcsimServer::~VcsimServer() {
  Stop();
  cleanup::ForgetFolder(folder_.path());
  folder_.Remove();
}

void VcsimServer::Launch(const std::string& binary) {
  int in_pipe[2], out_pipe[2];
  if (::pipe2(in_pipe, O_CLOEXEC) != 0 || ::pipe2(out_pipe, O_CLOEXEC) != 0) {
    throw BackendFailure(fmt::format("vcsim: pipe: {}", std::strerror(errno)));
  }
  const std::string log_path = folder_.File("vcsim.log");
  const int log_fd = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  // The environment is built before fork: the child may only make async-signal-safe calls.
  std::vector<std::string> env_strings = {"TMPDIR=" + folder_.path(), "HOME=" + folder_.path(),
                                          "PATH=/usr/bin:/bin"};
  std::vector<char*> envp;
  for (auto& e : env_strings) envp.push_back(e.data());
  envp.push_back(nullptr);
  std::vector<char*> argv = {const_cast<char*>(binary.c_str()), nullptr};
  cleanup::Install();
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid == 0) {
    // SIGTERM, not SIGKILL: the program then removes the folder itself, even when
    // snapsim died of a signal no handler saw (SIGKILL, SIGPIPE).
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (::getppid() != parent) ::_exit(127);
    ::setpgid(0, 0);  // a terminal's Ctrl-C goes to snapsim, which stops us itself
    ::dup2(in_pipe[0], 0);
    ::dup2(out_pipe[1], 1);
    if (log_fd >= 0) ::dup2(log_fd, 2);
    ::execve(argv[0], argv.data(), envp.data());
    ::_exit(127);
  }
  ::close(in_pipe[0]);
  ::close(out_pipe[1]);
  if (log_fd >= 0) ::close(log_fd);
  if (pid < 0) {
    ::close(in_pipe[1]);
    ::close(out_pipe[0]);
    throw BackendFailure(fmt::format("vcsim: fork: {}", std::strerror(errno)));
  }
  pid_ = pid;
  to_child_ = in_pipe[1];
  from_child_ = out_pipe[0];
  if (!cleanup::RegisterPid(pid)) {
    Stop();
    throw BackendFailure("vcsim: too many child processes registered for cleanup");
  }
  const nlohmann::json hello = {{"user", user_}, {"password", password_}, {"fixup", true},
                                     {"folder", folder_.path()}};
  const std::string line = hello.dump() + "\n";
  if (::write(to_child_, line.data(), line.size()) != static_cast<ssize_t>(line.size())) {
    throw BackendFailure("vcsim: cannot send the credentials: " + Describe());
  }
  const auto ready = nlohmann::json::parse(ReadLine(kStartTimeoutMs), nullptr, false);
  if (!ready.is_object() || !ready.value("ok", false)) {
    throw BackendFailure("vcsim did not start: " + Describe());
  }
  port_ = ready.value("port", 0);
  fixup_port_ = ready.value("fixup_port", 0);
}

std::string VcsimServer::ReadLine(int timeout_ms) {
  const int64_t deadline = NowMs() + timeout_ms;
  for (;;) {
    if (size_t nl = pending_.find('\n'); nl != std::string::npos) {
      std::string line = pending_.substr(0, nl);
      pending_.erase(0, nl + 1);
      return line;
    }
    const int64_t left = deadline - NowMs();
    if (left <= 0) throw BackendFailure(fmt::format("vcsim gave no answer within {} ms", timeout_ms));
    pollfd p{from_child_, POLLIN, 0};
    const int ready = ::poll(&p, 1, static_cast<int>(left));
    if (ready < 0 && errno == EINTR) continue;
    char buffer[65536];
    const ssize_t n = ready > 0 ? ::read(from_child_, buffer, sizeof buffer) : 0;
    if (ready > 0 && n <= 0) throw BackendFailure("vcsim ended: " + Describe());
    if (n > 0) pending_.append(buffer, static_cast<size_t>(n));
  }
}

nlohmann::json VcsimServer::Call(const nlohmann::json& request) {
  if (to_child_ < 0) throw BackendFailure("vcsim is stopped");
  const std::string line = request.dump() + "\n";
  // SIGPIPE is not ours to change: MSG_NOSIGNAL does not apply to pipes, so check first.
  if (::kill(pid_, 0) != 0 ||
      ::write(to_child_, line.data(), line.size()) != static_cast<ssize_t>(line.size())) {
    throw BackendFailure("vcsim ended: " + Describe());
  }
  auto answer = nlohmann::json::parse(ReadLine(kCallTimeoutMs), nullptr, false);
  if (!answer.is_object()) throw BackendFailure("vcsim answered something that is not JSON");
  return answer;
}

std::string VcsimServer::Describe() const {
  const std::string tail = Tail(folder_.File("vcsim.log"));
  return tail.empty() ? "no log output" : "log: " + tail;
}

void VcsimServer::Stop() {
  if (to_child_ >= 0) ::close(to_child_);
  to_child_ = -1;
  if (pid_ > 0) {
    // Closing stdin asks for a clean exit (the program removes its datastores).
    int status = 0;
    pid_t done = 0;
    for (int i = 0; i < 200 && (done = ::waitpid(pid_, &status, WNOHANG)) == 0; ++i) {
      ::usleep(10'000);
    }
    if (done == 0) {
      ::kill(pid_, SIGKILL);
      while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
      }
    }
    cleanup::ForgetPid(pid_);
    pid_ = -1;
  }
  if (from_child_ >= 0) ::close(from_child_);
  from_child_ = -1;
}

}  // namespace snapsim::simulator
