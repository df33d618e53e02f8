// The qemu corpus on real qcow2 files, byte for byte: after every step of every scenario
// the qemu-img backend can run, each disk's current view and each surviving snapshot's
// view (read back with `qemu-img convert -O raw`) must equal the model's prediction. The
// runner compares outcomes and trees; this test covers the bytes it does not yet read.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <set>

#include <fmt/format.h>

#include "core/random.h"
#include "merge/extent_map.h"
#include "model/model.h"
#include "scenario/loader.h"
#include "simulator/observation.h"
#include "simulator/qemu/qemu_img_backend.h"

namespace snapsim::simulator {
namespace {

// The first offset where `file`'s view (through `qemu-img convert -O raw`) and `view`
// differ, as text, or nullopt. Streams 1 MiB at a time: disks are 64 MiB by default.
std::optional<std::string> Difference(QemuImgBackend& backend, const DiskFile& file,
                                      const merge::ExtentMap& view) {
  QemuImgTools tools(backend.folder());
  const std::string path = file.image_path();
  const std::optional<std::string> id = file.snapshot();
  const std::string raw = backend.folder() + "/corpus-view.raw";
  tools.ConvertToRaw(path, id, raw);
  const uint64_t size = std::filesystem::file_size(raw);
  std::optional<std::string> difference;
  if (size != view.size_bytes()) difference = fmt::format("size {} vs {}", size, view.size_bytes());
  std::ifstream in(raw, std::ios::binary);
  std::vector<uint8_t> got(1 << 20), want(1 << 20);
  for (uint64_t offset = 0; !difference && offset < size; offset += got.size()) {
    const size_t n = static_cast<size_t>(std::min<uint64_t>(got.size(), size - offset));
    in.read(reinterpret_cast<char*>(got.data()), static_cast<std::streamsize>(n));
    EXPECT_TRUE(merge::ReadSynthetic(view, offset, std::span(want).first(n)));
    auto [g, w] = std::mismatch(got.begin(), got.begin() + n, want.begin());
    if (g != got.begin() + n) {
      difference =
          fmt::format("offset {}: 0x{:02x} vs 0x{:02x}", offset + (g - got.begin()), *g, *w);
    }
  }
  std::filesystem::remove(raw);
  return difference;
}

// Snapshot views libvirt 9.0 really damages, by scenario. Reverting offline to an
// internal snapshot runs `qemu-img snapshot -a` on the image the snapshot was taken in and
// puts the domain back on it, even when a later external snapshot froze that image: the
// external snapshot and everything above it change under the revert (the model keeps
// them). Each entry must still differ, so a fix shows up here too.
const std::map<std::string, std::set<std::string>> kDamagedByLibvirt = {
    {"scenarios/qemu/revert_offline_below_an_external_snapshot_keeps_its_view.yaml", {"X"}},
    // Deleting external `a` commits and unlinks the overlay holding `b`'s table (F4).
    {"scenarios/qemu/delete_external_snapshot_keeps_internal_child_revertable.yaml", {"b"}},
    {"scenarios/qemu/"
     "delete_current_external_snapshot_with_an_internal_child_commits_its_overlay.yaml",
     {"Z"}},
};

// Every disk's current view and every snapshot's view, backend against model.
// Returns the listed snapshots seen damaged.
std::set<std::string> CompareBytes(QemuImgBackend& backend, const model::Model& model,
                                   const std::string& path, const std::string& where) {
  std::set<std::string> seen_damaged;
  for (const DiskFile& file : backend.CurrentDisks()) {
    auto difference = Difference(backend, file, model.CurrentView(file.disk));
    EXPECT_FALSE(difference) << where << ": disk " << file.disk << " differs at " << *difference;
  }
  std::vector<std::string> names;
  std::function<void(const scenario::Tree&)> collect = [&](const scenario::Tree& tree) {
    for (const auto& [name, children] : tree.children) {
      names.push_back(name);
      collect(children);
    }
  };
  collect(model.Forest());
  auto damaged = kDamagedByLibvirt.find(path);
  for (const auto& name : names) {
    for (const auto& disk : model.disks()) {
      const merge::ExtentMap* view = model.SnapshotView(name, disk.name);
      auto file = backend.SnapshotDisk(name, disk.name);
      if (view == nullptr || !file) continue;  // tree differences are the runner's to report
      const std::string image = file->image_path();
      auto difference = std::filesystem::exists(image)
                            ? Difference(backend, *file, *view)
                            : std::optional<std::string>("the file " + image + " is gone");
      if (damaged != kDamagedByLibvirt.end() && damaged->second.count(name) != 0) {
        if (difference) seen_damaged.insert(name);
        continue;
      }
      EXPECT_FALSE(difference) << where << ": snapshot " << name << " disk " << disk.name
                               << " differs at " << *difference;
    }
  }
  return seen_damaged;
}

TEST(QemuImgCorpusTest, EveryRunnableQemuScenarioKeepsTheModelsBytes) {
  auto files = scenario::CollectScenarioFiles({"scenarios/qemu"});
  if (std::holds_alternative<scenario::LoadError>(files)) {
    GTEST_SKIP() << std::get<scenario::LoadError>(files).ToString();
  }
  int ran = 0;
  for (const std::string& path : std::get<std::vector<std::string>>(files)) {
    auto loaded = scenario::LoadScenarioFile(path);
    ASSERT_TRUE(std::holds_alternative<scenario::Scenario>(loaded)) << path;
    const auto& s = std::get<scenario::Scenario>(loaded);
    QemuImgBackend backend;
    if (backend.CannotRun(s)) continue;
    const auto started = std::chrono::steady_clock::now();
    backend.Begin(s);
    model::Model model(s);
    std::set<std::string> damaged;
    for (size_t i = 0; i < s.steps.size(); ++i) {
      const auto& action = s.steps[i].action;
      if (std::holds_alternative<scenario::Expect>(action)) continue;
      const Status got = backend.Perform(action);
      const Status want = model.Apply(action);
      // Once libvirt's damage makes the two part (a revert the backend can no longer do),
      // the rest of the scenario says nothing about bytes.
      if (!damaged.empty() && !(got == want)) break;
      damaged.merge(CompareBytes(backend, model, path, fmt::format("{}: step {}", path, i + 1)));
    }
    auto listed = kDamagedByLibvirt.find(path);
    EXPECT_EQ(damaged, listed == kDamagedByLibvirt.end() ? std::set<std::string>() : listed->second)
        << path << ": the snapshots libvirt 9.0 damages";
    const double elapsed_ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started)
            .count();
    std::string where_time;
    for (const auto& [command, stats] : backend.stats()) {
      where_time +=
          fmt::format(" {}={}x{:.1f}ms", command, stats.count, stats.total_ms / stats.count);
    }
    std::cout << fmt::format("{}: {:.0f} ms (with byte checks);{}\n", path, elapsed_ms, where_time);
    backend.End();
    ++ran;
  }
  EXPECT_GT(ran, 0) << "no qemu scenario is runnable offline";
}

}  // namespace
}  // namespace snapsim::simulator

