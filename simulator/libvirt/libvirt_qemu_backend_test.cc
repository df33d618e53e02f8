// Tests of the live `libvirt-qemu` backend: libvirt 9.0's QEMU driver (embedded) with a
// real QEMU (TCG). Labelled `live`; each test starts one worker and a few QEMUs.
#include "simulator/libvirt/libvirt_qemu_backend.h"

#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "merge/image.h"
#include "simulator/host/temp_dir.h"
#include "simulator/libvirt/libvirt_qemu_session.h"

namespace snapsim::simulator {
namespace {

namespace fs = std::filesystem;

#define SKIP_WITHOUT_LIBVIRT_QEMU() \
  if (auto reason = LibvirtQemuBackend::Probe()) GTEST_SKIP() << *reason;

scenario::Scenario Live(PowerState state) {
  scenario::Scenario s;
  s.name = "libvirt-qemu-test";
  s.hypervisor = Profile::kQemu;
  s.initial_state = state;
  s.disks = {{"vda", 1 << 20}};
  return s;
}

// The first byte of each 4 KiB block at `offsets`, as the merge engine reads `file`.
std::vector<int> BytesAt(const DiskFile& file, std::vector<uint64_t> offsets) {
  auto image = merge::Image::Open(file.path);
  EXPECT_TRUE(image.ok()) << file.path << ": " << image.status().message();
  std::vector<int> bytes;
  if (!image.ok()) return bytes;
  for (uint64_t offset : offsets) {
    uint8_t block[4096];
    EXPECT_TRUE((*image)->Read(offset, block).ok());
    for (uint8_t b : block) EXPECT_EQ(b, block[0]) << file.path << " at " << offset;
    bytes.push_back(block[0]);
  }
  return bytes;
}

scenario::Write Fill(uint64_t offset, uint8_t byte) {
  return scenario::Write{"vda", offset, 4096, scenario::Fill{byte}};
}

// True while `pid` runs (a zombie nobody reaped yet counts as gone: QEMU is daemonized by
// libvirt, so its parent is init, which may reap late).
bool Alive(pid_t pid) {
  if (pid <= 0 || kill(pid, 0) != 0) return false;
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const size_t paren = text.rfind(')');
  return paren == std::string::npos || text.substr(paren + 2, 1) != "Z";
}

TEST(LibvirtQemuXmlTest, DiskSourcesAreTheTopImagesNotTheirBackingStores) {
  const std::string xml =
      "<domain><devices><disk type='file' device='disk'><source file='/r/vda.2.qcow2'/>"
      "<backingStore type='file'><source file='/r/vda.qcow2'/></backingStore>"
      "<target dev='vda' bus='virtio'/></disk><disk type='file'><source file=\"/r/vdb.qcow2\"/>"
      "<target dev=\"vdb\"/></disk></devices></domain>";
  const auto sources = DiskSourcesInXml(xml);
  ASSERT_EQ(sources.size(), 2u);
  EXPECT_EQ(sources.at("vda"), "/r/vda.2.qcow2");
  EXPECT_EQ(sources.at("vdb"), "/r/vdb.qcow2");
}

// Internal with memory, revert, external disk-only and its deletion (libvirt's
// block-commit and pivot), all on a running domain, with the bytes read from the files
// libvirt uses; then End() leaves no QEMU, no worker and no folder.
TEST(LibvirtQemuBackendTest, RunningCreateRevertDeleteKeepTheBytesAndEndLeavesNothing) {
  SKIP_WITHOUT_LIBVIRT_QEMU();
  LibvirtQemuBackend backend;
  backend.Begin(Live(PowerState::kRunning));
  const std::string root = backend.root();
  const pid_t worker = backend.worker_pid();
  EXPECT_TRUE(Alive(backend.qemu_pid()));
  if (geteuid() == 0) {
    struct stat st {};
    ASSERT_EQ(stat(root.c_str(), &st), 0);
    EXPECT_NE(st.st_uid, 0u) << "the driver must not run as root";
  }
  auto ok = [&](const scenario::Action& action) {
    const Status status = backend.Perform(action);
    EXPECT_TRUE(status.ok()) << scenario::ActionName(action) << ": " << status.message();
    return status.ok();
  };
  // External first (libvirt 9.0 deletes an external snapshot only below no internal one).
  ASSERT_TRUE(ok(Fill(0, 0xAA)));
  scenario::Create external{"E"};
  external.disk_only = true;
  ASSERT_TRUE(ok(external));
  const std::string overlay = backend.CurrentDisks().at(0).path;
  EXPECT_EQ(overlay, root + "/disks/vda.1.qcow2");
  ASSERT_TRUE(ok(Fill(4096, 0xCC)));
  ASSERT_TRUE(ok(scenario::Delete{"E"}));
  const DiskFile after = backend.CurrentDisks().at(0);
  EXPECT_EQ(after.path, root + "/disks/vda.qcow2") << "the overlay was committed and pivoted";
  EXPECT_FALSE(fs::exists(overlay));
  EXPECT_EQ(BytesAt(after, {0, 4096}), (std::vector<int>{0xAA, 0xCC}));
  EXPECT_EQ(backend.Observe().forest, scenario::Tree());

  // Internal with memory, then a revert: libvirt restarts QEMU with -loadvm.
  ASSERT_TRUE(ok(scenario::Create{"A"}));
  ASSERT_TRUE(ok(Fill(0, 0xBB)));
  EXPECT_EQ(BytesAt(backend.CurrentDisks().at(0), {0}), std::vector<int>{0xBB});
  auto at_a = backend.SnapshotDisk("A", "vda");
  ASSERT_TRUE(at_a.has_value());
  EXPECT_EQ(at_a->path, root + "/disks/vda.qcow2@A");
  EXPECT_EQ(BytesAt(*at_a, {0, 4096}), (std::vector<int>{0xAA, 0xCC}));
  const pid_t before_revert = backend.qemu_pid();
  ASSERT_TRUE(ok(scenario::Revert{"A"}));
  EXPECT_NE(backend.qemu_pid(), before_revert) << "libvirt 9.0 restarts QEMU on revert";
  EXPECT_FALSE(Alive(before_revert));
  const Observation seen = backend.Observe();
  EXPECT_EQ(seen.state, PowerState::kRunning);
  EXPECT_EQ(seen.current, std::optional<std::string>("A"));
  EXPECT_EQ(BytesAt(backend.CurrentDisks().at(0), {0, 4096}), (std::vector<int>{0xAA, 0xCC}));

  const pid_t qemu = backend.qemu_pid();
  backend.End();
  EXPECT_FALSE(Alive(qemu));
  EXPECT_FALSE(fs::exists(root));
  EXPECT_EQ(waitpid(worker, nullptr, WNOHANG), -1) << "the worker was reaped";
}

// Shut off: writes go through qemu-io on the image, libvirt's errors keep their class, and
// a paused domain is seen as paused.
TEST(LibvirtQemuBackendTest, OfflineStepsAndLibvirtErrorsKeepTheirClass) {
  SKIP_WITHOUT_LIBVIRT_QEMU();
  LibvirtQemuBackend backend;
  backend.Begin(Live(PowerState::kShutoff));
  EXPECT_EQ(backend.qemu_pid(), 0);
  ASSERT_TRUE(backend.Perform(Fill(8192, 0x5A)).ok());
  ASSERT_TRUE(backend.Perform(scenario::Create{"off"}).ok());
  const Status dup = backend.Perform(scenario::Create{"off"});
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.error_class(), ErrorClass::kOperationFailed) << dup.message();
  const Status missing = backend.Perform(scenario::Delete{"nosuch"});
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error_class(), ErrorClass::kNoDomainSnapshot) << missing.message();
  EXPECT_EQ(BytesAt(backend.CurrentDisks().at(0), {8192}), std::vector<int>{0x5A});
  ASSERT_TRUE(backend.Perform(scenario::Start{}).ok());
  ASSERT_TRUE(backend.Perform(scenario::Pause{}).ok());
  EXPECT_EQ(backend.Observe().state, PowerState::kPaused);
  EXPECT_TRUE(Alive(backend.qemu_pid()));
  backend.End();
}

