#include "simulator/qemu/qemu_img_tools.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/seeded_stream.h"
#include "simulator/backend.h"

namespace snapsim::simulator {
namespace {

// qemu-io allocates a buffer as large as one write; larger writes are split.
constexpr uint64_t kChunkBytes = 16ull << 20;

// qemu-io reports a failed command on stdout or stderr and, for some commands, still
// exits 0: its text is the authority.
bool QemuIoReportedFailure(const ProcessResult& result) {
  for (const std::string* text : {&result.stdout_text, &result.stderr_text}) {
    if (text->find("failed") != std::string::npos) return true;
  }
  return false;
}

std::string Trimmed(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

}  // namespace

std::optional<std::string> QemuImgTools::Probe() {
  for (const char* program : {"qemu-img", "qemu-io"}) {
    if (!FindProgram(program)) {
      return fmt::format("{} is not installed (Debian: apt-get install qemu-utils)", program);
    }
  }
  return std::nullopt;
}

ProcessResult QemuImgTools::Run(const std::vector<std::string>& argv,
                                const std::string& stats_key) {
  auto result = RunProcess(argv, ProcessOptions{folder_, timeout_ms_});
  if (!result.ok()) throw BackendFailure(result.status().message());
  CommandStats& stats = stats_[stats_key];
  ++stats.count;
  stats.total_ms += result->elapsed_ms;
  const bool io_failed = argv[0] == "qemu-io" && QemuIoReportedFailure(*result);
  if (!result->succeeded() || io_failed) {
    throw BackendFailure(fmt::format("`{}` (in {}) failed: {}: {}", CommandLine(argv), folder_,
                                     result->DescribeEnd(timeout_ms_),
                                     Trimmed(result->stderr_text + result->stdout_text)));
  }
  return std::move(*result);
}

void QemuImgTools::Create(const std::string& file, uint64_t size_bytes) {
  Run({"qemu-img", "create", "-q", "-f", "qcow2", file, std::to_string(size_bytes)},
      "qemu-img create");
}

void QemuImgTools::CreateOverlay(const std::string& overlay, const std::string& backing) {
  Run({"qemu-img", "create", "-q", "-f", "qcow2", "-b", backing, "-F", "qcow2", overlay},
      "qemu-img create");
}

std::string QemuImgTools::SnapshotCreate(const std::string& file, const std::string& name) {
  // getopt takes the word after -c as its argument even when it starts with '-'.
  Run({"qemu-img", "snapshot", "-q", "-c", name, file}, "qemu-img snapshot -c");
  // qcow2 numbers a new snapshot one above the highest ID: the newest entry with this
  // name and the largest ID is the one just made.
  std::optional<Qcow2Snapshot> newest;
  for (Qcow2Snapshot& snapshot : ListSnapshots(file)) {
    if (snapshot.name != name) continue;
    if (!newest || std::stoull(snapshot.id) > std::stoull(newest->id)) newest = snapshot;
  }
  if (!newest) {
    throw BackendFailure(
        fmt::format("qemu-img snapshot -c '{}' {} succeeded but {} lists no "
                    "snapshot with that name",
                    name, file, file));
  }
  return newest->id;
}

void QemuImgTools::SnapshotApply(const std::string& file, const std::string& id) {
  Run({"qemu-img", "snapshot", "-q", "-a", id, file}, "qemu-img snapshot -a");
}

void QemuImgTools::SnapshotDelete(const std::string& file, const std::string& name) {
  Run({"qemu-img", "snapshot", "-q", "-d", name, file}, "qemu-img snapshot -d");
}

std::vector<Qcow2Snapshot> QemuImgTools::ListSnapshots(const std::string& file) {
  const ProcessResult result =
      Run({"qemu-img", "info", "-f", "qcow2", "--output=json", file}, "qemu-img info");
  std::vector<Qcow2Snapshot> snapshots;
  try {
    const nlohmann::json info = nlohmann::json::parse(result.stdout_text);
    if (info.contains("snapshots")) {
      for (const auto& entry : info.at("snapshots")) {
        snapshots.push_back(
            {entry.at("id").get<std::string>(), entry.at("name").get<std::string>()});
      }
    }
  } catch (const nlohmann::json::exception& error) {
    throw BackendFailure(
        fmt::format("cannot read `qemu-img info --output=json {}`: {}", file, error.what()));
  }
  return snapshots;
}

void QemuImgTools::Commit(const std::string& overlay) {
  // -d: the overlay is removed afterwards, emptying it first would be wasted work.
  Run({"qemu-img", "commit", "-q", "-f", "qcow2", "-d", overlay}, "qemu-img commit");
}

void QemuImgTools::RebaseUnsafe(const std::string& file, const std::string& new_backing) {
  Run({"qemu-img", "rebase", "-q", "-u", "-f", "qcow2", "-b", new_backing, "-F", "qcow2", file},
      "qemu-img rebase");
}

void QemuImgTools::Write(const std::string& file, uint64_t offset_bytes, uint64_t length_bytes,
                         const scenario::Content& content) {
  if (length_bytes == 0) return;
  if (const auto* seed = std::get_if<scenario::Seed>(&content)) {
    WriteSeeded(file, offset_bytes, length_bytes, seed->seed);
    return;
  }
  const auto byte = std::get<scenario::Fill>(content).byte;
  std::vector<std::string> argv = {"qemu-io", "-f", "qcow2"};
  for (uint64_t done = 0; done < length_bytes; done += kChunkBytes) {
    const uint64_t n = std::min(kChunkBytes, length_bytes - done);
    argv.insert(argv.end(),
                {"-c", fmt::format("write -q -P 0x{:02x} {} {}", byte, offset_bytes + done, n)});
  }
  argv.push_back(file);
  Run(argv, "qemu-io write -P");
}

// `write -s FILE` fills the write buffer from FILE: the seeded bytes go through a
// temporary raw file per chunk, in the folder, removed afterwards.
void QemuImgTools::WriteSeeded(const std::string& file, uint64_t offset_bytes,
                               uint64_t length_bytes, uint64_t seed) {
  const SeededStream stream(seed);
  std::vector<std::string> argv = {"qemu-io", "-f", "qcow2"};
  std::vector<std::string> chunk_files;
  std::vector<uint8_t> bytes;
  struct Cleanup {
    const std::string& folder;
    std::vector<std::string>& files;
    ~Cleanup() {
      std::error_code ignored;
      for (const auto& f : files) std::filesystem::remove(folder + "/" + f, ignored);
    }
  } cleanup{folder_, chunk_files};
  for (uint64_t done = 0; done < length_bytes; done += kChunkBytes) {
    const uint64_t n = std::min(kChunkBytes, length_bytes - done);
    bytes.resize(n);
    stream.Fill(offset_bytes + done, bytes);
    chunk_files.push_back(fmt::format("seed-{}.raw", chunk_files.size()));
    std::ofstream out(folder_ + "/" + chunk_files.back(), std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(n));
    if (!out) {
      throw BackendFailure(
          fmt::format("cannot write seeded data to {}/{}", folder_, chunk_files.back()));
    }
    argv.insert(argv.end(), {"-c", fmt::format("write -q -s {} {} {}", chunk_files.back(),
                                               offset_bytes + done, n)});
  }
  argv.push_back(file);
  Run(argv, "qemu-io write -s");
}

void QemuImgTools::ConvertToRaw(const std::string& file,
                                const std::optional<std::string>& snapshot_id,
                                const std::string& raw_file) {
  std::vector<std::string> argv = {"qemu-img", "convert", "-f", "qcow2", "-O", "raw"};
  if (snapshot_id) argv.insert(argv.end(), {"-l", "snapshot.id=" + *snapshot_id});
  argv.insert(argv.end(), {file, raw_file});
  Run(argv, "qemu-img convert");
}

}  // namespace snapsim::simulator
