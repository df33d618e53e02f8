#include "fuzz/harness.h"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "merge/block_status.h"
#include "merge/image.h"
#include "scenario/loader.h"

namespace snapsim::fuzz {
namespace {

constexpr size_t kMaxFiles = 4;
constexpr size_t kMaxName = 32;
constexpr uint64_t kReadBudget = 1 << 20;  // guest bytes read per input

// A private folder for the files of one input, made once per process, removed at exit.
const std::string& Folder() {
  static const std::string path = [] {
    std::string pattern = (std::filesystem::temp_directory_path() / "snapsim-fuzz-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) std::abort();
    return pattern;
  }();
  static const struct Remover {
    ~Remover() {
      std::error_code ignored;
      std::filesystem::remove_all(path, ignored);
    }
  } remover;
  return path;
}

// Empties the folder and writes `files` into it; returns the first one's path.
std::string WriteFiles(const std::vector<PackedFile>& files) {
  std::error_code ignored;
  for (const auto& entry : std::filesystem::directory_iterator(Folder(), ignored)) {
    std::filesystem::remove(entry.path(), ignored);
  }
  for (const PackedFile& f : files) {
    std::ofstream(Folder() + "/" + f.name, std::ios::binary | std::ios::trunc)
        .write(f.bytes.data(), static_cast<std::streamsize>(f.bytes.size()));
  }
  return Folder() + "/" + files.front().name;
}

// Opens the image, computes its map, and reads up to kReadBudget bytes of its data.
void Exercise(const std::string& path, const std::string& format) {
  auto image = merge::Image::Open(path, merge::OpenOptions{format});
  if (!image.ok()) return;
  const merge::Image& opened = *image.value();
  const auto rows = merge::BlockStatus(opened);
  (void)merge::FirstAllocationMismatch(rows, rows);
  std::vector<uint8_t> buffer;
  uint64_t budget = kReadBudget;
  for (const merge::Extent& e : opened.view().extents()) {
    if (budget == 0 || e.offset >= opened.size_bytes()) break;
    const uint64_t n = std::min<uint64_t>({e.length, budget, opened.size_bytes() - e.offset});
    buffer.resize(n);
    (void)opened.Read(e.offset, buffer);
    budget -= n;
  }
}

}  // namespace

const std::vector<std::string>& TargetNames() {
  static const std::vector<std::string> names = {"qcow2", "vmdk",  "raw",
                                                 "probe", "chain", "scenario"};
  return names;
}

std::string PackFiles(const std::vector<PackedFile>& files) {
  std::string out;
  for (const PackedFile& f : files) {
    out += static_cast<char>(f.name.size());
    out += f.name;
    const uint32_t n = static_cast<uint32_t>(f.bytes.size());
    for (int i = 0; i < 4; ++i) out += static_cast<char>(n >> (8 * i));
    out += f.bytes;
  }
  return out;
}

std::vector<PackedFile> UnpackFiles(std::string_view data) {
  std::vector<PackedFile> files;
  while (files.size() < kMaxFiles && !data.empty()) {
    const size_t name_size = static_cast<uint8_t>(data[0]);
    if (name_size == 0 || name_size > kMaxName || data.size() < 1 + name_size + 4) break;
    PackedFile f;
    f.name = std::string(data.substr(1, name_size));
    for (char& c : f.name) {
      const bool ok =
          std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-';
      if (!ok) c = '_';
    }
    if (f.name == "." || f.name == "..") f.name = "_";
    data.remove_prefix(1 + name_size);
    uint32_t n = 0;
    for (int i = 0; i < 4; ++i) n |= uint32_t{static_cast<uint8_t>(data[i])} << (8 * i);
    data.remove_prefix(4);
    n = static_cast<uint32_t>(std::min<size_t>(n, data.size()));
    f.bytes = std::string(data.substr(0, n));
    data.remove_prefix(n);
    bool duplicate = false;
    for (const PackedFile& g : files) duplicate = duplicate || g.name == f.name;
    if (!duplicate) files.push_back(std::move(f));
  }
  return files;
}

bool RunTarget(const std::string& name, std::string_view data) {
  if (name == "scenario") {
    (void)scenario::LoadScenarioText(data, "fuzz.yaml");
    return true;
  }
  if (name == "chain") {
    const std::vector<PackedFile> files = UnpackFiles(data);
    if (!files.empty()) Exercise(WriteFiles(files), "");
    return true;
  }
  if (name != "qcow2" && name != "vmdk" && name != "raw" && name != "probe") return false;
  // One file, named as the seeds' vmdk descriptors name their own extent.
  const std::string path =
      WriteFiles({{"image." + (name == "probe" ? std::string("img") : name), std::string(data)}});
  Exercise(path, name == "probe" ? "" : name);
  if (name == "qcow2") Exercise(path + "@1", name);  // the first internal snapshot, if any
  return true;
}

}  // namespace snapsim::fuzz