// The pids of `pid`'s children now (Linux lists them per thread).
std::vector<pid_t> ChildrenOf(pid_t pid) {
  std::vector<pid_t> children;
  std::error_code error;
  for (const auto& task : fs::directory_iterator(fmt::format("/proc/{}/task", pid), error)) {
    std::ifstream in(task.path() / "children");
    for (pid_t child; in >> child;) children.push_back(child);
  }
  return children;
}

// snapsim killed by `signal` while libvirt's QEMU runs: the worker (running as nobody when
// snapsim is root, which clears the parent-death signal), every QEMU and the run's folders
// are gone. SIGKILL leaves no handler to run: the worker's re-armed death signal and the
// guard process do it.
void KillMidRunLeavesNothing(int signal) {
  auto tmp = TempDir::Create("snapsim-kt-");
  ASSERT_TRUE(tmp.ok());
  chmod(tmp->path().c_str(), 0755);  // the worker runs as nobody and must reach its folder
  const pid_t child = fork();
  if (child == 0) {
    setenv("TMPDIR", tmp->path().c_str(), 1);
    if (chdir(SNAPSIM_SOURCE_DIR) != 0) _exit(126);
    execl(SNAPSIM_BINARY, SNAPSIM_BINARY, "run", "scenarios/qemu", "--backend", "libvirt-qemu",
          "--quiet", static_cast<char*>(nullptr));
    _exit(127);
  }
  ASSERT_GT(child, 0);
  // Wait (bounded) until a QEMU of this run is up: libvirt writes its pid file then.
  auto qemu_of_run = [&] {
    std::error_code error;
    for (const auto& dir : fs::directory_iterator(tmp->path(), error)) {
      for (const auto& f : fs::directory_iterator(dir.path() / "run/qemu", error)) {
        if (f.path().extension() == ".pid" && f.path().filename() != "driver.pid") {
          std::ifstream in(f.path());
          pid_t pid = 0;
          if (in >> pid && Alive(pid)) return pid;
        }
      }
    }
    return pid_t{0};
  };
  pid_t qemu = 0;
  for (int i = 0; i < 3000 && qemu == 0; ++i) {
    qemu = qemu_of_run();
    if (qemu == 0) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_NE(qemu, 0) << "no QEMU of the run appeared within 30 s";
  const std::vector<pid_t> helpers = ChildrenOf(child);  // the worker and the guard
  ASSERT_GE(helpers.size(), 2u);
  ASSERT_EQ(kill(child, signal), 0);
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == signal) << "status " << status;
  // The guard finishes after snapsim is gone: give it a bounded moment.
  auto left_over = [&] {
    std::vector<std::string> left;
    for (const auto& entry : fs::directory_iterator(tmp->path())) left.push_back(entry.path());
    for (pid_t helper : helpers) {
      if (Alive(helper)) left.push_back(fmt::format("process {}", helper));
    }
    if (Alive(qemu)) left.push_back(fmt::format("QEMU {}", qemu));
    return left;
  };
  for (int i = 0; i < 1500 && !left_over().empty(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  const std::vector<std::string> left = left_over();
  EXPECT_TRUE(left.empty()) << "left behind: " << (left.empty() ? "" : left.front());
}

TEST(LibvirtQemuBackendTest, SnapsimTerminatedMidRunLeavesNoQemuNoWorkerAndNoFolder) {
  SKIP_WITHOUT_LIBVIRT_QEMU();
  KillMidRunLeavesNothing(SIGTERM);
}

TEST(LibvirtQemuBackendTest, SnapsimKilledMidRunLeavesNoQemuNoWorkerAndNoFolder) {
  SKIP_WITHOUT_LIBVIRT_QEMU();
  KillMidRunLeavesNothing(SIGKILL);
}

// As root, libvirt's driver runs as nobody, who cannot enter a private TMPDIR: a clear
// backend failure that says so, never a SIGPIPE.
TEST(LibvirtQemuBackendTest, APrivateTmpdirAsRootIsAClearBackendFailure) {
  SKIP_WITHOUT_LIBVIRT_QEMU();
  if (geteuid() != 0) GTEST_SKIP() << "only root's driver runs as another user";
  auto tmp = TempDir::Create("snapsim-private-");
  ASSERT_TRUE(tmp.ok());
  chmod(tmp->path().c_str(), 0700);
  const char* saved = getenv("TMPDIR");
  const std::string previous = saved ? saved : "";
  setenv("TMPDIR", tmp->path().c_str(), 1);
  LibvirtQemuBackend backend;
  std::string message;
  try {
    backend.Begin(Live(PowerState::kShutoff));
  } catch (const BackendFailure& failure) {
    message = failure.what();
  }
  if (saved)
    setenv("TMPDIR", previous.c_str(), 1);
  else
    unsetenv("TMPDIR");
  backend.End();
  EXPECT_NE(message.find("TMPDIR"), std::string::npos) << message;
  EXPECT_NE(message.find(tmp->path()), std::string::npos) << message;
}

}  // namespace
}  // namespace snapsim::simulator
