#include "simulator/vsphere/vcsim_server.h"

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
      *why_not =
          "snapsim was configured without Go and govmomi "
          "(apt-get install golang-go golang-github-vmware-govmomi-dev)";
    }
    return std::nullopt;
  }
  if (::access(built.c_str(), X_OK) != 0) {
    if (why_not)
      *why_not = fmt::format("{} is not built (cmake --build . --target snapsim_vcsim)", built);
    return std::nullopt;
  }
  return built;
}

VcsimServer& VcsimServer::Shared() {
  auto& slot = SharedSlot();
  if (slot && slot->child_.Alive()) return *slot;
  slot.reset();
  std::string why;
  const auto binary = BinaryPath(&why);
  if (!binary) throw BackendFailure("vcsim: " + why);
  auto folder = TempDir::Create("snapsim-vcsim-");
  if (!folder.ok()) throw BackendFailure("vcsim: " + folder.status().message());
  // The user name needs no secrecy but must not collide between runs; the password does.
  slot.reset(new VcsimServer(std::move(*folder), "snapsim-" + RandomHex(4), RandomHex(24)));
  slot->Launch(*binary);
  return *slot;
}

VcsimServer::VcsimServer(TempDir folder, std::string user, std::string password)
    : folder_(std::move(folder)), user_(std::move(user)), password_(std::move(password)) {}

VcsimServer::~VcsimServer() {
  Stop();
  folder_.Remove();
}

void VcsimServer::Launch(const std::string& binary) {
  ChildOptions options;
  options.pipe_stdin = true;
  options.pipe_stdout = true;
  options.log_path = folder_.File("vcsim.log");  // stderr
  options.env = std::vector<std::string>{"TMPDIR=" + folder_.path(), "HOME=" + folder_.path(),
                                         "PATH=/usr/bin:/bin"};
  // SIGTERM, not SIGKILL: the program then removes the folder itself, even when snapsim
  // died of a signal no handler saw (SIGKILL, SIGPIPE).
  options.death_signal = SIGTERM;
  auto child = ChildProcess::Spawn({binary}, options);
  if (!child.ok()) throw BackendFailure("vcsim: " + child.status().message());
  child_ = std::move(*child);
  const nlohmann::json hello = {
      {"user", user_}, {"password", password_}, {"fixup", true}, {"folder", folder_.path()}};
  const std::string line = hello.dump() + "\n";
  if (::write(child_.stdin_fd(), line.data(), line.size()) != static_cast<ssize_t>(line.size())) {
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
    if (left <= 0)
      throw BackendFailure(fmt::format("vcsim gave no answer within {} ms", timeout_ms));
    pollfd p{child_.stdout_fd(), POLLIN, 0};
    const int ready = ::poll(&p, 1, static_cast<int>(left));
    if (ready < 0 && errno == EINTR) continue;
    char buffer[65536];
    const ssize_t n = ready > 0 ? ::read(child_.stdout_fd(), buffer, sizeof buffer) : 0;
    if (ready > 0 && n <= 0) throw BackendFailure("vcsim ended: " + Describe());
    if (n > 0) pending_.append(buffer, static_cast<size_t>(n));
  }
}

nlohmann::json VcsimServer::Call(const nlohmann::json& request) {
  if (child_.stdin_fd() < 0) throw BackendFailure("vcsim is stopped");
  const std::string line = request.dump() + "\n";
  // SIGPIPE is not ours to change: MSG_NOSIGNAL does not apply to pipes, so check first.
  if (!child_.Alive() ||
      ::write(child_.stdin_fd(), line.data(), line.size()) != static_cast<ssize_t>(line.size())) {
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
  // Closing stdin asks for a clean exit (the program removes its datastores).
  child_.Stop(2000);
}

}  // namespace snapsim::simulator
