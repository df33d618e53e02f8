#pragma once
// Test-only helpers for making real images with qemu-img and qemu-io in a temp dir.

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace snapsim::merge::testing {

// A fresh directory under $TMPDIR, removed with everything in it.
class TempDir {
 public:
  TempDir() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "snapsim-merge-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) std::abort();
    path_ = pattern;
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  std::string operator/(const std::string& name) const { return path_ + "/" + name; }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Runs a shell command; returns its combined output, failing the test on a non-zero exit.
inline std::string Shell(const std::string& command) {
  std::string output;
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (!pipe) {
    ADD_FAILURE() << "cannot run " << command;
    return output;
  }
  char buffer[4096];
  size_t n;
  while ((n = fread(buffer, 1, sizeof(buffer), pipe)) > 0) output.append(buffer, n);
  const int status = pclose(pipe);
  EXPECT_EQ(status, 0) << command << "\n" << output;
  return output;
}

// qemu-io with each of `commands`; qemu-io exits 0 even when a read -P check fails, so
// its output is checked too.
inline void QemuIo(const std::string& image, const std::vector<std::string>& commands,
                   const std::string& format = "") {
  std::string command = "qemu-io";
  if (!format.empty()) command += " -f " + format;
  for (const auto& c : commands) command += " -c '" + c + "'";
  const std::string output = Shell(command + " '" + image + "'");
  EXPECT_EQ(output.find("failed"), std::string::npos) << output;
  EXPECT_EQ(output.find("error"), std::string::npos) << output;
}

inline std::vector<uint8_t> ReadWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), {});
}

}  // namespace snapsim::merge::testing
