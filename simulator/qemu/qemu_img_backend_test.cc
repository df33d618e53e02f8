// The qemu-img backend on real qcow2 files: every byte check reads the image back with
// `qemu-img convert -O raw` and compares it with bytes computed here from the fills and
// core/seeded_stream.h.
#include "simulator/qemu/qemu_img_backend.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "core/seeded_stream.h"
#include "simulator/observation.h"

namespace snapsim::simulator {
namespace {

constexpr uint64_t kDiskBytes = 4ull << 20;
constexpr uint64_t kMiB = 1ull << 20;

using scenario::Create;
using scenario::Delete;
using scenario::Fill;
using scenario::Revert;
using scenario::Seed;

scenario::Scenario Offline(std::vector<std::string> disks = {"vda"}) {
  scenario::Scenario s;
  s.name = "qemu-img-test";
  s.hypervisor = Profile::kQemu;
  s.initial_state = PowerState::kShutoff;
  for (auto& disk : disks) s.disks.push_back({disk, kDiskBytes});
  return s;
}

// What a disk should hold, kept byte by byte next to the real image.
struct Expected {
  std::vector<uint8_t> bytes = std::vector<uint8_t>(kDiskBytes, 0);
  void Apply(const scenario::Write& write) {
    if (const auto* seed = std::get_if<Seed>(&write.content)) {
      SeededStream(seed->seed)
          .Fill(write.offset_bytes,
                std::span(bytes).subspan(write.offset_bytes, write.length_bytes));
    } else {
      std::fill_n(bytes.begin() + write.offset_bytes, write.length_bytes,
                  std::get<Fill>(write.content).byte);
    }
  }
};

// Writes on the backend and on `expected` alike.
void Write(QemuImgBackend& backend, Expected& expected, uint64_t offset, uint64_t length,
           scenario::Content content, const std::string& disk = "vda") {
  scenario::Write write{disk, offset, length, content};
  ASSERT_TRUE(backend.Perform(write).ok());
  expected.Apply(write);
}

// The guest view of a DiskFile ("PATH" or "PATH@ID") as bytes, through qemu-img convert.
std::vector<uint8_t> ReadView(QemuImgBackend& backend, const DiskFile& file) {
  QemuImgTools tools(backend.folder());
  const std::string path = file.image_path();
  const std::optional<std::string> id = file.snapshot();
  tools.ConvertToRaw(path, id, "view.raw");
  const std::string raw = backend.folder() + "/view.raw";
  std::vector<uint8_t> bytes(std::filesystem::file_size(raw));
  std::ifstream(raw, std::ios::binary)
      .read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  std::filesystem::remove(raw);
  return bytes;
}

std::vector<uint8_t> CurrentView(QemuImgBackend& backend, size_t disk = 0) {
  return ReadView(backend, backend.CurrentDisks().at(disk));
}

size_t CountImages(const std::string& folder) {
  size_t count = 0;
  for (const auto& entry : std::filesystem::directory_iterator(folder)) {
    count += entry.path().extension() == ".qcow2";
  }
  return count;
}

Create External(const std::string& name) {
  Create create{name};
  create.disk_only = true;
  return create;
}

TEST(QemuImgBackendTest, InternalCreateRevertDeleteRestoreTheRightBytes) {
  QemuImgBackend backend;
  backend.Begin(Offline());
  Expected now;
  Write(backend, now, 0, kMiB, Fill{0xAA});
  ASSERT_TRUE(backend.Perform(Create{"A"}).ok());
  const Expected at_a = now;
  Write(backend, now, kMiB / 2, kMiB + 77, Seed{7});  // unaligned on purpose
  ASSERT_TRUE(backend.Perform(Create{"B"}).ok());
  const Expected at_b = now;
  Write(backend, now, 0, 64 << 10, Fill{0xDD});
  EXPECT_EQ(CurrentView(backend), now.bytes);

  ASSERT_TRUE(backend.Perform(Revert{"A"}).ok());
  EXPECT_EQ(CurrentView(backend), at_a.bytes);
  ASSERT_TRUE(backend.Perform(Revert{"B"}).ok());
  EXPECT_EQ(CurrentView(backend), at_b.bytes);
  EXPECT_EQ(ReadView(backend, *backend.SnapshotDisk("A", "vda")), at_a.bytes);
  EXPECT_NE(backend.SnapshotDisk("A", "vda")->path.find(".qcow2@"), std::string::npos);

  ASSERT_TRUE(backend.Perform(Delete{"A"}).ok());
  EXPECT_EQ(CurrentView(backend), at_b.bytes);
  EXPECT_EQ(FormatObservation(backend.Observe()), "state: shutoff, current: B, tree: {B: {}}");
  QemuImgTools tools(backend.folder());
  auto left = tools.ListSnapshots(backend.CurrentDisks()[0].path);
  ASSERT_EQ(left.size(), 1u);
  EXPECT_EQ(left[0].name, "B");
  EXPECT_FALSE(backend.SnapshotDisk("A", "vda").has_value());
  backend.End();
}

TEST(QemuImgBackendTest, EverySnapshotCoversEveryDisk) {
  QemuImgBackend backend;
  backend.Begin(Offline({"vda", "vdb"}));
  Expected vda, vdb;
  Write(backend, vda, 0, kMiB, Fill{0x11}, "vda");
  Write(backend, vdb, kMiB, kMiB, Seed{3}, "vdb");
  ASSERT_TRUE(backend.Perform(Create{"A"}).ok());
  const Expected vda_a = vda, vdb_a = vdb;
  Write(backend, vda, 0, kMiB, Fill{0x22}, "vda");
  Write(backend, vdb, kMiB, kMiB, Fill{0x33}, "vdb");
  ASSERT_TRUE(backend.Perform(Revert{"A"}).ok());
  EXPECT_EQ(CurrentView(backend, 0), vda_a.bytes);
  EXPECT_EQ(CurrentView(backend, 1), vdb_a.bytes);
  ASSERT_EQ(backend.CurrentDisks().size(), 2u);
  EXPECT_EQ(backend.CurrentDisks()[1].disk, "vdb");
  EXPECT_EQ(backend.CurrentDisks()[1].format, "qcow2");
}

TEST(QemuImgBackendTest, ExternalDeleteCommitsTheOverlayIntoTheSnapshotImage) {
  QemuImgBackend backend;
  backend.Begin(Offline());
  Expected now;
  Write(backend, now, 0, kMiB, Fill{0xAA});
  ASSERT_TRUE(backend.Perform(External("E1")).ok());
  const std::string base = backend.SnapshotDisk("E1", "vda")->path;
  Write(backend, now, kMiB, kMiB, Seed{11});
  ASSERT_TRUE(backend.Perform(External("E2")).ok());
  Write(backend, now, 2 * kMiB, kMiB, Fill{0xCC});
  EXPECT_EQ(CountImages(backend.folder()), 3u);
  EXPECT_EQ(FormatObservation(backend.Observe()),
            "state: shutoff, current: E2, tree: {E1: {E2: {}}}");

  // E1 is in the active chain with one child: its overlay (the Seed{11} data) is
  // committed down into the base image, and E2's overlay now backs onto the base.
  ASSERT_TRUE(backend.Perform(Delete{"E1"}).ok());
  EXPECT_EQ(CountImages(backend.folder()), 2u);
  EXPECT_EQ(CurrentView(backend), now.bytes);
  Expected base_now = now;
  std::fill_n(base_now.bytes.begin() + 2 * kMiB, kMiB, 0);  // 0xCC is above the base
  EXPECT_EQ(ReadView(backend, {"vda", base, "qcow2"}), base_now.bytes);
  EXPECT_EQ(backend.SnapshotDisk("E2", "vda")->path, base);

  // E2 is current and a leaf: active commit, the domain ends on the base image.
  ASSERT_TRUE(backend.Perform(Delete{"E2"}).ok());
  EXPECT_EQ(CountImages(backend.folder()), 1u);
  EXPECT_EQ(backend.CurrentDisks()[0].path, base);
  EXPECT_EQ(CurrentView(backend), now.bytes);
  EXPECT_EQ(FormatObservation(backend.Observe()), "state: shutoff, current: null, tree: {}");
}

TEST(QemuImgBackendTest, DuplicateQcow2TagsAreAddressedByTheRecordedId) {
  QemuImgBackend backend;
  backend.Begin(Offline());
  Expected now;
  Write(backend, now, 0, kMiB, Fill{0x01});
  ASSERT_TRUE(backend.Perform(Create{"A"}).ok());
  Delete metadata_only{"A"};
  metadata_only.metadata_only = true;
  ASSERT_TRUE(backend.Perform(metadata_only).ok());  // the qcow2 keeps tag A (ID 1)
  Write(backend, now, 0, kMiB, Fill{0x02});
  ASSERT_TRUE(backend.Perform(Create{"A"}).ok());  // a second tag A (ID 2)
  const Expected at_new_a = now;
  Write(backend, now, 0, kMiB, Fill{0x03});
  // `qemu-img snapshot -a A` would pick ID 1 (0x01); the backend applies ID 2.
  ASSERT_TRUE(backend.Perform(Revert{"A"}).ok());
  EXPECT_EQ(CurrentView(backend), at_new_a.bytes);
  QemuImgTools tools(backend.folder());
  EXPECT_EQ(tools.ListSnapshots(backend.CurrentDisks()[0].path).size(), 2u);
  // `-d A` (libvirt's command; -d matches tags only) removes the oldest twin, ID 1.
  ASSERT_TRUE(backend.Perform(Delete{"A"}).ok());
  auto left = tools.ListSnapshots(backend.CurrentDisks()[0].path);
  ASSERT_EQ(left.size(), 1u);
  EXPECT_EQ(left[0].id, "2");
  EXPECT_EQ(CurrentView(backend), at_new_a.bytes);
}

TEST(QemuImgBackendTest, NamesAreCheckedAsLibvirtChecksThem) {
  QemuImgBackend backend;
  backend.Begin(Offline());
  ASSERT_TRUE(backend.Perform(Create{"A"}).ok());
  auto class_of = [&](const scenario::Action& action) {
    Status status = backend.Perform(action);
    return status.ok() ? std::string("ok") : std::string(ErrorClassName(status.error_class()));
  };
  EXPECT_EQ(class_of(Create{"A"}), "operation-failed");
  EXPECT_EQ(class_of(External("A")), "operation-failed");
  EXPECT_EQ(class_of(Create{"a/b"}), "xml-detail");
  EXPECT_EQ(class_of(Create{".hidden"}), "xml-detail");
  Create quiesce{".hidden"};
  quiesce.quiesce = true;
  EXPECT_EQ(class_of(quiesce), "invalid-arg");  // flags before the name
  Create memory_no{"B"};
  memory_no.memory = scenario::MemoryMode::kNo;
  EXPECT_EQ(class_of(memory_no), "ok");
  EXPECT_EQ(class_of(Revert{"nosuch"}), "no-domain-snapshot");
  EXPECT_EQ(class_of(Delete{"nosuch"}), "no-domain-snapshot");
  Delete both{"A"};
  both.children = both.children_only = true;
  EXPECT_EQ(class_of(both), "invalid-arg");
  EXPECT_EQ(class_of(scenario::Pause{}), "operation-invalid");
  EXPECT_EQ(class_of(scenario::Shutdown{}), "operation-invalid");
  // A name that looks like a qcow2 ID and one that looks like an option are just names.
  EXPECT_EQ(class_of(Create{"1"}), "ok");
  EXPECT_EQ(class_of(Create{"-d"}), "ok");
  EXPECT_EQ(class_of(Revert{"A"}), "ok");
  EXPECT_EQ(FormatObservation(backend.Observe()),
            "state: shutoff, current: A, tree: {A: {B: {1: {-d: {}}}}}");
}

TEST(QemuImgBackendTest, ExternalRefusalsFollowLibvirt90) {
  QemuImgBackend backend;
  backend.Begin(Offline());
  auto class_of = [&](const scenario::Action& action) {
    Status status = backend.Perform(action);
    return status.ok() ? std::string("ok") : std::string(ErrorClassName(status.error_class()));
  };
  ASSERT_EQ(class_of(Create{"I0"}), "ok");
  ASSERT_EQ(class_of(External("E1")), "ok");
  EXPECT_EQ(class_of(Revert{"E1"}), "config-unsupported");
  EXPECT_EQ(class_of(Delete{"E1"}), "operation-unsupported");  // its parent is internal
  ASSERT_EQ(class_of(Create{"I2"}), "ok");
  Delete children{"E1"};
  children.children = true;
  EXPECT_EQ(class_of(children), "config-unsupported");
  Delete children_only{"I0"};
  children_only.children_only = true;
  EXPECT_EQ(class_of(children_only), "config-unsupported");  // E1 is below I0
  ASSERT_EQ(class_of(Revert{"I0"}), "ok");
  // Back on I0's image, E1's overlay is off the domain's chain: libvirt cannot find it.
  EXPECT_EQ(class_of(Delete{"E1"}), "invalid-arg");
  EXPECT_EQ(FormatObservation(backend.Observe()),
            "state: shutoff, current: I0, tree: {I0: {E1: {I2: {}}}}");
}

TEST(QemuImgBackendTest, OfflineCreateAnswersAsLibvirtsParserAndIgnoresQuiesce) {
  QemuImgBackend backend;
  backend.Begin(Offline());
  Create memory{".bad/name"};
  memory.memory = scenario::MemoryMode::kYes;
  Status refused = backend.Perform(memory);  // the XML parser, before the name's syntax
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error_class(), ErrorClass::kXmlError);
  Create quiesce = External("Q");
  quiesce.quiesce = true;  // offline libvirt never asks the guest agent
  ASSERT_TRUE(backend.Perform(quiesce).ok());
  EXPECT_EQ(FormatObservation(backend.Observe()), "state: shutoff, current: Q, tree: {Q: {}}");
}

TEST(QemuImgBackendTest, DeleteWithChildrenMovesCurrentAsLibvirtDoes) {
  QemuImgBackend backend;
  backend.Begin(Offline());
  for (const char* name : {"A", "B", "C"}) ASSERT_TRUE(backend.Perform(Create{name}).ok());
  Delete children_only{"A"};
  children_only.children_only = true;
  ASSERT_TRUE(backend.Perform(children_only).ok());
  EXPECT_EQ(FormatObservation(backend.Observe()), "state: shutoff, current: A, tree: {A: {}}");
  ASSERT_TRUE(backend.Perform(Create{"D"}).ok());
  Delete children{"A"};
  children.children = true;
  ASSERT_TRUE(backend.Perform(children).ok());
  EXPECT_EQ(FormatObservation(backend.Observe()), "state: shutoff, current: null, tree: {}");
  QemuImgTools tools(backend.folder());
  EXPECT_TRUE(tools.ListSnapshots(backend.CurrentDisks()[0].path).empty());
}

TEST(QemuImgBackendTest, CannotRunExplainsWhy) {
  QemuImgBackend backend;
  EXPECT_EQ(backend.CannotRun(Offline()), std::nullopt);
  auto with_step = [](scenario::Action action) {
    auto s = Offline();
    s.steps.push_back({Create{"A"}, std::nullopt, {}});
    s.steps.push_back({std::move(action), std::nullopt, {}});
    return s;
  };
  auto reason = [&](const scenario::Scenario& s) { return backend.CannotRun(s).value_or(""); };
  auto esx = Offline();
  esx.hypervisor = Profile::kEsx;
  EXPECT_NE(reason(esx).find("qemu profile only, not esx"), std::string::npos);
  auto running = Offline();
  running.initial_state = PowerState::kRunning;
  EXPECT_NE(reason(running).find("starts running"), std::string::npos);
  EXPECT_NE(reason(with_step(scenario::Start{})).find("step 2 (start)"), std::string::npos);
  Revert revert_running{"A"};
  revert_running.running = true;
  EXPECT_NE(reason(with_step(revert_running)).find("boots the domain"), std::string::npos);
  Create halt{"B"};
  halt.halt = true;
  EXPECT_NE(reason(with_step(halt)).find("`halt`"), std::string::npos);
  // Offline, libvirt's answers to these are known (docs/model.md decisions 21 and 23).
  Create quiesce{"B"};
  quiesce.quiesce = quiesce.disk_only = true;
  EXPECT_EQ(backend.CannotRun(with_step(quiesce)), std::nullopt);
  Create memory{"B"};
  memory.memory = scenario::MemoryMode::kYes;
  EXPECT_EQ(backend.CannotRun(with_step(memory)), std::nullopt);
  Create quiesce_alone{"B"};
  quiesce_alone.quiesce = true;
  EXPECT_EQ(backend.CannotRun(with_step(quiesce_alone)), std::nullopt);
  EXPECT_EQ(backend.CannotRun(with_step(scenario::Pause{})), std::nullopt);
  EXPECT_EQ(backend.CannotRun(with_step(External("B"))), std::nullopt);
}

TEST(QemuImgBackendTest, TheTemporaryFolderIsGoneAfterEnd) {
  std::string folder;
  {
    QemuImgBackend backend;
    backend.Begin(Offline());
    folder = backend.folder();
    EXPECT_NE(folder.find("/snapsim-qemu-img-"), std::string::npos);
    EXPECT_TRUE(std::filesystem::exists(folder + "/vda.qcow2"));
    backend.End();
    EXPECT_FALSE(std::filesystem::exists(folder));
    backend.End();  // twice is fine
    backend.Begin(Offline());
    folder = backend.folder();
    EXPECT_TRUE(std::filesystem::exists(folder));
  }
  EXPECT_FALSE(std::filesystem::exists(folder));  // the destructor removed it
}

TEST(QemuImgBackendTest, AFailingCommandIsABackendFailureNamingIt) {
  QemuImgBackend backend;
  backend.Begin(Offline());
  ASSERT_TRUE(backend.Perform(Create{"A"}).ok());
  std::filesystem::remove(backend.CurrentDisks()[0].path);
  try {
    backend.Perform(Create{"B"}).IgnoreError();  // throws
    FAIL() << "expected a BackendFailure";
  } catch (const BackendFailure& failure) {
    const std::string what = failure.what();
    EXPECT_NE(what.find("qemu-img snapshot -q -c B vda.qcow2"), std::string::npos) << what;
    EXPECT_NE(what.find("exit status 1"), std::string::npos) << what;
    EXPECT_NE(what.find("No such file"), std::string::npos) << what;
  }
  EXPECT_EQ(FormatObservation(backend.Observe()), "state: shutoff, current: A, tree: {A: {}}");
}

}  // namespace
}  // namespace snapsim::simulator