namespace snapsim::simulator {
namespace {

// One random offline step: what the qemu-img backend can replay, over names a..d.
scenario::Action RandomOfflineAction(Random& random) {
  const std::string name(1, static_cast<char>('a' + random.Uniform(4)));
  switch (random.Uniform(9)) {
    case 0:
    case 1: {
      scenario::Create create{name};
      create.disk_only = random.OneIn(2);
      return create;
    }
    case 2:
    case 3: {
      scenario::Delete del{name};
      const uint64_t flags = random.Uniform(6);
      del.children = flags == 1;
      del.children_only = flags == 2;
      del.metadata_only = flags == 3;
      del.discard = flags == 4;
      return del;
    }
    case 4:
    case 5: {
      scenario::Revert revert{name};
      revert.force = random.OneIn(4);
      return revert;
    }
    default: {
      const uint64_t offset = random.Uniform(64) * 4096 + random.Uniform(2) * 100;
      scenario::Content content = scenario::Fill{static_cast<uint8_t>(1 + random.Uniform(255))};
      if (random.OneIn(2)) content = scenario::Seed{random.Uniform(1000)};
      return scenario::Write{"vda", offset, 4096 + random.Uniform(3) * 65536, content};
    }
  }
}

std::string Describe(const scenario::Action& action) {
  std::string text = scenario::ActionName(action);
  if (const auto* c = std::get_if<scenario::Create>(&action)) {
    text += " " + c->name + (c->disk_only ? " disk-only" : "");
  } else if (const auto* d = std::get_if<scenario::Delete>(&action)) {
    text += " " + d->name + (d->children ? " children" : "") +
            (d->children_only ? " children-only" : "") +
            (d->metadata_only ? " metadata-only" : "") + (d->discard ? " discard" : "");
  } else if (const auto* r = std::get_if<scenario::Revert>(&action)) {
    text += " " + r->name + (r->force ? " force" : "");
  }
  return text;
}

// Random offline sequences on real images against the model: the same outcome, the same
// tree and current snapshot after every step, and the same current bytes at the end.
uint64_t EnvOr(const char* name, uint64_t fallback) {
  const char* value = std::getenv(name);
  return value != nullptr ? std::strtoull(value, nullptr, 10) : fallback;
}

// libvirt 9.0 deletes an external snapshot by committing its overlay and unlinking it,
// internal snapshots of its descendants inside that overlay included; a later revert to
// one of them fails (qemu-img cannot open the image) where the model succeeds.
bool IsKnownLibvirtDamage(const Status& status) {
  return status.error_class() == ErrorClass::kInternalError &&
         status.message().find("merged it away") != std::string::npos;
}

TEST(QemuImgCorpusTest, RandomOfflineSequencesAgreeWithTheModel) {
  int known_findings = 0;
  // SNAPSIM_QIMG_SEED and SNAPSIM_QIMG_RUNS widen the search by hand.
  Random random(EnvOr("SNAPSIM_QIMG_SEED", 20240601));
  const uint64_t runs = EnvOr("SNAPSIM_QIMG_RUNS", 12);
  for (uint64_t run = 0; run < runs; ++run) {
    scenario::Scenario s;
    s.name = "random";
    s.hypervisor = Profile::kQemu;
    s.disks = {{"vda", 1ull << 20}};
    QemuImgBackend backend;
    backend.Begin(s);
    model::Model model(s);
    std::string history;
    bool ended_early = false;
    for (int step = 0; step < 16 && !ended_early; ++step) {
      const scenario::Action action = RandomOfflineAction(random);
      if (auto* w = std::get_if<scenario::Write>(&action)) {
        if (w->offset_bytes + w->length_bytes > s.disks[0].size_bytes) continue;
      }
      history += "\n  " + Describe(action);
      const Status got = backend.Perform(action);
      const Status want = model.Apply(action);
      if (want.ok() && !got.ok() && IsKnownLibvirtDamage(got)) {
        ++known_findings;  // the two states part here: this run ends
        ended_early = true;
        break;
      }
      ASSERT_TRUE(got == want) << "run " << run << ": model " << want.ToString() << ", qemu-img "
                               << got.ToString() << history;
      const Observation seen = backend.Observe();
      ASSERT_EQ(FormatObservation(seen),
                FormatObservation({model.state(), model.current(), model.Forest()}))
          << "run " << run << ":" << history;
    }
    if (ended_early) continue;
    for (const DiskFile& file : backend.CurrentDisks()) {
      auto difference = Difference(backend, file, model.CurrentView(file.disk));
      EXPECT_FALSE(difference) << "run " << run << ": " << *difference << history;
    }
  }
  std::cout << "runs ending on the known libvirt 9.0 damage: " << known_findings << "\n";
}

}  // namespace
}  // namespace snapsim::simulator
