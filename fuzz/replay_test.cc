// Every seed of the fuzz corpus and every saved crash, run through its target in the
// ordinary build: each must finish (with a result or an error) in bounded time. Under
// -DSNAPSIM_SANITIZE=ON, ASan and UBSan check each run too.
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>

#include <gtest/gtest.h>

#include "fuzz/harness.h"

namespace snapsim::fuzz {
namespace {

namespace fs = std::filesystem;

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// Runs every file under SNAPSIM_FUZZ_DIR/`kind`/TARGET/; returns how many ran.
size_t ReplayAll(const std::string& kind) {
  size_t count = 0;
  for (const std::string& target : TargetNames()) {
    const fs::path folder = fs::path(SNAPSIM_FUZZ_DIR) / kind / target;
    if (!fs::is_directory(folder)) continue;
    for (const auto& entry : fs::directory_iterator(folder)) {
      if (!entry.is_regular_file() || entry.path().filename().string().starts_with(".")) continue;
      const auto start = std::chrono::steady_clock::now();
      EXPECT_TRUE(RunTarget(target, ReadFile(entry.path())));
      const auto took = std::chrono::steady_clock::now() - start;
      EXPECT_LT(took, std::chrono::seconds(10)) << entry.path();
      ++count;
    }
  }
  return count;
}

TEST(FuzzReplay, SeedCorpusRunsClean) { EXPECT_GT(ReplayAll("corpus"), 0u); }

TEST(FuzzReplay, SavedCrashesRunClean) { ReplayAll("regressions"); }

TEST(FuzzReplay, PackedFilesRoundTrip) {
  const std::vector<PackedFile> files = {{"top.qcow2", "abc"}, {"base.raw", std::string(300, 'x')}};
  const auto back = UnpackFiles(PackFiles(files));
  ASSERT_EQ(back.size(), 2u);
  EXPECT_EQ(back[1].name, "base.raw");
  EXPECT_EQ(back[1].bytes.size(), 300u);
  EXPECT_EQ(UnpackFiles(PackFiles({{"../x", "y"}}))[0].name, ".._x");
}

}  // namespace
}  // namespace snapsim::fuzz
