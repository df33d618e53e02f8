// Tests of the live `qemu` backend against a real qemu-system-x86_64 (TCG). Labelled
// `live`; each one starts at most a few short-lived QEMUs.
#include "simulator/qemu/qemu_backend.h"

#include <dirent.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <optional>
#include <thread>

#include <gtest/gtest.h>

#include "simulator/host/temp_dir.h"

namespace snapsim::simulator {
namespace {

namespace fs = std::filesystem;

scenario::Scenario Live(PowerState state) {
  scenario::Scenario s;
  s.hypervisor = Profile::kQemu;
  s.initial_state = state;
  s.disks = {{"vda", 1 << 20}};
  return s;
}

std::optional<ErrorClass> ErrorOf(const Status& status) {
  if (status.ok()) return std::nullopt;
  return status.error_class();
}

#define SKIP_WITHOUT_QEMU() \
  if (auto reason = QemuBackend::Probe()) GTEST_SKIP() << *reason;

TEST(QemuBackendTest, PowerStepsReachQemuAndQueryStatusShowsThem) {
  SKIP_WITHOUT_QEMU();
  QemuBackend backend;
  backend.Begin(Live(PowerState::kRunning));
  EXPECT_GT(backend.qemu_pid(), 0);
  EXPECT_EQ(backend.Observe().state, PowerState::kRunning);
  EXPECT_TRUE(backend.Perform(scenario::Pause{}).ok());
  EXPECT_EQ(backend.Observe().state, PowerState::kPaused);
  EXPECT_TRUE(backend.Perform(scenario::Pause{}).ok());  // a no-op, as in libvirt (F18)
  EXPECT_EQ(backend.Observe().state, PowerState::kPaused);
  EXPECT_EQ(ErrorOf(backend.Perform(scenario::Start{})), ErrorClass::kOperationInvalid);
  EXPECT_TRUE(backend.Perform(scenario::Shutdown{}).ok());
  EXPECT_EQ(backend.qemu_pid(), -1);
  EXPECT_EQ(backend.Observe().state, PowerState::kShutoff);
  backend.End();
}

TEST(QemuBackendTest, AQemuThatDiesIsABackendFailureNamingTheStep) {
  SKIP_WITHOUT_QEMU();
  QemuBackend backend;
  backend.Begin(Live(PowerState::kRunning));
  const std::string folder = backend.folder();
  ASSERT_EQ(::kill(backend.qemu_pid(), SIGKILL), 0);
  try {
    backend.Perform(scenario::Create{"snap"}).IgnoreError();  // throws
    FAIL() << "a dead QEMU went unnoticed";
  } catch (const BackendFailure& failure) {
    const std::string what = failure.what();
    EXPECT_NE(what.find("step `create snap`"), std::string::npos) << what;
    EXPECT_NE(what.find("killed by signal 9"), std::string::npos) << what;
  }
  backend.End();
  EXPECT_FALSE(fs::exists(folder));
}

TEST(QemuBackendTest, LiveWritesAndMemorySnapshotsLandInTheImages) {
  SKIP_WITHOUT_QEMU();
  QemuBackend backend;
  backend.Begin(Live(PowerState::kRunning));
  ASSERT_TRUE(backend.Perform(scenario::Write{"vda", 4096, 4096, scenario::Fill{0xab}}).ok());
  ASSERT_TRUE(backend.Perform(scenario::Create{"m"}).ok());
  EXPECT_EQ(ErrorOf(backend.Perform(scenario::Create{"n", scenario::MemoryMode::kNo})),
            ErrorClass::kOperationUnsupported);
  // The snapshot is a real qcow2 internal snapshot with a VM state, readable as IMAGE@ID.
  auto disk = backend.SnapshotDisk("m", "vda");
  ASSERT_TRUE(disk.has_value());
  EXPECT_NE(disk->path.find(".qcow2@"), std::string::npos) << disk->path;
  ASSERT_TRUE(backend.Perform(scenario::Write{"vda", 4096, 4096, scenario::Fill{0xcd}}).ok());
  ASSERT_TRUE(backend.Perform(scenario::Revert{"m", false, true}).ok());
  EXPECT_EQ(backend.Observe().state, PowerState::kPaused);
  ASSERT_TRUE(backend.Perform(scenario::Shutdown{}).ok());
  // After quit, qemu-io verifies the pattern the revert restored.
  auto files = backend.CurrentDisks();
  ASSERT_EQ(files.size(), 1u);
  auto check =
      RunProcess({"qemu-io", "-f", "qcow2", "-c", "read -P 0xab 4096 4096", files[0].path});
  ASSERT_TRUE(check.ok());
  EXPECT_TRUE(check->succeeded()) << check->stdout_text << check->stderr_text;
  EXPECT_EQ(check->stdout_text.find("Pattern verification failed"), std::string::npos);
  backend.End();
}

// Every qemu-system process whose command line mentions `needle`.
std::vector<pid_t> QemuProcessesMentioning(const std::string& needle) {
  std::vector<pid_t> found;
  for (const auto& entry : fs::directory_iterator("/proc")) {
    const std::string name = entry.path().filename();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream in(entry.path() / "cmdline", std::ios::binary);
    std::string cmdline((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (cmdline.find("qemu-system") != std::string::npos &&
        cmdline.find(needle) != std::string::npos) {
      found.push_back(std::stoi(name));
    }
  }
  return found;
}

class QemuKillTest : public ::testing::TestWithParam<int> {};

// The real `snapsim run scenarios/qemu --backend qemu`, killed while a QEMU runs: no
// qemu-system process and no temporary folder of that run may remain.
TEST_P(QemuKillTest, KilledMidRunLeavesNoQemuAndNoFolder) {
  SKIP_WITHOUT_QEMU();
  auto tmp = TempDir::Create("snapsim-killtest-");
  ASSERT_TRUE(tmp.ok());
  const pid_t child = ::fork();
  if (child == 0) {
    ::setenv("TMPDIR", tmp->path().c_str(), 1);
    if (::chdir(SNAPSIM_SOURCE_DIR) != 0) ::_exit(126);
    ::execl(SNAPSIM_BINARY, SNAPSIM_BINARY, "run", "scenarios/qemu", "--backend", "qemu", "--quiet",
            static_cast<char*>(nullptr));
    ::_exit(127);
  }
  ASSERT_GT(child, 0);
  // Wait (bounded) until a QEMU of this run is up, so the signal lands mid-scenario.
  bool seen = false;
  for (int i = 0; i < 2000 && !seen; ++i) {
    seen = !QemuProcessesMentioning(tmp->path()).empty();
    if (!seen) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ASSERT_TRUE(seen) << "no QEMU of the run appeared within 10 s";
  ASSERT_EQ(::kill(child, GetParam()), 0);
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == GetParam()) << "status " << status;
  EXPECT_TRUE(QemuProcessesMentioning(tmp->path()).empty());
  std::vector<std::string> left;
  for (const auto& entry : fs::directory_iterator(tmp->path())) left.push_back(entry.path());
  EXPECT_TRUE(left.empty()) << "left behind: " << (left.empty() ? "" : left.front());
}

INSTANTIATE_TEST_SUITE_P(Signals, QemuKillTest, ::testing::Values(SIGTERM, SIGINT),
                         [](const auto& info) {
                           return info.param == SIGTERM ? "Sigterm" : "Sigint";
                         });

}  // namespace
}  // namespace snapsim::simulator
