#include "simulator/disk_bytes_check.h"

#include <filesystem>

#include <fmt/format.h>

#include "merge/compare.h"
#include "merge/image.h"

namespace snapsim::simulator {
namespace {

std::string Hex(const std::vector<uint8_t>& bytes) {
  std::string text;
  for (uint8_t b : bytes) text += fmt::format("{:02x}", b);
  return text;
}

// `message` without the folder of `path`, so that reports stay byte-identical.
std::string WithoutFolder(std::string message, const std::string& path) {
  const std::string folder = path.substr(0, path.find_last_of('/') + 1);
  if (folder.empty()) return message;
  for (size_t at = message.find(folder); at != std::string::npos; at = message.find(folder, at)) {
    message.erase(at, folder.size());
  }
  return message;
}

// Compares one file with one predicted view; appends a failure when they differ. A view
// that no longer reads (a backing file gone, a chain that no longer opens, a table that
// points outside its file) is data the backend lost: a divergence, not a backend failure.
void CompareOne(const DiskFile& file, const merge::ExtentMap& predicted, const std::string& what,
                std::vector<Difference>& differences) {
  auto lost = [&](const Status& status) {
    differences.push_back({Aspect::kBytes, what, "readable",
                           "cannot be read: " + WithoutFolder(status.message(), file.path)});
  };
  auto image = merge::Image::Open(file.path);
  if (!image.ok()) return lost(image.status());
  merge::ImageContent actual(**image);
  merge::PredictedContent expected("model", predicted);
  merge::CompareOptions options;
  options.first_only = true;
  auto result = merge::Compare(expected, actual, options);
  if (!result.ok()) return lost(result.status());
  if (result->same()) return;
  const merge::DiffRange& diff = result->diffs.front();
  // The file name without its temporary folder, so that reports stay byte-identical.
  const std::string shown = file.path.substr(file.path.find_last_of('/') + 1);
  differences.push_back(
      {Aspect::kBytes, what, fmt::format("{} at {:#x}", Hex(diff.head_a), diff.offset),
       fmt::format("{} ({} differs from offset {:#x}, {} bytes in the first range)",
                   Hex(diff.head_b), shown, diff.offset, diff.differing_bytes)});
}

void Names(const scenario::Tree& tree, std::vector<std::string>& out) {
  for (const auto& [name, child] : tree.children) {
    out.push_back(name);
    Names(child, out);
  }
}

}  // namespace

std::vector<Difference> CompareDiskBytes(Backend& backend, const model::Model& model) {
  std::vector<Difference> failures;
  if (!backend.HasDiskBytes()) return failures;
  for (const DiskFile& file : backend.CurrentDisks()) {
    CompareOne(file, model.CurrentView(file.disk), fmt::format("disk {} now", file.disk), failures);
  }
  std::vector<std::string> snapshots;
  Names(model.Forest(), snapshots);
  for (const std::string& snapshot : snapshots) {
    for (const scenario::DiskSpec& disk : model.disks()) {
      auto file = backend.SnapshotDisk(snapshot, disk.name);
      const merge::ExtentMap* view = model.SnapshotView(snapshot, disk.name);
      if (!file || view == nullptr) continue;
      const std::string image_path = file->image_path();
      if (!std::filesystem::exists(image_path)) {
        // The snapshot still exists in the backend's metadata but its data does not.
        failures.push_back({Aspect::kBytes,
                            fmt::format("disk {} at snapshot {}", disk.name, snapshot), "kept",
                            fmt::format("removed {}, which held them",
                                        image_path.substr(image_path.find_last_of('/') + 1))});
        continue;
      }
      CompareOne(*file, *view, fmt::format("disk {} at snapshot {}", disk.name, snapshot),
                 failures);
    }
  }
  return failures;
}

}  // namespace snapsim::simulator
