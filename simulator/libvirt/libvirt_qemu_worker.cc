#include "simulator/libvirt/libvirt_qemu_worker.h"

#include <grp.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include <fmt/format.h>

#include "simulator/backend.h"
#include "simulator/host/child_process.h"
#include "simulator/host/orphan_reaper.h"
#include "simulator/libvirt/libvirt_qemu_session.h"

namespace snapsim::simulator {
namespace {

using Json = nlohmann::json;

// What qemu.conf says for every run: the domain's stdout goes to a plain file (no
// virtlogd), and nothing needs privileges the worker has dropped.
constexpr const char* kQemuConf =
    "stdio_handler = \"file\"\n"
    "namespaces = [ ]\n"
    "cgroup_controllers = [ ]\n"
    "security_driver = \"none\"\n";

std::optional<std::string> Prepare(const LibvirtQemuWorkerSetup& setup) {
  signal(SIGPIPE, SIG_IGN);  // (ChildProcess reset the parent's other handlers)  // a parent that
                             // is gone shows as a failed write
  if (setup.uid) {
    if (setgroups(0, nullptr) != 0 || setgid(setup.gid) != 0 || setuid(*setup.uid) != 0) {
      return fmt::format("cannot drop privileges to uid {}: {}", *setup.uid, strerror(errno));
    }
    // A change of user clears the parent-death signal: without it, a SIGKILLed snapsim
    // would leave this worker (and its QEMU) alive forever.
    ReArmDeathSignal(SIGKILL, setup.parent);
  }
  for (const char* sub : {"etc", "home", "run-user", "disks"}) {
    std::error_code error;
    std::filesystem::create_directories(setup.root + "/" + sub, error);
    if (error) return fmt::format("cannot create {}/{}: {}", setup.root, sub, error.message());
  }
  chmod((setup.root + "/run-user").c_str(), 0700);
  std::ofstream conf(setup.root + "/etc/qemu.conf", std::ios::trunc);
  conf << kQemuConf;
  if (!conf.flush()) return "cannot write " + setup.root + "/etc/qemu.conf";
  setenv("HOME", (setup.root + "/home").c_str(), 1);
  setenv("XDG_RUNTIME_DIR", (setup.root + "/run-user").c_str(), 1);
  setenv("XDG_CONFIG_HOME", (setup.root + "/home/.config").c_str(), 1);
  setenv("XDG_CACHE_HOME", (setup.root + "/home/.cache").c_str(), 1);
  unsetenv("LIBVIRT_DEFAULT_URI");
  return std::nullopt;
}

}  // namespace

bool SendJsonLine(int fd, const Json& value) {
  const std::string line = value.dump(-1, ' ', false, Json::error_handler_t::replace) + "\n";
  size_t done = 0;
  while (done < line.size()) {
    // send, not write: a peer that is gone is an error here, never a SIGPIPE.
    const ssize_t n = send(fd, line.data() + done, line.size() - done, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

std::optional<Json> ReceiveJsonLine(int fd, std::string& buffer, int64_t timeout_ms) {
  for (;;) {
    const size_t newline = buffer.find('\n');
    if (newline != std::string::npos) {
      const std::string line = buffer.substr(0, newline);
      buffer.erase(0, newline + 1);
      Json value = Json::parse(line, nullptr, false);
      if (value.is_discarded()) return std::nullopt;
      return value;
    }
    pollfd p{fd, POLLIN, 0};
    const int ready = poll(&p, 1, static_cast<int>(timeout_ms));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) return std::nullopt;
    char chunk[4096];
    const ssize_t n = read(fd, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return std::nullopt;
    buffer.append(chunk, static_cast<size_t>(n));
  }
}

void RunLibvirtQemuWorker(int fd, const LibvirtQemuWorkerSetup& setup) {
  if (auto failure = Prepare(setup)) {
    SendJsonLine(fd, {{"ok", false}, {"failure", *failure}});
    _exit(1);
  }
  if (auto failure = StartOrphanReaper(setup.root)) {
    SendJsonLine(fd, {{"ok", false}, {"failure", *failure}});
    _exit(1);
  }
  LibvirtQemuSession session(setup.root);
  if (auto failure = session.Open()) {
    SendJsonLine(fd, {{"ok", false}, {"failure", *failure}});
    _exit(1);
  }
  SendJsonLine(fd, {{"ok", true}});
  std::string buffer;
  for (;;) {
    // No timeout: the parent decides how long a step may take, and kills this process.
    std::optional<Json> request = ReceiveJsonLine(fd, buffer, -1);
    if (!request) break;  // the parent is gone: remove the domain anyway
    Json reply;
    try {
      reply = session.Handle(*request);
    } catch (const std::exception& error) {
      reply = {{"ok", false}, {"failure", error.what()}};
    }
    reply["qemu_pid"] = session.QemuPid();
    if (!SendJsonLine(fd, reply)) break;
    if (request->value("op", "") == "end") _exit(0);
  }
  session.Close();
  _exit(0);
}

}  // namespace snapsim::simulator
