// A disk view that no longer reads is data the backend lost: a divergence naming the
// disk and the file, never a backend failure.
#include "simulator/disk_bytes_check.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "simulator/host/find_program.h"
#include "simulator/host/temp_dir.h"
#include "simulator/model_backend.h"

namespace snapsim::simulator {
namespace {

// The model, whose current disk is a file the test names.
class FileBackedModel : public BackendWrapper {
 public:
  explicit FileBackedModel(std::string path) : BackendWrapper(&model_), path_(std::move(path)) {}
  bool HasDiskBytes() const override { return true; }
  std::vector<DiskFile> CurrentDisks() override { return {{"vda", path_, "qcow2"}}; }
  const model::Model& model() const { return model_.model(); }

 private:
  ModelBackend model_;
  std::string path_;
};

TEST(DiskBytesCheck, AnOverlayWhoseBackingFileIsGoneIsADivergenceNotAFailure) {
  if (!FindProgram("qemu-img")) GTEST_SKIP() << "qemu-img is not on $PATH";
  auto dir = TempDir::Create("snapsim-lost-");
  ASSERT_TRUE(dir.ok());
  const std::string base = dir->File("base.qcow2"), top = dir->File("top.qcow2");
  ASSERT_EQ(std::system(fmt::format("qemu-img create -q -f qcow2 {} 1M && qemu-img create -q "
                                    "-f qcow2 -b {} -F qcow2 {}",
                                    base, base, top)
                            .c_str()),
            0);
  std::filesystem::remove(base);
  FileBackedModel backend(top);
  scenario::Scenario s;
  s.hypervisor = Profile::kQemu;
  s.disks = {{"vda", 1 << 20}};
  backend.Begin(s);
  std::vector<Difference> differences;
  ASSERT_NO_THROW(differences = CompareDiskBytes(backend, backend.model()));
  ASSERT_EQ(differences.size(), 1u);
  EXPECT_EQ(differences[0].subject, "disk vda now");
  EXPECT_NE(differences[0].backend.find("cannot be read"), std::string::npos);
  EXPECT_NE(differences[0].backend.find("base.qcow2"), std::string::npos) << differences[0].backend;
  EXPECT_EQ(differences[0].backend.find(dir->path()), std::string::npos)
      << "the temporary folder stays out of reports: " << differences[0].backend;
  backend.End();
}

}  // namespace
}  // namespace snapsim::simulator
