#include "simulator/libvirt/libvirt_qemu_backend.h"

#include <fcntl.h>
#include <pwd.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <optional>
#include <utility>

#include <fmt/format.h>

#include "simulator/host/cleanup.h"
#include "simulator/host/process_end.h"
#include "simulator/host/run_process.h"
#include "simulator/libvirt/libvirt_backend.h"
#include "simulator/libvirt/libvirt_qemu_worker.h"
#include "simulator/libvirt/qemu_domain_xml.h"

namespace snapsim::simulator {
namespace {

// The first folder above `path` that other users cannot search, with its mode.
std::optional<std::pair<std::string, unsigned>> FolderOthersCannotEnter(const std::string& path) {
  for (std::filesystem::path folder = std::filesystem::path(path).parent_path();
       !folder.empty() && folder != folder.root_path(); folder = folder.parent_path()) {
    struct stat info;
    if (stat(folder.c_str(), &info) == 0 && (info.st_mode & S_IXOTH) == 0) {
      return std::make_pair(folder.string(), static_cast<unsigned>(info.st_mode & 07777));
    }
  }
  return std::nullopt;
}

using Json = nlohmann::json;

constexpr const char* kQemuDriverModule =
    "/usr/lib/x86_64-linux-gnu/libvirt/connection-driver/libvirt_driver_qemu.so";

std::string DomainName(const scenario::Scenario& scenario) {
  std::string name = "snapsim-";
  for (char c : scenario.name) name += std::isalnum(static_cast<unsigned char>(c)) ? c : '-';
  return name;
}

// True when `pid` is still a QEMU (not a pid reused since).
bool IsQemu(pid_t pid) {
  char comm[64] = {};
  const int fd = open(fmt::format("/proc/{}/comm", pid).c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  const ssize_t n = read(fd, comm, sizeof comm - 1);
  close(fd);
  return n > 0 && std::strncmp(comm, "qemu", 4) == 0;
}

// libvirt probes QEMU's capabilities (about 2 s) in every new root and caches the result
// in ROOT/cache/qemu/capabilities, valid while no libvirt file is newer than the probe. The binary
// and the user are the same for every root this process makes, so the first probe is kept here (a
// folder removed at exit) and copied in.
std::string& CapabilitiesCache() {
  static std::string folder;
  return folder;
}

constexpr const char* kCapabilitiesDir = "cache/qemu/capabilities";

// Copies the kept capabilities into `root`, owned by the worker's user.
void SeedCapabilities(const std::string& root, const LibvirtQemuWorkerSetup& setup) {
  namespace fs = std::filesystem;
  if (CapabilitiesCache().empty()) return;
  std::error_code error;
  fs::create_directories(fs::path(root) / kCapabilitiesDir, error);
  fs::copy(CapabilitiesCache(), fs::path(root) / kCapabilitiesDir,
           fs::copy_options::overwrite_existing, error);
  if (!setup.uid) return;
  for (const char* path : {"cache", "cache/qemu", kCapabilitiesDir}) {
    if (chown((fs::path(root) / path).c_str(), *setup.uid, setup.gid) != 0) return;
  }
  for (const auto& entry : fs::directory_iterator(fs::path(root) / kCapabilitiesDir, error)) {
    if (chown(entry.path().c_str(), *setup.uid, setup.gid) != 0) return;
  }
}

// Keeps `root`'s probed capabilities for the next roots, once.
void KeepCapabilities(const std::string& root) {
  namespace fs = std::filesystem;
  if (!CapabilitiesCache().empty()) return;
  const fs::path probed = fs::path(root) / kCapabilitiesDir;
  std::error_code error;
  if (fs::is_empty(probed, error) || error) return;
  auto dir = TempDir::Create("snapsim-lvq-caps-");
  if (!dir.ok()) return;
  static std::optional<TempDir> kept;  // removed at exit with the process
  kept.emplace(std::move(*dir));
  fs::copy(probed, kept->path(), error);
  if (error || !cleanup::RegisterFolder(kept->path())) return;
  CapabilitiesCache() = kept->path();
}

// The guard: blocks until every write end of its pipe is closed (End(), or snapsim dying
// in any way), then kills each process whose command line mentions `root` (libvirt's
// QEMU: its monitor socket and pid file live there) and removes `root`.
[[noreturn]] void RunGuard(int read_fd, const std::string& root) {
  AwaitEndOfFile(read_fd);
  const std::string needle = root + "/";
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator("/proc", error)) {
    const std::string name = entry.path().filename();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    const int fd = open((entry.path() / "cmdline").c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) continue;
    std::string cmdline(8192, '\0');
    const ssize_t n = read(fd, cmdline.data(), cmdline.size());
    close(fd);
    if (n > 0 && cmdline.find(needle) != std::string::npos) kill(std::stoi(name), SIGKILL);
  }
  cleanup::RemoveTree(root.c_str());
  _exit(0);
}

}  // namespace

LibvirtQemuBackend::LibvirtQemuBackend(int64_t request_timeout_ms)
    : request_timeout_ms_(request_timeout_ms) {}

LibvirtQemuBackend::~LibvirtQemuBackend() { End(); }

std::optional<std::string> LibvirtQemuBackend::Probe() {
  for (const char* program : {"qemu-system-x86_64", "qemu-img", "qemu-io"}) {
    if (!FindProgram(program)) return fmt::format("{} is not on $PATH", program);
  }
  if (access(kQemuDriverModule, R_OK) != 0) {
    return fmt::format(
        "libvirt's QEMU driver ({}) is not installed "
        "(package libvirt-daemon-driver-qemu)",
        kQemuDriverModule);
  }
  if (geteuid() == 0 && getpwnam("nobody") == nullptr) {
    return std::string("running as root needs the user `nobody` to run libvirt's driver as");
  }
  return std::nullopt;
}

std::optional<std::string> LibvirtQemuBackend::CannotRun(const scenario::Scenario& scenario) const {
  if (scenario.hypervisor != Profile::kQemu) {
    return fmt::format("libvirt-qemu implements the qemu profile only, not {}",
                       ProfileName(scenario.hypervisor));
  }
  if (scenario.disks.size() > 26) return std::string("more than 26 disks (vda..vdz)");
  return StepLibvirtCannotSend(scenario);
}

void LibvirtQemuBackend::StartWorker() {
  auto dir = TempDir::Create("snapsim-lvq-");
  if (!dir.ok())
    throw BackendFailure("cannot make a folder for libvirt: " + dir.status().message());
  dir_.emplace(std::move(*dir));
  LibvirtQemuWorkerSetup setup{dir_->path(), std::nullopt, 0, getpid()};
  if (geteuid() == 0) {
    // libvirt's embedded driver as root wants a `libvirt-qemu` user; as nobody it needs none.
    const passwd* nobody = getpwnam("nobody");
    if (nobody == nullptr) throw BackendFailure("no user `nobody` to run libvirt's driver as");
    setup.uid = nobody->pw_uid;
    setup.gid = nobody->pw_gid;
    if (chown(dir_->path().c_str(), nobody->pw_uid, nobody->pw_gid) != 0) {
      throw BackendFailure(fmt::format("chown {}: {}", dir_->path(), strerror(errno)));
    }
    if (auto closed = FolderOthersCannotEnter(dir_->path())) {
      throw BackendFailure(fmt::format(
          "as root, libvirt's driver runs as the user nobody, who cannot enter {} (mode {:04o}); "
          "set TMPDIR to a folder every user may enter, such as /tmp",
          closed->first, closed->second));
    }
  }
  SeedCapabilities(dir_->path(), setup);
  int guard[2];
  if (pipe2(guard, O_CLOEXEC) != 0) throw BackendFailure(fmt::format("pipe: {}", strerror(errno)));
  guard_fd_ = guard[1];
  ChildOptions guard_options;
  guard_options.keep_fds = {guard[0]};  // and not the write end: only snapsim holds that
  guard_options.outlives_snapsim = true;
  const std::string root = dir_->path();
  auto guard_child = ChildProcess::Fork([&] { RunGuard(guard[0], root); }, guard_options);
  close(guard[0]);
  if (!guard_child.ok())
    throw BackendFailure("libvirt-qemu guard: " + guard_child.status().message());
  guard_ = std::move(*guard_child);

  int fds[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0) {
    throw BackendFailure(fmt::format("socketpair: {}", strerror(errno)));
  }
  fd_ = fds[0];
  ChildOptions worker_options;
  worker_options.log_path = dir_->File("worker.log");
  worker_options.keep_fds = {fds[1]};  // not fds[0]: the worker sees end of file when we go
  auto worker = ChildProcess::Fork([&] { RunLibvirtQemuWorker(fds[1], setup); }, worker_options);
  close(fds[1]);
  if (!worker.ok()) throw BackendFailure("libvirt-qemu worker: " + worker.status().message());
  worker_ = std::move(*worker);
  std::optional<Json> hello = ReceiveJsonLine(fd_, buffer_, request_timeout_ms_);
  if (!hello) throw BackendFailure("libvirt-qemu worker ended before it was ready");
  if (!hello->value("ok", false)) {
    throw BackendFailure("libvirt-qemu worker: " + hello->value("failure", std::string("?")));
  }
  // Kept now, as probed when the connection opened: libvirt probes again whenever one of
  // its modules (libvirt_storage_file_fs.so, loaded at the first domain start) is newer
  // than the probe, so a later copy would be stale for the next worker's open.
  KeepCapabilities(dir_->path());
}

void LibvirtQemuBackend::Begin(const scenario::Scenario& scenario) {
  End();
  StartWorker();
  const QemuDomainDisks layout = LayOutQemuDisks(scenario, dir_->File("disks"));
  targets_ = layout.targets;
  Json disks = Json::array();
  for (const QemuDiskImage& image : layout.images) {
    disks.push_back({{"file", image.file}, {"size", image.size_bytes}});
  }
  Call({{"op", "begin"},
        {"domain", DomainName(scenario)},
        {"xml", QemuDomainXml(DomainName(scenario), layout.xml)},
        {"disks", disks},
        {"state", scenario.initial_state == PowerState::kShutoff  ? "shutoff"
                  : scenario.initial_state == PowerState::kPaused ? "paused"
                                                                  : "running"}});
}

void LibvirtQemuBackend::End() {
  if (fd_ >= 0) {
    try {
      Call({{"op", "end"}});
    } catch (const BackendFailure&) {
      // The worker is killed below; QEMU too if libvirt could not destroy it.
    }
    close(fd_);
    fd_ = -1;
  }
  if (worker_.started() && !worker_.WaitExit(10'000)) worker_.Kill();
  worker_.Kill();
  if (qemu_pid_ > 0) {
    if (IsQemu(qemu_pid_)) kill(qemu_pid_, SIGKILL);  // normally gone: libvirt destroyed it
    cleanup::ForgetPid(qemu_pid_);
    qemu_pid_ = 0;
  }
  if (dir_) dir_->Remove();
  if (guard_fd_ >= 0) close(guard_fd_);  // the guard finds nothing left and exits
  guard_fd_ = -1;
  if (guard_.started() && !guard_.WaitExit(10'000)) guard_.Kill();
  guard_.Kill();
  dir_.reset();
  buffer_.clear();
  targets_.clear();
  next_overlay_ = 1;
}

}  // namespace snapsim::simulator
