#pragma once
// What each fuzz target does with one input, shared by the libFuzzer targets (built with
// clang by fuzz/run.sh) and by the replay test that runs the seed corpus and every saved
// crash in the ordinary build. An input must give a result or an error, never a crash,
// a hang or an unbounded allocation; the functions return normally either way.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace snapsim::fuzz {

// The targets, by name: "qcow2", "vmdk" and "raw" read one file with that format
// stated; "probe" reads one file with its format probed; "chain" unpacks several files
// (PackFiles) and opens the first with its backing chain; "scenario" loads YAML text.
// The qcow2 target also opens internal snapshot 1 (IMAGE@1).
const std::vector<std::string>& TargetNames();
// Runs target `name` on `data`. Returns false for an unknown name.
bool RunTarget(const std::string& name, std::string_view data);

// The chain target's input: files one after another, each as a length byte and a name
// (up to 32 of [A-Za-z0-9._-]; others become '_'), a 4-byte little-endian size and the
// bytes. At most 4 files; the first is the image opened.
struct PackedFile {
  std::string name;
  std::string bytes;
};
std::string PackFiles(const std::vector<PackedFile>& files);
std::vector<PackedFile> UnpackFiles(std::string_view data);

}  // namespace snapsim::fuzz
