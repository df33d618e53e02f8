#include "simulator/host/temp_dir.h"

#include <dirent.h>
#include <signal.h>
#include <unistd.h>

#include <stdlib.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <system_error>
#include <vector>

#include <fmt/format.h>

#include "simulator/host/cleanup.h"

namespace snapsim::simulator {
namespace {

std::string BaseDir() {
  const char* tmpdir = std::getenv("TMPDIR");
  std::string base = tmpdir != nullptr && tmpdir[0] != '\0' ? tmpdir : "/tmp";
  while (base.size() > 1 && base.back() == '/') base.pop_back();
  return base;
}

// The pid in a folder name made by Create ("PREFIX<pid>-XXXXXX"), or 0.
pid_t OwnerPid(std::string_view name) {
  if (name.size() < 8 || name[name.size() - 7] != '-') return 0;
  const std::string_view head = name.substr(0, name.size() - 7);
  const size_t digits = head.find_last_not_of("0123456789");
  if (digits == std::string_view::npos || digits + 1 == head.size() || head[digits] != '-') {
    return 0;
  }
  pid_t pid = 0;
  for (char c : head.substr(digits + 1)) {
    if (pid > 4'194'304) return 0;  // beyond any pid_max
    pid = pid * 10 + (c - '0');
  }
  return pid;
}

}  // namespace

void SweepStaleTempDirs() { SweepStaleTempDirsIn(BaseDir()); }

std::vector<std::string> SweepStaleTempDirsIn(const std::string& base, pid_t owner) {
  std::vector<std::string> removed;
  DIR* dir = ::opendir(base.c_str());
  if (dir == nullptr) return removed;
  const uid_t me = ::geteuid();
  while (const dirent* entry = ::readdir(dir)) {
    const std::string_view name = entry->d_name;
    if (name.rfind("snapsim-", 0) != 0) continue;
    const pid_t pid = OwnerPid(name);
    if (pid <= 0 || pid == ::getpid() || (owner != 0 && pid != owner)) continue;
    if (::kill(pid, 0) == 0 || errno != ESRCH) continue;  // alive (or not ours to ask)
    const std::string path = base + "/" + std::string(name);
    struct stat st;
    if (::lstat(path.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) continue;
    if (me != 0 && st.st_uid != me) continue;
    if (cleanup::RemoveTree(path.c_str())) removed.push_back(path);
  }
  ::closedir(dir);
  return removed;
}

Result<TempDir> TempDir::Create(std::string_view prefix) {
  static std::once_flag swept;
  std::call_once(swept, SweepStaleTempDirs);
  return CreateIn(BaseDir(), prefix);
}

Result<TempDir> TempDir::CreateIn(std::string base, std::string_view prefix) {
  if (prefix.find('/') != std::string_view::npos) {
    return Status::Failure(Fault::kInternal,
                           fmt::format("temporary folder prefix '{}' contains '/'", prefix));
  }
  std::error_code error;
  const std::filesystem::path absolute = std::filesystem::absolute(base, error);
  if (!error) base = absolute.string();
  std::string pattern = fmt::format("{}/{}{}-XXXXXX", base, prefix, ::getpid());
  std::vector<char> buffer(pattern.begin(), pattern.end());
  buffer.push_back('\0');
  if (::mkdtemp(buffer.data()) == nullptr) {
    return Status::Failure(
        Fault::kBackendFailure,
        fmt::format("cannot create a temporary folder {}: {}", pattern, std::strerror(errno)));
  }
  TempDir dir{std::string(buffer.data())};
  if (!cleanup::RegisterFolder(dir.path_)) {
    return Status::Failure(
        Fault::kBackendFailure,
        fmt::format("cannot register {} for cleanup: too many folders", dir.path_));
  }
  return dir;
}

TempDir::TempDir(TempDir&& other) noexcept : path_(std::move(other.path_)) { other.path_.clear(); }

TempDir& TempDir::operator=(TempDir&& other) noexcept {
  if (this != &other) {
    Remove();
    path_ = std::move(other.path_);
    other.path_.clear();
  }
  return *this;
}

TempDir::~TempDir() { Remove(); }

std::string TempDir::File(std::string_view name) const { return fmt::format("{}/{}", path_, name); }

void TempDir::Remove() {
  if (path_.empty()) return;
  std::error_code ignored;  // a folder that is already gone is fine
  std::filesystem::remove_all(path_, ignored);
  cleanup::ForgetFolder(path_);
  path_.clear();
}

}  // namespace snapsim::simulator
