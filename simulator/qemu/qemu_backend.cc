#include "simulator/qemu/qemu_backend.h"
#include "core/overloaded.h"

#include <filesystem>
#include <fstream>

#include <fmt/format.h>

#include "simulator/api_limits.h"
#include "simulator/host/run_process.h"

namespace snapsim::simulator {
namespace {

constexpr const char* kQemuProgram = "qemu-system-x86_64";

std::string Canonical(const std::string& path) {
  std::error_code ignored;
  auto canonical = std::filesystem::weakly_canonical(path, ignored);
  return canonical.empty() ? path : canonical.string();
}

}  // namespace

QemuBackend::QemuBackend(int64_t job_timeout_ms)
    : QemuImgBackend("snapsim-qemu-"), job_timeout_ms_(job_timeout_ms) {}

QemuBackend::~QemuBackend() { End(); }

std::optional<std::string> QemuBackend::Probe() {
  if (!FindProgram(kQemuProgram)) return fmt::format("{} is not on $PATH", kQemuProgram);
  return QemuImgBackend::Probe();
}

std::optional<std::string> QemuBackend::CannotRun(const scenario::Scenario& scenario) const {
  if (scenario.hypervisor != Profile::kQemu) {
    return fmt::format("qemu implements the qemu profile only, not {}",
                       ProfileName(scenario.hypervisor));
  }
  return StepLibvirtCannotSend(scenario);
}

void QemuBackend::Begin(const scenario::Scenario& scenario) {
  End();
  QemuImgBackend::Begin(scenario);
  if (scenario.initial_state != PowerState::kShutoff) {
    Launch(scenario.initial_state, std::nullopt);
  }
}

void QemuBackend::End() {
  qmp_.Close();
  qemu_.Kill();
  state_ = PowerState::kShutoff;
  recorded_.clear();
  QemuImgBackend::End();
}

Status QemuBackend::Perform(const scenario::Action& action) {
  RequireStarted();
  try {
    RequireAlive();
    Status status = PerformStep(action);
    if (Active()) Flush();
    return status;
  } catch (const BackendFailure& failure) {
    // A QEMU that is dying closes its socket before it can be reaped: give it a moment.
    if (Active() && qemu_.WaitExit(500)) {
      throw BackendFailure(fmt::format("step `{}`: QEMU died ({}); {}",
                                       scenario::ActionLabel(action), DescribeQemu(),
                                       failure.what()));
    }
    throw BackendFailure(
        fmt::format("step `{}`: {}", scenario::ActionLabel(action), failure.what()));
  }
}

Status QemuBackend::PerformStep(const scenario::Action& action) {
  return std::visit(
      Overloaded{
          [&](const scenario::Start&) { return Start(); },
          [&](const scenario::Shutdown&) { return Shutdown(); },
          [&](const scenario::Pause&) { return Pause(); },
          [&](const scenario::Resume&) { return Resume(); },
          [&](const scenario::Write& write) { return Write(write); },
          [&](const scenario::Create& create) {
            const PowerState before = state_;
            Status status = Create(create);
            if (!status.ok()) return status;
            if (!create.no_metadata) recorded_[create.name] = before;  // decision 33
            if (create.halt && Active()) Quit();
            return status;
          },
          [&](const scenario::Delete& del) { return Delete(del); },
          [&](const scenario::Revert& revert) { return Revert(revert); },
          [](const scenario::Expect&) { return NotAnAction(); },
          [&](const scenario::SetCurrent& set_current) { return SetCurrent(set_current); },
      },
      action);
}

Status QemuBackend::Start() {
  if (Active()) return Status::Error(ErrorClass::kOperationInvalid, "domain is already running");
  // libvirt probes each backing chain as it starts the domain and gives up past 200 images
  // (docs/model.md decision 30); QEMU itself would open the chain.
  for (size_t i = 0; i < disks_.size(); ++i) {
    if (ChainDepth(i) > kBackingChainLimit) {
      return Status::Error(ErrorClass::kInternalError,
                           fmt::format("backing store for disk '{}' is self-referential or too "
                                       "deeply nested",
                                       disks_[i].name));
    }
  }
  Launch(PowerState::kRunning, std::nullopt);
  return Status::Ok();
}

Status QemuBackend::Pause() {
  if (!Active()) return Status::Error(ErrorClass::kOperationInvalid, "domain is not running");
  // As libvirt's qemuDomainSuspend: a paused domain stays paused (docs/findings.md F18).
  if (state_ == PowerState::kPaused) return Status::Ok();
  qmp_.Require("stop", nullptr, job_timeout_ms_);
  state_ = PowerState::kPaused;
  return Status::Ok();
}

Status QemuBackend::Resume() {
  if (state_ != PowerState::kPaused) {
    return Status::Error(ErrorClass::kOperationInvalid, "domain is not paused");
  }
  qmp_.Require("cont", nullptr, job_timeout_ms_);
  state_ = PowerState::kRunning;
  return Status::Ok();
}

Status QemuBackend::Shutdown() {
  if (!Active()) return Status::Error(ErrorClass::kOperationInvalid, "domain is not running");
  Quit();
  return Status::Ok();
}

void QemuBackend::Launch(PowerState want, const std::optional<std::string>& loadvm) {
  ProbeChains();  // libvirt probes each disk's backing chain as it starts the domain
  const std::string socket = dir_->File("qmp.sock");
  std::error_code ignored;
  std::filesystem::remove(socket, ignored);
  std::vector<std::string> argv = {
      kQemuProgram,   "-nodefaults", "-no-user-config",
      "-display",     "none",        "-machine",
      "pc,accel=tcg", "-m",          "64",
      "-S",           "-qmp",        fmt::format("unix:{},server=on,wait=off", socket)};
  for (size_t i = 0; i < disks_.size(); ++i) {
    const Json blockdev = {{"driver", "qcow2"},
                           {"node-name", fmt::format("d{}", i)},
                           {"file", {{"driver", "file"}, {"filename", dir_->File(active_[i])}}}};
    argv.insert(argv.end(), {"-blockdev", blockdev.dump(), "-device",
                             fmt::format("virtio-blk-pci,drive=d{},id=vd{},share-rw=on", i, i)});
  }
  if (loadvm) argv.insert(argv.end(), {"-loadvm", *loadvm});
  ChildOptions options;
  options.working_dir = dir_->path();
  options.log_path = dir_->File("qemu.log");
  auto child = ChildProcess::Spawn(argv, options);
  if (!child.ok()) throw BackendFailure("cannot start QEMU: " + child.status().message());
  qemu_ = std::move(*child);
  qmp_.Connect(
      socket, [this] { return qemu_.Alive(); }, job_timeout_ms_);
  state_ = PowerState::kPaused;
  if (want == PowerState::kRunning) {
    qmp_.Require("cont", nullptr, job_timeout_ms_);
    state_ = PowerState::kRunning;
  }
}

void QemuBackend::Quit() {
  try {
    qmp_.Execute("quit", nullptr, job_timeout_ms_);
  } catch (const BackendFailure&) {
    // QEMU may close the socket before its reply arrives; the exit below decides.
  }
  const bool ended = qemu_.WaitExit(job_timeout_ms_);
  qmp_.Close();
  qemu_.Kill();
  state_ = PowerState::kShutoff;
  if (!ended) throw BackendFailure("QEMU did not end after `quit`; killed");
}

void QemuBackend::RequireAlive() const {
  if (!Active()) return;
  if (!const_cast<ChildProcess&>(qemu_).Alive()) {
    throw BackendFailure(fmt::format("QEMU ended unexpectedly ({})", DescribeQemu()));
  }
}

Observation QemuBackend::Observe() {
  Observation observation = QemuImgBackend::Observe();
  if (!Active()) return observation;
  RequireAlive();
  // QEMU's own run state, not our bookkeeping: a guest that stopped by itself shows.
  const Json status = qmp_.Require("query-status", nullptr, job_timeout_ms_);
  observation.state = status.value("running", false) ? PowerState::kRunning : PowerState::kPaused;
  return observation;
}

std::vector<DiskFile> QemuBackend::CurrentDisks() {
  if (Active()) Flush();
  return QemuImgBackend::CurrentDisks();
}

void QemuBackend::Flush() {
  for (const std::string& node : ActiveNodes()) {
    const std::string out = qmp_.Hmp(fmt::format("qemu-io {} \"flush\"", node), job_timeout_ms_);
    if (!out.empty()) throw BackendFailure(fmt::format("qemu-io {} flush: {}", node, out));
  }
}

std::string QemuBackend::NodeFor(const std::string& image) {
  const std::string path = Canonical(dir_->File(image));
  const Json nodes = qmp_.Require("query-named-block-nodes", {{"flat", true}}, job_timeout_ms_);
  for (const Json& node : nodes) {
    if (node.value("drv", "") == "qcow2" && Canonical(node.value("file", "")) == path) {
      return node.value("node-name", "");
    }
  }
  throw BackendFailure(fmt::format("QEMU has no qcow2 node open on {}", image));
}

std::vector<std::string> QemuBackend::ActiveNodes() {
  std::vector<std::string> nodes;
  for (const std::string& image : active_) nodes.push_back(NodeFor(image));
  return nodes;
}

std::string QemuBackend::SnapshotIdIn(const std::string& image, const std::string& name) {
  const std::string path = Canonical(dir_->File(image));
  const Json nodes = qmp_.Require("query-named-block-nodes", {{"flat", true}}, job_timeout_ms_);
  for (const Json& node : nodes) {
    if (node.value("drv", "") != "qcow2" || Canonical(node.value("file", "")) != path) continue;
    std::string id;
    const Json snapshots = node["image"].value("snapshots", Json::array());
    for (const Json& snapshot : snapshots) {
      if (snapshot.value("name", "") == name) id = snapshot.value("id", "");
    }
    if (!id.empty()) return id;
  }
  throw BackendFailure(fmt::format("QEMU lists no snapshot '{}' in {}", name, image));
}

std::string QemuBackend::DescribeQemu() const {
  std::string log;
  if (dir_) {
    std::ifstream in(dir_->File("qemu.log"));
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    for (size_t i = lines.size() > 3 ? lines.size() - 3 : 0; i < lines.size(); ++i) {
      log += (log.empty() ? "" : " | ") + lines[i];
    }
  }
  const std::string end = qemu_.DescribeEnd();
  return log.empty() ? end : fmt::format("{}; log: {}", end, log);
}

}  // namespace snapsim::simulator
